"""The readiness questionnaire as data: an admin's assessment.csv replaces it only when every line is good (a bad
line changes nothing and is named), /questionnaire sends the one in use, and the parser takes any text calmly."""

import csv
import html
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import DATA_DIR
from domain.assessment import BANDS
from storage.assessment import COLUMNS, parse_questionnaire
from storage.catalog import CatalogError
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.test_desk_find import issue

SHIPPED = (DATA_DIR / "assessment.csv").read_text(encoding="utf-8")
HEADER = ",".join(COLUMNS) + "\n"
BANDS_AND_STEPS = (
    "band,ready,,70,آماده‌اید.,You are ready.\n"
    "band,training,,40,آموزش لازم است.,Training first.\n"
    "band,advice,,0,مشاوره لازم است.,Advice first.\n"
    "step,ready,,,مدارک را آماده کنید.,Get your papers ready.\n"
    "step,training,,,در دوره ثبت‌نام کنید.,Enrol in a course.\n"
    "step,advice,,,با مشاور صحبت کنید.,Talk to an adviser.\n"
)
SMALL = (HEADER + "question,tools,,,ابزار کار را دارید؟,Do you have the tools?\n"
         "option,tools.yes,,10,بله,Yes\noption,tools.no,,0,نه,No\n" + BANDS_AND_STEPS)


async def refused(bot: Harness, content: str, line: int, problem: str) -> None:
    admin = bot.user(ADMIN_ID)
    before = await bot.store.questionnaire_source()
    await admin.send_document("assessment.csv", content.encode())
    persian_line = str(line).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    text = html.unescape(admin.last_text)  # the problem quotes the file as typed
    assert "هیچ چیز تغییر نکرد" in text and f"خط {persian_line}:" in text and problem in text, text
    assert await bot.store.questionnaire_source() == before


@pytest.mark.parametrize(("content", "line", "problem"), [
    (SMALL.replace("option,tools.no,,0", "option,tools.no,,eleven"), 4, "weight"),
    (SMALL.replace("option,tools.no,,0", "option,tools.no,,11"), 4, "weight"),
    (SMALL.replace("option,tools.yes", "option,taps.yes"), 3, "after its question"),
    (SMALL.replace("question,tools,,", "question,tools,beekeeping,"), 2, "not in the catalog"),
    (SMALL.replace("option,tools.no,,0,نه,No\n", ""), 2, "at least two options"),
    (SMALL.replace("band,training,,40", "band,training,,75"), 6, "below"),
    (SMALL.replace("band,advice,,0", "band,advice,,10"), 7, "start at 0"),
    (SMALL.replace("band,advice,,0,مشاوره لازم است.,Advice first.\n", ""), 9, "band 'advice' is missing"),
    (SMALL.replace("step,advice,,,", "step,adviser,,,"), 10, "belongs to a band"),
    (SMALL.replace("kind,key", "type,key"), 1, "header"),
    (SMALL + "question,tools,,,باز هم ابزار؟,Tools again?\n", 11, "twice"),
    (SMALL.replace("option,tools.yes,,10,بله,Yes", "option,tools.yes,,10," + "ب" * 61 + ",Yes"), 3, "button"),
])
async def test_a_bad_line_changes_nothing_and_is_named(bot: Harness, content: str, line: int, problem: str) -> None:
    await refused(bot, content, line, problem)


async def test_a_good_file_is_used_from_the_next_assessment(bot: Harness) -> None:
    applicant = bot.user(1001)
    application = await issue(bot, "مریم احمدی", user_id=1001)
    await applicant.send("/assess")  # begun on the shipped questionnaire
    admin = bot.user(ADMIN_ID)
    await admin.send_document("assessment-1405.csv", SMALL.encode())
    assert "جایگزین شد: ۱ پرسش" in admin.last_text
    assert await bot.store.questionnaire_source() == SMALL

    for _ in range(8):  # the attempt in progress finishes on the questionnaire it began with
        keyboard = applicant.latest_inline_message()["reply_markup"]["inline_keyboard"]
        await applicant.press(keyboard[0][0]["callback_data"])
    assert "۱۰۰ از ۱۰۰" in applicant.last_text

    other = bot.user(1002)
    await issue(bot, "زهرا کریمی", user_id=1002)
    await other.send("/assess")
    assert "پرسش ۱ از ۱" in other.last_text and "ابزار کار را دارید؟" in other.last_text
    await other.click("نه")
    assert "۰ از ۱۰۰" in other.last_text and "با مشاور صحبت کنید." in other.last_text
    assert len(await bot.store.list_assessments(application.id)) == 1


