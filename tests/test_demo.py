"""The terminal demo: the real bot end to end from a script, in both languages, with nothing demo-specific inside."""

import re
from pathlib import Path

import pytest

from demo import terminal

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["مجوز کسب‌وکار خانگی شما صادر شد", "[officer IR-15] 📄 درخواست جدید مجوز خانگی",
            "نوبت شما: ۱", "پرونده شما به بانک ملی معرفی شد", "وام شما به مبلغ ۱۵۰٬۰۰۰٬۰۰۰ تومان پرداخت شد",
            "✓ پرداخت وام", "[channel @home_business_demo] 📎", "آمار مشاغل خانگی کل کشور", "۱ کانال موفق"]),
    ("en", ["Your home-business permit has been issued", "[officer IR-23] 📄 New home-business application",
            "Your place: 1", "introduced to Bank Melli", "Your loan of 150,000,000 toman has been paid",
            "✓ Loan paid", "[channel @home_business_demo] 📎", "Home businesses in Iran", "posted to 1 channel"]),
])
async def test_the_whole_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    await story_transcript(lang, lang, expected, tmp_path, capsys)
    saved = sorted((tmp_path / "out").iterdir())
    assert any(path.suffix == ".png" for path in saved)


async def story_transcript(name: str, lang: str, expected: list[str], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> str:
    """Run demo/stories/<name>.txt; every expected line is in its transcript, and nothing went wrong."""
    story = ROOT / "demo" / "stories" / f"{name}.txt"
    code = await terminal.run(tmp_path / "demo.sqlite3", 0, story, lang, tmp_path / "out")
    transcript = capsys.readouterr().out
    assert code == 0
    for line in expected:
        assert line in transcript, line
    assert "Traceback" not in transcript and "مشکلی پیش آمد" not in transcript and "went wrong" not in transcript
    return transcript


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["buttons: [1] 🖨 نسخه PDF برای چاپ  [2] 🧭 ارزیابی آمادگی", "✎ (edited) ✓ در حال یادگیری هستم",
            "پرسش ۸ از ۸", "سطح: 🟡 نیاز به آموزش", "ارزیابی آمادگی: 🟡 نیاز به آموزش، امتیاز ۶۵ از ۱۰۰",
            "(🟡 نیاز به آموزش): ۱", "می‌توانید دوباره آن را انجام دهید", "[admin] 📎"]),
    ("en", ["[2] 🧭 Readiness self-assessment", "Question 8 of 8", "Band: 🟢 Ready", "Readiness: 🟢 Ready, score 92",
            "(🟢 Ready): 1", "you can take it again from", "[admin] 📎"]),
])
async def test_the_assessment_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await story_transcript(f"assessment.{lang}", lang, expected, tmp_path, capsys)
    assert any(path.suffix == ".csv" for path in (tmp_path / "out").iterdir())  # the questionnaire file
    assert "آهسته‌تر" not in transcript and "a little slower" not in transcript.lower()


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["از این پس پرونده‌ها فقط پس از گذراندن دوره آموزشی الزامی", "✅ دوره ثبت شد (شماره ۱)",
            "ثبت‌نام شما در دوره «قالیبافی مقدماتی» انجام شد", "(alert) متقاضی هنوز دوره آموزشی الزامی",
            "● دوره آموزشی الزامی", "🎓 تبریک! دوره «قالیبافی مقدماتی» را گذراندید", "نوبت شما: ۱",
            "✓ دوره آموزشی الزامی"]),
    ("en", ["enter the loan queue only after the applicant completes", "✅ The course is saved (number 1)",
            "You are enrolled in «Carpet weaving for beginners»", "(alert) Not trained yet", "● Required training",
            "🎓 Congratulations! You have completed", "Your place: 1", "✓ Required training"]),
])
async def test_the_training_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await story_transcript(f"training.{lang}", lang, expected, tmp_path, capsys)
    assert sum(path.suffix == ".png" for path in (tmp_path / "out").iterdir()) == 2  # the permit and the certificate
    assert "آهسته" not in transcript and "slow down" not in transcript.lower()


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["[channel @lorestan_showcase] 🖼 ×2 photo", "۲٬۵۰۰٬۰۰۰ تومان", "?start=sr-1]",
            "[officer IR-15] ⚠️ گزارش خریدار", "[channel @lorestan_showcase] 🗑 message", "از کانال ویترین هم پاک شد",
            "آگهی بعدی را از"]),
    ("en", ["[channel @tehran_showcase] 🖼 photo", "2,500,000 toman", "?start=sr-1]",
            "[officer IR-23] ⚠️ A buyer reported", "[channel @tehran_showcase] 🗑 message",
            "deleted from the showcase channel too", "You can send your next post from"]),
])
async def test_the_showcase_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await story_transcript(f"showcase.{lang}", lang, expected, tmp_path, capsys)
    assert "آهسته‌تر" not in transcript and "a little slower" not in transcript.lower()  # a script is no flood


