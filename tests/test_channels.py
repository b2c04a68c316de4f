"""Statistics: figures from SQL, the post and its chart, channels, the daily schedule and broadcasts."""

import struct
from datetime import UTC, datetime, time

import pytest
from persiantools.jdatetime import JalaliDate

from bot.app import DATA_DIR
from bot.config import Config
from domain.identity import Platform
from domain.lifecycle import Action
from handlers.channels import programme_figures, stats_text
from messages.chart import render_stats_chart
from storage import Store
from storage.catalog import read_catalog
from storage.records import (
    AdviceFigures,
    AssessmentFigures,
    ExhibitionFigures,
    ProgrammeFigures,
    RosterFigures,
    SectorTraining,
    ShowcaseFigures,
    TrainingFigures,
)
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.seeding import permit

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 1405/09/04 in Tehran
LAST_MONTH = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)  # 1405/07/28
LAST_YEAR = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)  # 1404/09/04
TO_LOAN = (Action.SUPERVISE, Action.APPROVE, Action.QUEUE, Action.INTRODUCE, Action.PAY_LOAN)


@pytest.fixture
async def seeded(store: Store) -> Store:
    """Two provinces, every stage, three periods: known answers below."""
    path = store.path
    await permit(path, NOW, "IR-15", "قالیبافی", "independent", 3, TO_LOAN, bank="melli",
                 loan_amount_rials=1_500_000_000)  # A
    await permit(path, NOW, "IR-15", "ترجمه", "support", 10, TO_LOAN[:3])  # B: queued
    await permit(path, NOW, "IR-15", "گلیم‌بافی", "independent", 2, (Action.SUPERVISE, Action.REJECT),
                 reason="ناقص")  # C: rejected
    await permit(path, NOW, "IR-15", "قالیبافی", "independent", 1, (Action.WITHDRAW,))  # D: withdrawn
    await permit(path, LAST_YEAR, "IR-15", "قالیبافی", "independent", 4)  # E
    await permit(path, LAST_MONTH, "IR-15", "خاتم", "independent", 1)  # H
    await permit(path, NOW, "IR-23", "خیاطی لباس", "support", 20, TO_LOAN[:4], bank="tejarat")  # F
    await permit(path, NOW, "IR-23", "ترجمه", "independent", 1, TO_LOAN[:2])  # G
    return Store(path, clock=lambda: NOW)


async def test_province_figures_are_right(seeded: Store) -> None:
    await seeded.connect()
    stats = await seeded.compute_stats("IR-15")
    await seeded.close()
    assert (stats.province_fa, stats.as_of) == ("لرستان", JalaliDate(1405, 9, 4).to_gregorian())
    assert (stats.permits_total, stats.permits_this_year, stats.permits_this_month) == (5, 4, 3)
    assert (stats.independent, stats.support, stats.jobs_created) == (4, 1, 20)
    assert (stats.queue_length, stats.loans_paid, stats.loans_paid_rials) == (1, 1, 1_500_000_000)
    assert stats.funnel == (5, 3, 2, 2, 1, 1)
    assert [(s.name_fa, s.count) for s in stats.by_sector] == [("صنایع دستی", 4), ("فعالیت‌های فرهنگی و هنری", 1)]
    assert [(c.name_fa, c.count) for c in stats.top_categories][:2] == [("قالیبافی", 2), ("گلیم‌بافی", 1)]
    assert {c.name_fa for c in stats.top_categories} == {"قالیبافی", "گلیم‌بافی", "خاتم", "ترجمه"}


async def test_national_figures_add_the_provinces_up(seeded: Store) -> None:
    await seeded.connect()
    national, tehran = await seeded.compute_stats(), await seeded.compute_stats("IR-23")
    await seeded.close()
    assert national.province_code is None and national.province_fa is None
    assert (tehran.permits_total, tehran.support, tehran.jobs_created, tehran.funnel) == (2, 1, 21, (2, 2, 2, 1, 1, 0))
    assert (national.permits_total, national.support, national.jobs_created) == (7, 2, 41)
    assert (national.loans_paid, national.queue_length) == (1, 1)


async def test_the_post_reads_well_in_both_languages(seeded: Store) -> None:
    await seeded.connect()
    stats = await seeded.compute_stats("IR-15")
    await seeded.close()
    persian, english = stats_text(stats, "fa"), stats_text(stats, "en")
    assert len(persian) <= 1024 and len(english) <= 1024
    assert "لرستان" in persian and "<b>۵</b>" in persian and "۱۵۰٬۰۰۰٬۰۰۰ تومان" in persian
    assert "آذر ۱۴۰۵" in persian and "۴ آذر ۱۴۰۵" in persian and "فرصت شغلی: <b>۲۰</b>" in persian
    assert "Lorestan" in english and "150,000,000 toman" in english and "Jobs created: <b>20</b>" in english
    assert "0499370899" not in persian + english  # figures only, no personal data