async def test_the_catalog_is_still_replaced_by_any_other_csv(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send_document("categories.csv", SMALL.encode())  # not the catalog's columns: refused as a catalog
    assert "sector_code" in admin.last_text
    assert await bot.store.questionnaire_source() == SHIPPED


async def test_questionnaire_sends_the_file_in_use_to_admins_only(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/questionnaire")
    document = bot.rec.last("sendDocument", ADMIN_ID)
    assert list(document.files.values()) == [SHIPPED.encode()] and "assessment" in document.text
    stranger = bot.user(1001)
    await stranger.send("/questionnaire")
    assert "مدیر" in stranger.last_text and not list(bot.rec.sent("sendDocument", 1001))
    await stranger.send_document("assessment.csv", SMALL.encode())
    assert await bot.store.questionnaire_source() == SHIPPED


def test_the_shipped_questionnaire_is_short_and_covers_what_the_programme_asks() -> None:
    questionnaire = parse_questionnaire(SHIPPED, {line.split(",")[0] for line in
                                                  (DATA_DIR / "sectors.csv").read_text().splitlines()[1:]})
    general = [q.key for q in questionnaire.questions if q.sector is None]
    assert general == ["skill", "experience", "space", "buyers", "supplies", "family", "training", "loan"]
    assert all(len(q.options) >= 3 for q in questionnaire.questions)
    assert [band.code for band in questionnaire.bands] == list(BANDS)
    assert questionnaire.band_for(100).code == "ready" and questionnaire.band_for(0).code == "advice"


CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.lists(st.lists(CELL, min_size=0, max_size=8), max_size=12))
def test_any_file_is_either_a_questionnaire_or_refused_with_a_line(rows: list[list[str]]) -> None:
    """Hostile files (the csv module quotes the cells, so any text reaches the parser's checks)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(COLUMNS), *rows])
    try:
        questionnaire = parse_questionnaire(buffer.getvalue())
    except CatalogError as error:
        assert error.line >= 1 and error.problem
        return
    for question in questionnaire.questions:
        assert 2 <= len(question.options) <= 6 and question.best > 0


@given(st.text(max_size=400))
def test_raw_text_never_breaks_the_parser(text: str) -> None:
    try:
        parse_questionnaire(text)
    except CatalogError as error:
        assert error.line >= 1


@given(st.lists(st.tuples(st.sampled_from(["yes", "no", "maybe"]), st.integers(0, 10)), min_size=2, max_size=6,
                unique_by=lambda option: option[0]),
       st.dictionaries(st.just("tools"), st.sampled_from(["yes", "no", "maybe", "unknown"])))
def test_any_valid_file_scores_every_answer_within_0_to_100(options: list[tuple[str, int]],
                                                            answers: dict[str, str]) -> None:
    lines = "".join(f"option,tools.{key},,{weight},گزینه {key},Option {key}\n" for key, weight in options)
    text = HEADER + "question,tools,,,ابزار کار را دارید؟,Do you have the tools?\n" + lines + BANDS_AND_STEPS
    try:
        questionnaire = parse_questionnaire(text)
    except CatalogError as error:  # every weight 0: refused, on the question's line
        assert error.line == 2 and all(weight == 0 for _, weight in options)
        return
    score = questionnaire.score(None, answers)
    assert 0 <= score <= 100
    assert questionnaire.band_for(score).minimum <= score


def test_the_parser_keeps_to_the_file_limits() -> None:
    long = HEADER + "".join(f"step,ready,,,قدم {n},Step {n}\n" for n in range(401))
    with pytest.raises(CatalogError) as refused_file:
        parse_questionnaire(long)
    assert refused_file.value.line == 401
