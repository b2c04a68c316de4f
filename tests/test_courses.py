"""Training courses (توانمندسازی) through the real Application: the guided /addcourse form with its review,
/courses in order with seats left, enrolment under concurrency with a waiting list, reminders, the roster and
the certificate whose QR code /verify accepts."""

import asyncio
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.config import Config
from bot.platforms import CHAT_LINKS
from domain.normalize import tidy
from domain.signature import Document, sign_document
from handlers.course_form import COURSE_FORM
from storage.records import Application, Course, CourseRequest
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, running
from tests.test_desk_find import issue
from tests.test_hostile_input import Loop, config_for, hostile_text
from tests.test_officer import OFFICER, appoint
from tests.test_permits import decode_qr

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
WORDS = {
    "fa": {"acecr": "جهاد دانشگاهی", "next": "➡ ادامه", "handicrafts": "☐ صنایع دستی",
           "required": "✅ بله، آموزش الزامی است", "save": "✅ ذخیره دوره", "edit_title": "✏ عنوان",
           "saved": "دوره ثبت شد", "no_such_day": "چنین روزی",
           "review": "مرور دوره", "wait": "⏳ ورود به فهرست انتظار", "all": "➡ همه رشته‌های این گروه‌ها"},
    "en": {"acecr": "ACECR (Jahad Daneshgahi)", "next": "➡ Continue", "handicrafts": "☐ Handicrafts",
           "required": "✅ Yes, it is required", "save": "✅ Save the course", "edit_title": "✏ Title",
           "saved": "The course is saved", "no_such_day": "no such day", "review": "Review the course",
           "wait": "⏳ Join the waiting list", "all": "➡ Every category of these sectors"},
}


def jalali_text(bot: Harness, days: int, lang: str = "fa") -> str:
    day = bot.store.today() + timedelta(days=days)
    text = f"{day.year}/{day.month:02d}/{day.day:02d}"
    return text.translate(PERSIAN) if lang == "fa" else text


async def course(bot: Harness, title: str = "قالیبافی مقدماتی", capacity: int = 30, province: str = "IR-15",
                 days: int = 10, sector_code: str = "handicrafts", required: bool = True) -> Course:
    """A course written straight through the store (the form is tested on its own)."""
    [sector] = [s for s in await bot.store.list_sectors() if s.code == sector_code]
    return await bot.store.save_course(CourseRequest(
        province_code=province, title=title, provider="جهاد دانشگاهی",
        starts_on=(bot.store.today() + timedelta(days=days)).to_gregorian(), sessions=8, place="خرم‌آباد، خیابان امام",
        capacity=capacity, required=required, sector_ids=(sector.id,)), OFFICER)


async def applicant(bot: Harness, user_id: int, name: str = "مریم احمدی") -> tuple[FakeUser, Application]:
    application = await issue(bot, name, user_id=user_id)  # the first category: handicrafts
    return bot.user(user_id), application


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_an_officer_announces_a_course_one_question_at_a_time_and_reviews_it(bot: Harness, lang: str) -> None:
    words = WORDS[lang]
    officer = await appoint(bot)
    if lang == "en":
        await officer.send("/lang en")
    await officer.send("/addcourse")
    await officer.send("قالیبافی مقدماتی")
    await officer.click(words["acecr"])
    await officer.click(words["next"])  # no sector chosen yet: an alert, the question stays
    assert bot.rec.last("answerCallbackQuery").params.get("show_alert")
    await officer.click(words["handicrafts"])
    await officer.click(words["next"])
    await officer.click(words["all"])  # every category of the sector
    await officer.send("۱۴۰۵/۱۲/۳۱")  # Esfand 1405 has 29 days
    assert words["no_such_day"] in officer.last_text
    await officer.send(jalali_text(bot, 10, lang))
    await officer.send("۸")
    await officer.send("خرم‌آباد، خیابان امام، پلاک ۱۲")
    await officer.send("0")  # capacity 0: out of range, asked again
    await officer.send("۳۰")
    await officer.click(words["required"])
    assert words["review"] in officer.last_text and "قالیبافی مقدماتی" in officer.last_text
    await officer.click(words["edit_title"])
    await officer.send("قالیبافی پیشرفته")
    assert words["review"] in officer.last_text and "قالیبافی پیشرفته" in officer.last_text
    await officer.click(words["save"])
    assert words["saved"] in officer.last_text

    [saved] = await bot.store.list_courses("IR-15")
    assert (saved.title, saved.provider, saved.sessions, saved.capacity, saved.required, saved.place) == (
        "قالیبافی پیشرفته", words["acecr"], 8, 30, True, "خرم‌آباد، خیابان امام، پلاک ۱۲")
    assert saved.starts_on == (bot.store.today() + timedelta(days=10)).to_gregorian()
    assert await bot.store.get_step(COURSE_FORM, OFFICER) is None


