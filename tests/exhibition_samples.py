"""Sample contexts of the exhibition templates, for the line-structure test (tests/test_templates.py)."""

from datetime import date
from typing import Any

from storage.records import BoothRequest, BoothStatus, Exhibition

EXHIBITION = Exhibition(
    id=1, title="بازارچه پاییز", province_code="IR-15", province_fa="لرستان", province_en="Lorestan", city="خرم‌آباد",
    place="سالن ۲", starts_on=date(2026, 12, 20), ends_on=date(2026, 12, 22), apply_by=date(2026, 12, 10), booths=20,
    booths_taken=3, created_by=2015, categories_fa=("گلیم‌بافی", "قالیبافی"),
    categories_en=("Kilim weaving", "Carpet weaving"), category_ids=(2, 1))
REQUEST = BoothRequest(
    id=7, exhibition_id=1, user_id=3001, application_id=4, permit_number="15-1405-00001-0", category_fa="گلیم‌بافی",
    category_en="Kilim weaving", city="خرم‌آباد", description="گلیم دستباف\nبا رنگ گیاهی", self_made=True,
    status=BoothStatus.ACCEPTED, booth=3, reason="عکس‌ها روشن نیست", photos=("a", "b"))
ANSWERS = {"title": "بازارچه پاییز", "city": "خرم‌آباد", "place": "سالن ۲", "booths": 20}
DAY = date(2026, 12, 20)

SAMPLES: dict[str, dict[str, Any]] = {
    "exhibitions/form_intro": {},
    "exhibitions/ask_title": {"max_length": 100},
    "exhibitions/ask_place": {"max_length": 200},
    "exhibitions/ask_starts_on": {"low": DAY, "high": DAY},
    "exhibitions/ask_ends_on": {"low": DAY, "high": DAY},
    "exhibitions/ask_categories": {"chosen": ["گلیم‌بافی"]},
    "exhibitions/review": {"e": ANSWERS, "province": "لرستان", "categories": ["گلیم‌بافی"], "starts": DAY,
                           "ends": DAY, "apply_by": DAY},
    "exhibitions/saved": {"e": EXHIBITION, "announced": 4},
    "exhibitions/announcement": {"e": EXHIBITION},
    "exhibitions/channel_announcement": {"e": EXHIBITION, "bot": "HomeBusinessBot"},
    "exhibitions/open_list": {"items": [EXHIBITION] * 2, "page": 1, "pages": 2},
    "exhibitions/ask_description": {"e": EXHIBITION, "max_length": 500},
    "exhibitions/booth_review": {"e": EXHIBITION, "d": {"description": "گلیم", "photos": ["a"], "self_made": True}},
    "exhibitions/staff_list": {"items": [EXHIBITION] * 2, "pending": {1: 2}, "page": 1, "pages": 2},
    "exhibitions/request_card": {"e": EXHIBITION, "r": REQUEST},
    "exhibitions/booth_accepted": {"e": EXHIBITION, "r": REQUEST},
    "exhibitions/booth_refused": {"e": EXHIBITION, "r": REQUEST},
    "exhibitions/booth_reminder": {"e": EXHIBITION, "r": REQUEST},
    "exhibitions/digest": {"items": [(EXHIBITION, 2), (EXHIBITION, 1)]},
    "exhibitions/booth_list": {"e": EXHIBITION, "booths": [REQUEST] * 2, "page": 1, "pages": 2},
}
