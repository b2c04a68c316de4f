"""People and data for the exhibition tests: holders with permits, an officer, and the /addexhibition walk."""

import itertools
from datetime import date, timedelta

from persiantools.jdatetime import JalaliDate

from domain.lifecycle import Action
from messages.formatting import localize_digits
from storage.records import Application, PermitRequest
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.seeding import next_national_id

_mobiles = itertools.count(9_120_000_100)
OFFICER_ID = 2015
CHANNEL_ID = -1001500


async def holder(bot: Harness, user_id: int, category: str = "گلیم‌بافی", province: str = "IR-15",
                 lang: str = "fa", *actions: Action) -> Application:
    """A holder of a permit issued now through the store (as the form would), moved through `actions`."""
    await bot.store.ensure_user(user_id, lang)
    categories = {c.name_fa: c.id for c in await bot.store.list_categories()}
    application = await bot.store.issue_permit(PermitRequest(
        user_id=user_id, category_id=categories[category], track="independent", full_name="سارا رضایی",
        national_id=next_national_id(), birth_date=date(1990, 1, 1), mobile=f"0{next(_mobiles)}",
        province_code=province, city="خرم‌آباد", address="خیابان امام، پلاک ۱۲", postal_code="6813714653",
        education="diploma", workers=1), bot.config.rules.permit_number_format, 5)
    for action in actions:
        application = await bot.store.transition(application.id, action, None)
    return application


async def officer(bot: Harness, lang: str = "fa", province: str = "IR-15", user_id: int = OFFICER_ID) -> FakeUser:
    await bot.store.set_officer(user_id, province, ADMIN_ID, lang)
    return bot.user(user_id, "کارشناس", language_code=lang)


def typed_day(day: date, lang: str) -> str:
    """A day as a person types it: Jalali year/month/day, in Persian digits for a Persian speaker."""
    jalali = JalaliDate.to_jalali(day)
    return localize_digits(f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}", lang)


def today(bot: Harness) -> date:
    return bot.store.today().to_gregorian()


LABELS = {
    "fa": {"sector": "صنایع دستی", "category": "گلیم‌بافی", "save": "✅ ثبت و اعلام", "apply": "🏪 درخواست غرفه",
           "done_photos": "✅ همین‌ها کافی است", "yes": "بله، خودم می‌سازم", "no": "خیر", "submit": "📨 ارسال درخواست",
           "accept": "✅ پذیرش و تخصیص غرفه", "refuse": "❌ رد با دلیل", "province": "لرستان"},
    "en": {"sector": "Handicrafts", "category": "Kilim weaving", "save": "✅ Save and announce",
           "apply": "🏪 Ask for a booth", "done_photos": "✅ That's all", "yes": "Yes, I make it", "no": "No",
           "submit": "📨 Send the request", "accept": "✅ Accept and give a booth", "refuse": "❌ Refuse with a reason",
           "province": "Lorestan"},
}


async def add_exhibition(bot: Harness, organiser: FakeUser, lang: str, *, booths: int = 2, title: str = "بازارچه پاییز",
                         opens_in: int = 10, deadline_in: int = 5, province: bool = False) -> None:
    """Walk /addexhibition to the saved exhibition (the province is asked of admins only: `province`)."""
    words = LABELS[lang]
    opens = today(bot) + timedelta(days=opens_in)
    await organiser.send("/addexhibition")
    await organiser.send(title)
    if province:
        await organiser.send(words["province"])
    await organiser.send("خرم‌آباد")
    await organiser.send("نمایشگاه بین‌المللی استان، سالن ۲")
    await organiser.send(typed_day(opens, lang))
    await organiser.send(typed_day(opens + timedelta(days=2), lang))
    await organiser.click(words["sector"])
    await organiser.click(words["category"])
    await organiser.click(next(b for b in organiser.inline_buttons() if b.startswith("↩")))
    await organiser.click(next(b for b in organiser.inline_buttons() if b.startswith("✅")))
    await organiser.send(localize_digits(str(booths), lang))
    await organiser.send(typed_day(today(bot) + timedelta(days=deadline_in), lang))
    await organiser.click(words["save"])


async def request_booth(holder_user: FakeUser, lang: str, description: str = "گلیم دستباف با پشم طبیعی و رنگ گیاهی",
                        photos: int = 2, self_made: bool = True) -> None:
    """From the latest «درخواست غرفه» button to the submitted request."""
    words = LABELS[lang]
    await holder_user.click(words["apply"])
    await holder_user.send(description)
    for _ in range(photos):
        await holder_user.send_photo()
    if photos < 3:
        await holder_user.click(words["done_photos"])
    await holder_user.click(words["yes"] if self_made else words["no"])
    await holder_user.click(words["submit"])


async def announced_and_requested(bot: Harness, user_id: int, **request: object) -> tuple[FakeUser, FakeUser]:
    """A holder told of an officer's new exhibition who asked for a booth: (the holder, the officer)."""
    maker = await holder(bot, user_id)
    staff = await officer(bot)
    await add_exhibition(bot, staff, "fa")
    await bot.deliver()
    maker_user = bot.user(maker.user_id)
    await request_booth(maker_user, "fa", **request)  # type: ignore[arg-type]
    return maker_user, staff