async def test_only_staff_announce_and_an_officer_only_for_their_province(bot: Harness) -> None:
    stranger = bot.user(777)
    await stranger.send("/addcourse")
    assert "کارشناس" in stranger.last_text and await bot.store.get_step(COURSE_FORM, 777) is None
    await appoint(bot)
    tehran = await appoint(bot, 601, "تهران")
    lorestan_course = await course(bot)
    await tehran.send(f"/editcourse {lorestan_course.id}")
    assert "پیدا نشد" in tehran.last_text
    await tehran.send(f"/closecourse {lorestan_course.id}")
    assert "پیدا نشد" in tehran.last_text
    still = await bot.store.get_course(lorestan_course.id)
    assert still is not None and still.status == "open"


async def test_an_admin_chooses_the_province_and_edits_and_closes(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send("/addcourse")
    await admin.send("جایی که نیست")
    assert "نشناختم" in admin.last_text
    await admin.send("خراسان جنوبی")
    for answer in ("خیاطی", "جهاد دانشگاهی بیرجند"):
        await admin.send(answer)
    await admin.click("☐ تولیدی (صنعت و خدمات)")
    await admin.click("➡ ادامه")
    await admin.click("➡ همه رشته‌های این گروه‌ها")
    for answer in (jalali_text(bot, 5), "4", "https://example.org/class", "20"):
        await admin.send(answer)
    await admin.click("نه، اختیاری است")
    await admin.click("✅ ذخیره دوره")
    [saved] = await bot.store.list_courses("IR-29")
    assert not saved.required and saved.place == "https://example.org/class"

    await admin.send(f"/editcourse {saved.id}")
    await admin.click("✏ ظرفیت")
    await admin.send("۲۵")
    await admin.click("✅ ذخیره دوره")
    await admin.send(f"/closecourse {saved.id}")
    assert "بسته شد" in admin.last_text
    closed = await bot.store.get_course(saved.id)
    assert closed is not None and (closed.capacity, closed.status) == (25, "closed")


async def test_the_form_resumes_after_a_restart(config: Config) -> None:
    async with running(config) as bot:
        officer = await appoint(bot)
        await officer.send("/addcourse")
        await officer.send("قالیبافی مقدماتی")
    async with running(config) as bot:
        officer = bot.user(OFFICER, "کارشناس")
        await officer.send("جهاد دانشگاهی")
        assert "گروه‌های شغلی" in officer.last_text
        draft = await bot.store.get_step(COURSE_FORM, OFFICER)
        assert draft is not None and draft.data["provider"] == "جهاد دانشگاهی"


FREE_TEXT_STEPS = {"title": (3, 120), "provider": (2, 80), "place": (3, 200)}


@pytest.fixture
def form(tmp_path: Path) -> Iterator[tuple[Loop, Course]]:
    """One running bot with an officer and a course, for every example of a property test."""
    loop = Loop(config_for(tmp_path))
    loop.run(appoint(loop.bot))
    offered = loop.run(course(loop.bot))
    yield loop, offered
    loop.close()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=hostile_text, step=st.sampled_from(sorted(FREE_TEXT_STEPS)))
def test_any_text_at_a_free_text_step_is_kept_as_typed_or_asked_again(form: tuple[Loop, Course], typed: str,
                                                                       step: str) -> None:
    """/editcourse, ✏ on the title, provider or place, then anything at all: kept as typed (tidied) when its
    length fits, else asked again with the old answer kept."""
    loop, offered = form
    officer = loop.bot.user(OFFICER, "کارشناس")

    async def example() -> None:
        await officer.send(f"/editcourse {offered.id}")
        await officer.press(f"v1:cf:edit:{step}")
        before = await loop.bot.store.get_step(COURSE_FORM, OFFICER)
        await officer.send(typed)
        if typed.startswith("/") or not typed.strip():
            return  # a command (or nothing) is not an answer (/cancel ends the form: tested above)
        after = await loop.bot.store.get_step(COURSE_FORM, OFFICER)
        assert before is not None and after is not None
        low, high = FREE_TEXT_STEPS[step]
        if low <= len(tidy(typed)) <= high:
            assert after.data[step] == tidy(typed) and after.state == "course.review"
        else:
            assert after.data[step] == before.data[step] and after.state == f"course.{step}"

    loop.run(example())