async def test_an_applicant_on_bale_and_an_officer_on_telegram_in_one_story(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = ROOT / "demo" / "stories" / "both-fa.txt"
    assert await terminal.run(tmp_path / "demo.sqlite3", 0, story, "fa", tmp_path / "out") == 0
    transcript = capsys.readouterr().out
    for line in ["[bale applicant] 🎉 مجوز کسب‌وکار خانگی شما صادر شد", "[officer IR-15] 📄 درخواست جدید مجوز خانگی",
                 "[bale applicant] ✅ اهلیت شما", "✓ احراز اهلیت", "نشانی: خیابان امام، کوچه *گلها*، پلاک [۱۲]",
                 "[bale applicant] شناسه عددی شما در این پیام‌رسان: 4001",
                 "[applicant] هنوز درخواستی ثبت نکرده‌اید"]:  # Telegram's applicant is someone else
        assert line in transcript, line
    assert "Traceback" not in transcript and "مشکلی پیش آمد" not in transcript


async def test_sample_data_fills_the_statistics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "script.txt"
    script.write_text("/as admin\n/stats all\n", encoding="utf-8")
    assert await terminal.run(tmp_path / "demo.sqlite3", 300, script, "fa", tmp_path / "out") == 0
    transcript = capsys.readouterr().out
    assert "sample data: 300 fake applications" in transcript
    match = re.search(r"مجوزهای صادرشده: ([۰-۹٬]+)", transcript)
    assert match is not None and match.group(1) not in ("۰",)


def test_no_handler_store_or_template_knows_about_the_demo() -> None:
    for folder in ("handlers", "storage", "messages", "domain", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(from|import) demo\b", source, re.MULTILINE), path


def story_until(lang: str, last: str) -> list[str]:
    """The story's lines up to and including the first line equal to `last`."""
    lines = (ROOT / "demo" / "stories" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return lines[: lines.index(last) + 1]


async def run_script(tmp_path: Path, lines: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert await terminal.run(tmp_path / "demo.sqlite3", 0, script, "fa", tmp_path / "out") == 0
    captured = capsys.readouterr()
    return captured.out + captured.err  # what the terminal shows


async def test_log_lines_go_to_the_named_log_file_not_the_transcript(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await run_script(tmp_path, ["/addofficer 2015 لرستان"], capsys)  # refused, and logged
    match = re.search(r"^log: (.+)$", transcript, re.MULTILINE)
    assert match is not None
    assert "refused" in Path(match.group(1)).read_text(encoding="utf-8")
    assert "refused" not in transcript and "WARNING" not in transcript


async def test_each_channel_post_is_labelled_with_its_own_channel(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await run_script(tmp_path, ["/as admin", "/setchannel all @national_demo",
                                             "/setchannel لرستان @lorestan_demo", "/broadcast"], capsys)
    assert "[channel @national_demo] 📎" in transcript and "[channel @lorestan_demo] 📎" in transcript


async def test_a_number_is_text_unless_the_current_prompt_has_that_many_buttons(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = story_until("fa", "دیپلم") + ["3"]  # the workers step offers two buttons: 3 is the answer
    transcript = await run_script(tmp_path, lines, capsys)
    assert "تعداد شاغلان: ۳ نفر" in transcript.rsplit("> 3", 1)[1]


async def test_buttons_of_earlier_messages_are_not_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await run_script(tmp_path, story_until("fa", "✅ تأیید و دریافت مجوز") + ["/status"], capsys)
    after_status = transcript.rsplit("> /status", 1)[1]
    assert "🖨" not in after_status and "buttons:" not in after_status


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["برای ۲ مشاور استان لرستان فرستاده شد", "[user 3115] ✎ (edited) 💬 پرسش مشاوره شماره ۱",
            "پاسخ این پرسش را سارا بر عهده گرفته است", "[applicant] 💬 پاسخ مشاور", "✓ 👍 مفید بود",
            "در ادامه پرسش ۱", "✅ پاسخ داده شد (رضا)", "💬 مشاوران لرستان: سارا (3015)، رضا (3115)"]),
    ("en", ["sent to 2 adviser(s) for Tehran", "[user 3123] ✎ (edited) 💬 Advice question 1",
            "Sara has taken this question", "[applicant] 💬 The adviser's answer", "✓ 👎 Not useful",
            "Follows question 1", "✅ Answered (Reza)", "💬 Advisers, Tehran: Sara (3023), Reza (3123)"]),
])
async def test_the_advice_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    await story_transcript(f"advice.{lang}", lang, expected, tmp_path, capsys)


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["[applicant] 🔗 پیوند شخصی زهرا کریمی", "[worker] 🤝 دعوت به طرح پشتیبان مشاغل خانگی",
            "[worker] ✎ (edited) ✅ پذیرش شما ثبت شد", "👥 تحت پوشش: ۰ نفر تأییدشده، ۱ نفر در انتظار تأیید",
            "(alert) ثبت شد: ۱ نفر", "[worker] ✅ زهرا کریمی عزیز، کارشناس استان لرستان شما را",
            "[worker] ⛔ این پیوند قبلاً استفاده شده است"]),
    ("en", ["[applicant] 🔗 Personal link for زهرا کریمی", "[worker] 🤝 An invitation to a home-business support plan",
            "[worker] ✎ (edited) ✅ Your acceptance is recorded", "👥 Covered workers: 0 approved, 1 awaiting approval",
            "(alert) Recorded: 1", "[worker] ✅ Dear زهرا کریمی, the officer of Tehran approved you",
            "[worker] ⛔ This link has been used already"]),
])
async def test_the_roster_story_runs_from_a_script(lang: str, expected: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    transcript = await story_transcript(f"roster.{lang}", lang, expected, tmp_path, capsys)
    assert "کمی آهسته‌تر" not in transcript and "A little slower" not in transcript  # typed by a person


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["[applicant] 📣 نمایشگاه تازه برای رشتهٔ شما", "[channel @lorestan_market] 📣 بازارچه صنایع دستی پاییز",
            "[officer IR-15] 🖼 ×2", "شمارهٔ غرفه: ۱", "غرفهٔ ۱: گلیم‌بافی، خرم‌آباد", "فردا نمایشگاه آغاز می‌شود",
            "اعلان نمایشگاه‌ها خاموش شد"]),
    ("en", ["[applicant] 📣 A new exhibition for your trade", "[channel @tehran_market] 📣 Autumn home crafts fair",
            "[officer IR-23] 🖼 ×2", "Booth number: 1", "Booth 1: Kilim weaving, Tehran", "opens tomorrow",
            "announcements are off"]),
])
async def test_the_exhibition_story_runs_from_creation_to_the_booth_list(lang: str, expected: list[str], tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    await story_transcript(f"exhibition.{lang}", lang, expected, tmp_path, capsys)