PROGRAMME = ProgrammeFigures(AssessmentFigures("IR-15", taken=14, assessed=12, ready=5, training=4, advice=3),
                             AdviceFigures(asked=9, answered=7, median_hours_to_answer=5.6),
                             TrainingFigures("IR-15", courses=3, enrolments=58, completions=41, waiting=6,
                                             by_sector=(SectorTraining("صنایع دستی", "Handicrafts", 40, 30),
                                                        SectorTraining("خوراکی", "Food", 18, 11))),
                             ExhibitionFigures("IR-15", held=1, upcoming=2, booths_offered=40, booths_filled=31),
                             ShowcaseFigures("IR-15", submitted=11, approved=9, live=6),
                             RosterFigures("IR-15", approved_workers=27, plans_with_roster=4))


async def test_the_post_adds_the_new_models_figures_once_there_are_any(seeded: Store) -> None:
    await seeded.connect()
    stats = await seeded.compute_stats("IR-15")
    programme = await programme_figures(seeded, "IR-15")
    await seeded.close()
    assert not programme.any and stats_text(stats, "fa", programme) == stats_text(stats, "fa")  # nothing yet
    persian, english = stats_text(stats, "fa", PROGRAMME), stats_text(stats, "en", PROGRAMME)
    assert ("🧭 ارزیابی آمادگی: ۱۲ متقاضی (آماده ۵ · نیازمند آموزش ۴ · نیازمند مشاوره ۳)\n"
            "💬 مشاوره: ۹ پرسش، ۷ پاسخ (میانهٔ زمان پاسخ: ۶ ساعت)\n"
            "🎓 توانمندسازی: ۳ دوره، ۵۸ ثبت‌نام، ۴۱ نفر دوره را گذرانده‌اند\n"
            "   · صنایع دستی: ۴۰ ثبت‌نام، ۳۰ گذرانده\n   · خوراکی: ۱۸ ثبت‌نام، ۱۱ گذرانده\n"
            "🏪 نمایشگاه: ۱ برگزارشده، ۲ در پیش · غرفه‌های پرشده: ۳۱ از ۴۰\n"
            "🛍 ویترین استان: ۶ آگهی در کانال، ۹ تأییدشده از ۱۱\n"
            "🤝 افراد تحت پوشش طرح‌های پشتیبان: ۲۷ نفر تأییدشده در ۴ طرح\n") in persian
    assert ("Advice: 9 questions, 7 answered (median answer time: 6 hours)\n"
            "🎓 Training: 3 courses, 58 enrolled, 41 completed\n   · Handicrafts: 40 enrolled, 30 completed\n"
            "   · Food: 18 enrolled, 11 completed\n🏪 Exhibitions: 1 held") in english
    assert "Covered workers of support plans: 27 approved in 4 plans" in english


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_the_chart_is_a_real_png(seeded: Store, lang: str) -> None:
    await seeded.connect()
    stats = await seeded.compute_stats("IR-15")
    await seeded.close()
    chart = render_stats_chart(stats, lang)
    assert png_size(chart) == (1200, 1000)
    assert 20_000 < len(chart) < 1_000_000
    with_programme = render_stats_chart(stats, lang, PROGRAMME)  # a third panel, the same size
    assert png_size(with_programme) == (1200, 1000) and with_programme != chart
    assert render_stats_chart(stats, lang, nothing_yet()) == chart  # no figures yet: no panel


def nothing_yet() -> ProgrammeFigures:
    """The same province before any of the new model's figures exist."""
    return ProgrammeFigures(AssessmentFigures(None, 0, 0, 0, 0, 0), AdviceFigures(0, 0, None),
                            TrainingFigures(None, 0, 0, 0, 0, ()), ExhibitionFigures(None, 0, 0, 0, 0),
                            ShowcaseFigures(None, 0, 0, 0),
                            RosterFigures(None, 0, 0))


async def test_an_empty_province_still_gets_a_chart(store: Store) -> None:
    await store.load_catalog(read_catalog(DATA_DIR))
    chart = render_stats_chart(await store.compute_stats("IR-29"), "fa")
    assert png_size(chart) == (1200, 1000)