async def test_courses_list_the_applicants_category_first_with_seats_left(bot: Harness) -> None:
    other = await course(bot, "خیاطی", sector_code="production", days=3)
    matching = await course(bot, "قالیبافی مقدماتی", capacity=2, days=9)
    await course(bot, "دوره تهران", province="IR-23")
    person, _ = await applicant(bot, 1001)
    await person.send("/courses")
    text = person.last_text
    assert text.index("قالیبافی مقدماتی") < text.index("خیاطی") and "دوره تهران" not in text
    assert "⭐ مناسب رشته شما" in text and "جای خالی: ۲ از ۲" in text
    assert person.inline_buttons() == [f"📝 ثبت‌نام: {matching.title}", f"📝 ثبت‌نام: {other.title}"]
    await person.click(f"📝 ثبت‌نام: {matching.title}")
    assert "ثبت‌نام شما" in person.last_text
    await person.send("/courses")
    assert "جای خالی: ۱ از ۲" in person.last_text and f"✖ انصراف از: {matching.title}" in person.inline_buttons()

    nobody = bot.user(1500)
    await nobody.send("/courses")
    assert "/apply" in nobody.last_text


async def test_thirty_at_once_fill_the_course_the_thirty_first_waits_and_gets_a_freed_seat(bot: Harness) -> None:
    offered = await course(bot, capacity=30)
    people = [(await applicant(bot, 5000 + n, f"متقاضی {n}"))[0] for n in range(31)]
    for person in people:
        await person.send("/courses")
        person.process = person.process_through_queue
    enrol = f"v1:crs:enrol:{offered.id}:1"
    await asyncio.gather(*(person.press(enrol, person.latest_inline_message()) for person in people))

    roster = await bot.store.list_course_roster(offered.id)
    assert sum(e.status == "enrolled" for e in roster) == 30
    [late] = [person for person in people if "پر شده" in person.last_text]
    assert not any(e.user_id == late.id for e in roster)
    await late.click(WORDS["fa"]["wait"])
    assert "فهرست انتظار" in late.last_text
    [waiting] = [e for e in await bot.store.list_course_roster(offered.id) if e.status == "waiting"]
    assert waiting.user_id == late.id

    leaver = next(person for person in people if person is not late)
    await leaver.send("/courses")
    await leaver.click(f"✖ انصراف از: {offered.title}")
    assert "جای شما به نفر بعدی" in leaver.last_text
    await bot.deliver()
    assert "به شما رسید" in late.last_text
    statuses = {e.user_id: e.status for e in await bot.store.list_course_roster(offered.id)}
    assert statuses[late.id] == "enrolled" and leaver.id not in statuses and len(statuses) == 30


async def test_the_reminder_goes_the_day_before_once_per_person(bot: Harness) -> None:
    tomorrow = await course(bot, "دوره فردا", days=1)
    later = await course(bot, "دوره بعدی", days=5)
    person, application = await applicant(bot, 1001)
    for offered in (tomorrow, later):
        await bot.store.enrol(offered.id, person.id, application.id)
    job = bot.app.job_queue.get_jobs_by_name("remind_courses")[0]  # type: ignore[union-attr]
    for _ in range(2):  # the job runs every few hours: still one reminder
        await job.run(bot.app)
        await bot.deliver()
    reminders = [call.text for call in person.calls if "یادآوری" in (call.text or "")]
    assert len(reminders) == 1 and "دوره فردا" in reminders[0]


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_completion_sends_a_certificate_whose_qr_verifies_as_training(bot: Harness, lang: str) -> None:
    officer = await appoint(bot)
    offered = await course(bot)
    person, application = await applicant(bot, 1001, "مریم احمدی")
    if lang == "en":
        await person.send("/lang en")
    await bot.store.enrol(offered.id, person.id, application.id)
    await officer.send(f"/course {offered.id}")
    assert "مریم احمدی" in officer.last_text
    await officer.click("✅ مریم احمدی")
    await bot.deliver()
    photo = bot.rec.last("sendPhoto", person.id)
    [png] = photo.files.values()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1080
    [marked] = await bot.store.list_course_roster(offered.id)
    assert marked.status == "completed" and marked.certificate_number is not None
    number = marked.certificate_number
    signature = sign_document(number, bot.app.bot_data["permit_secret"], Document.CERTIFICATE)
    [link] = decode_qr(png)
    assert link == f"{CHAT_LINKS[bot.config.platform]}HomeBusinessTestBot?start=t-{number}-{signature}"

    visitor = bot.user(4242)
    await visitor.send(f"/start {link.rsplit('=', 1)[1]}")
    assert "گواهی دوره آموزشی معتبر است" in visitor.last_text and "م. ا." in visitor.last_text
    await visitor.send(f"/verify {number}")
    assert "گواهی دوره آموزشی" in visitor.last_text and "م. ا." not in visitor.last_text
    await visitor.send(f"/start t-{number}-{sign_document(number, 'another secret', Document.CERTIFICATE)}")
    assert "معتبر نیست" in visitor.last_text
    as_permit = sign_document(number, bot.app.bot_data["permit_secret"])
    await visitor.send(f"/start v-{number}-{as_permit}")  # signed as a permit
    assert "پیدا نشد" in visitor.last_text and "گواهی" not in visitor.last_text  # no certificate by a permit's link

    await officer.press(f"v1:ros:{marked.id}:done:1")  # pressed again: one certificate
    await bot.deliver()
    assert len(list(bot.rec.sent("sendPhoto", person.id))) == 1


