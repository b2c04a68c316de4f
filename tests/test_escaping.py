"""One escaping path for every string a person typed, whatever shows it: HTML messages, the chart, the cards.

Arbitrary Unicode (hypothesis) as a sector and category name through /stats and its chart, as an address
through the review, and as the names on a permit card (PNG and PDF). The offline Bot API refuses what
Telegram refuses (unbalanced HTML, a bare '<' or '&', an over-long text), so a leak fails the test.
"""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.normalize import normalize
from messages.chart import render_stats_chart
from messages.markup import html_problem
from messages.permit_card import card_content, render_card_pdf, render_card_png
from tests.conftest import ADMIN_ID
from tests.journey import fill_form
from tests.seeding import permit
from tests.test_hostile_input import Loop, config_for
from tests.test_templates import SAMPLE

# A name an admin can type into /addsector: anything, but the command's own ';' separator.
typed_name = st.text(min_size=1, max_size=40).map(lambda text: text.replace(";", "")).filter(
    lambda text: len(normalize(text)) >= 1)


def test_a_sector_and_category_named_anything_reach_stats_and_its_chart(tmp_path: Path) -> None:
    run = Loop(config_for(tmp_path))
    serials = itertools.count()
    provinces = run.run(run.bot.store.list_provinces())

    @settings(max_examples=6)
    @given(name=typed_name)
    @example(name="$x^2$ گروه $")
    @example(name="<b>&lt <3 & \u202eگلیم")
    def check(name: str) -> None:
        serial = next(serials)
        admin = run.bot.user(ADMIN_ID)
        run.run(admin.send(f"/addsector prop{serial}; {name} {serial}; {name} {serial}"))
        run.run(admin.send(f"/addcategory prop{serial}; {name} {serial}; {name} {serial}"))
        sector = run.run(run.bot.store.get_sector(f"prop{serial}"))
        assert sector is not None
        [category] = run.run(run.bot.store.list_categories(sector.id))
        province = provinces[serial % len(provinces)].code
        run.run(permit(run.bot.store.path, datetime.now(UTC), province, category.name_fa, "independent", 2))
        run.run(admin.send(f"/stats {province}"))
        photo = run.bot.rec.last("sendPhoto", ADMIN_ID)
        assert photo.files, "no chart"
        caption = photo.params.get("caption") or admin.last_text
        assert html_problem(caption) is None and "\u202e" not in caption
        assert not run.bot.errors, run.bot.errors

    try:
        check()
    finally:
        run.close()


def test_an_address_of_anything_reaches_the_review(tmp_path: Path) -> None:
    run = Loop(config_for(tmp_path))
    applicant = run.bot.user(1001)
    run.run(fill_form(applicant, stop_before="address"))

    @settings(max_examples=25)
    @given(address=st.text(min_size=1, max_size=200))
    @example(address="<3 & <b>کوچه</b> $5$ \u202eپلاک")
    def check(address: str) -> None:
        run.run(applicant.send(address))
        shown = applicant.last_text
        assert html_problem(shown) is None and "\u202e" not in shown
        assert not run.bot.errors, run.bot.errors

    try:
        check()
    finally:
        run.close()


@settings(max_examples=6)
@given(name=st.text(max_size=60), place=st.text(max_size=60), category=st.text(max_size=60))
@example(name="$\\frac{1}{0}$", place="\x00\u202e<b>", category="\n$$")
def test_a_card_shows_any_names(name: str, place: str, category: str) -> None:
    application = replace(SAMPLE, full_name=name, city=place, category_fa=category, category_en=category)
    for lang in ("fa", "en"):
        content = card_content(application, lang, "https://t.me/HomeBusinessTestBot?start=v-x")
        assert all("\u202e" not in value and "\n" not in value for _, value in content.rows)
        assert render_card_png(content).startswith(b"\x89PNG")
        assert render_card_pdf(content).startswith(b"%PDF")


def test_a_chart_with_mathtext_in_a_name_is_drawn(tmp_path: Path) -> None:
    from storage.records import NamedCount, Stats

    stats = Stats(province_code=None, province_fa=None, province_en=None, as_of=datetime.now(UTC).date(),
                  permits_total=3, permits_this_month=1, permits_this_year=3, independent=2, support=1,
                  jobs_created=5, queue_length=0, loans_paid=0, loans_paid_rials=0, funnel=(3, 1, 0, 0, 0, 0),
                  by_sector=(NamedCount("$\\frac{$", "$x^$", 2), NamedCount("a $b", "$$", 1)), top_categories=())
    for lang in ("fa", "en"):
        assert render_stats_chart(stats, lang).startswith(b"\x89PNG")