async def admin_sets(bot: Harness, command: str) -> FakeUser:
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send(command)
    return admin


async def test_admin_sets_a_channel_and_its_daily_post_is_scheduled(bot: Harness, config: Config) -> None:
    admin = await admin_sets(bot, "/setchannel لرستان @lorestan_jobs")
    assert "ثبت شد" in admin.last_text and "۲۰:۰۰" in admin.last_text
    [job] = bot.app.job_queue.get_jobs_by_name("stats:IR-15")  # type: ignore[union-attr]
    assert job.next_t is not None and job.next_t.astimezone(config.timezone).time() == time(20, 0)

    await bot.stop()
    restarted = await Harness(config).start()
    try:
        [again] = restarted.app.job_queue.get_jobs_by_name("stats:IR-15")  # type: ignore[union-attr]
        assert again.next_t is not None and again.next_t.astimezone(config.timezone).time() == time(20, 0)
    finally:
        await restarted.stop()
    await bot.start()


async def test_the_daily_job_posts_a_chart_with_the_figures(bot: Harness) -> None:
    await admin_sets(bot, "/setchannel IR-15 @lorestan_jobs")
    [job] = bot.app.job_queue.get_jobs_by_name("stats:IR-15")  # type: ignore[union-attr]
    await job.run(bot.app)
    post = bot.rec.last("sendPhoto")
    assert "آمار مشاغل خانگی لرستان" in post.text and png_size(next(iter(post.files.values())))[0] == 1200


async def test_setchannel_reports_the_exact_problem(bot: Harness) -> None:
    admin = await admin_sets(bot, "/setchannel لرستان")
    assert "روش استفاده" in admin.last_text
    bot.rec.failures["@gone"] = (400, "Bad Request: chat not found")
    await admin.send("/setchannel لرستان @gone")
    assert "پیدا نشد" in admin.last_text
    channel_id = bot.app.bot.id  # any id; the offline API says whether the bot is an admin there
    bot.rec.chat_admins[-1000000000001] = False
    await admin.send("/setchannel لرستان -1000000000001")
    assert "مدیر نیست" in admin.last_text
    await admin.send("/setchannel آتلانتیس @x")
    assert "نمی‌شناسم" in admin.last_text
    assert await bot.store.list_channels() == [] and channel_id


async def test_a_failing_channel_is_reported_and_the_others_still_get_the_post(bot: Harness) -> None:
    admin = await admin_sets(bot, "/setchannel لرستان @lorestan_jobs")
    await admin.send("/setchannel تهران @tehran_jobs en")
    await admin.send("/setchannel all @iran_jobs")
    channels = {c.scope: c for c in await bot.store.list_channels()}
    bot.rec.failures[channels["IR-23"].chat_id] = (403, "Forbidden: bot was kicked from the channel chat")

    mark = len(bot.rec.calls)
    await admin.send("/broadcast")
    assert "آغاز شد" in admin.texts_since(mark)[0]  # at once; the summary follows when the posts are out

    posted = {call.chat_id for call in bot.rec.sent("sendPhoto")}
    assert channels["IR-15"].chat_id in posted and channels["all"].chat_id in posted
    assert "۲ کانال موفق" in admin.last_text and "@tehran_jobs" in admin.last_text
    failing = await bot.store.get_channel("IR-23", Platform.TELEGRAM)
    assert failing is not None and failing.failing and "kicked" in (failing.last_error or "")
    await admin.send("/channels")
    assert "⚠" in admin.last_text


async def test_stats_privately_for_officers_and_admins(bot: Harness) -> None:
    await admin_sets(bot, "/addofficer 501 لرستان")
    officer = bot.user(501)
    await officer.send("/stats")
    assert "لرستان" in bot.rec.last("sendPhoto", 501).text
    stranger = bot.user(777)
    await stranger.send("/stats")
    assert "کارشناسان و مدیران" in stranger.last_text
    admin = bot.user(ADMIN_ID)
    await admin.send("/stats all")
    assert "کل کشور" in bot.rec.last("sendPhoto", ADMIN_ID).text


async def test_non_admins_cannot_set_channels_or_broadcast(bot: Harness) -> None:
    await admin_sets(bot, "/addofficer 501 لرستان")
    for intruder in (bot.user(777), bot.user(501)):
        for command in ("/setchannel لرستان @mine", "/unsetchannel لرستان", "/channels", "/broadcast"):
            await intruder.send(command)
            assert "مخصوص مدیران" in intruder.last_text, command
    assert await bot.store.list_channels() == []
    assert not list(bot.rec.sent("sendPhoto"))