async def test_the_roster_refuses_other_provinces_strangers_and_ones_own_name(bot: Harness) -> None:
    officer = await appoint(bot)
    tehran = await appoint(bot, 601, "تهران")
    offered = await course(bot)
    _, application = await applicant(bot, OFFICER, "کارشناس خودم")  # the officer enrolled as an applicant
    await bot.store.enrol(offered.id, OFFICER, application.id)
    [entry] = await bot.store.list_course_roster(offered.id)
    await officer.send(f"/course {offered.id}")
    await officer.press(f"v1:ros:{entry.id}:done:1")
    assert "کارشناس دیگری" in bot.rec.last("answerCallbackQuery").params["text"]
    for intruder in (tehran, bot.user(777)):
        await intruder.press(f"v1:ros:{entry.id}:done:1", officer.latest_inline_message())
        assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    [still] = await bot.store.list_course_roster(offered.id)
    assert still.status == "enrolled"


async def test_training_figures_by_sector(bot: Harness) -> None:
    offered = await course(bot)
    await course(bot, "دوره تهران", province="IR-23")
    for n in range(3):
        _, application = await applicant(bot, 6000 + n)
        await bot.store.enrol(offered.id, 6000 + n, application.id)
    [first, *_] = await bot.store.list_course_roster(offered.id)
    await bot.store.mark_enrolment(first.id, "completed", OFFICER)
    lorestan = await bot.store.training_figures("IR-15")
    assert (lorestan.courses, lorestan.enrolments, lorestan.completions, lorestan.waiting) == (1, 3, 1, 0)
    [sector] = lorestan.by_sector
    assert (sector.sector_fa, sector.enrolments, sector.completions) == ("صنایع دستی", 3, 1)
    national = await bot.store.training_figures(None)
    assert (national.courses, national.enrolments) == (2, 3)


async def test_a_larger_capacity_seats_the_waiting_list_and_a_smaller_one_is_refused(bot: Harness) -> None:
    officer = await appoint(bot)
    offered = await course(bot, capacity=1)
    people = [await applicant(bot, 7000 + n, f"متقاضی {n}") for n in range(3)]
    outcomes = [await bot.store.enrol(offered.id, person.id, application.id, waitlist=True)
                for person, application in people]
    assert [o.status for o in outcomes] == ["enrolled", "waiting", "waiting"]

    await officer.send(f"/editcourse {offered.id}")
    await officer.click("✏ ظرفیت")
    await officer.send("۲")
    await officer.click("✅ ذخیره دوره")
    await bot.deliver()
    statuses = [e.status for e in await bot.store.list_course_roster(offered.id)]
    assert statuses == ["enrolled", "enrolled", "waiting"]  # the first in line got the new seat, and was told
    assert "به شما رسید" in people[1][0].last_text

    await officer.send(f"/editcourse {offered.id}")
    await officer.click("✏ ظرفیت")
    await officer.send("۱")
    await officer.click("✅ ذخیره دوره")
    assert "کمتر از ۲ نفری" in officer.last_text
    still = await bot.store.get_course(offered.id)
    assert still is not None and still.capacity == 2


async def test_a_closed_course_takes_no_one_and_leaves_the_list(bot: Harness) -> None:
    officer = await appoint(bot)
    offered = await course(bot)
    person, _ = await applicant(bot, 1001)
    await person.send("/courses")
    listing = person.latest_inline_message()
    await officer.send(f"/closecourse {offered.id}")
    await person.press(f"v1:crs:enrol:{offered.id}:1", listing)  # the old list's button
    assert "بسته" in bot.rec.last("answerCallbackQuery").params["text"]
    assert await bot.store.list_course_roster(offered.id) == []
    await person.send("/courses")
    assert "دوره آموزشی بازی" in person.last_text
