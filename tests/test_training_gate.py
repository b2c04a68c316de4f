"""Training before the money: where a province runs the new model (TRAINING_BEFORE_QUEUE, or /newmodel), an
eligible application enters the loan queue only after its applicant completed a required course of its sector,
or an officer waived it with a reason; the card, bulk queueing and /status all follow the one rule."""

from pathlib import Path

import pytest

from bot.config import Config, ConfigError
from domain.lifecycle import Action, Hold, Stage, legal_actions, progress_marks
from domain.training import Rollout, parse_rollout
from storage.records import Application
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, running
from tests.test_courses import applicant, course
from tests.test_officer import OFFICER, appoint, buttons, card_of

HELD = {"fa": "⏳ نوبت: منتظر دوره آموزشی", "en": "⏳ Queue: awaiting training"}
QUEUE = {"fa": "🔢 ورود به نوبت", "en": "🔢 Place in queue"}
WAIVE = {"fa": "🎓 معافیت از آموزش", "en": "🎓 Waive training"}


async def eligible(bot: Harness, user_id: int = 1001, name: str = "مریم احمدی") -> tuple[FakeUser, Application]:
    person, application = await applicant(bot, user_id, name)
    for action in (Action.SUPERVISE, Action.APPROVE):
        await bot.store.transition(application.id, action, None)
    return person, application


async def new_model_on(bot: Harness, province: str = "لرستان") -> None:
    await bot.user(ADMIN_ID, "مدیر").send(f"/newmodel {province} on")


async def complete_required_course(bot: Harness, person: FakeUser, application: Application) -> None:
    offered = await course(bot, required=True)
    await bot.store.enrol(offered.id, person.id, application.id)
    [entry] = [e for e in await bot.store.list_course_roster(offered.id) if e.user_id == person.id]
    await bot.store.mark_enrolment(entry.id, "completed", OFFICER)


async def untrained_case(bot: Harness, lang: str) -> tuple[FakeUser, FakeUser, Application]:
    """Lorestan's officer (reading `lang`) and an eligible, untrained applicant, with the new model on."""
    officer = await appoint(bot)
    if lang == "en":
        await officer.send("/lang en")
    await new_model_on(bot)
    person, application = await eligible(bot)
    return officer, person, application


async def card(officer: FakeUser, application: Application) -> list[str]:
    await officer.send(f"/app {application.permit_number}")
    return buttons(card_of(officer, application))


async def test_an_admin_switches_the_new_model_per_province_audited(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send("/newmodel")
    assert "هیچ استانی" in admin.last_text
    await admin.send("/newmodel لرستان on")
    assert "لرستان" in admin.last_text and "دوره آموزشی الزامی" in admin.last_text
    await admin.send("/newmodel IR-29 روشن")
    await admin.send("/newmodel")
    assert "لرستان" in admin.last_text and "خراسان جنوبی" in admin.last_text
    await admin.send("/newmodel لرستان off")
    assert await bot.store.list_training_rollout() == {"IR-15": False, "IR-29": True}
    await admin.send("/newmodel لرستان maybe")
    assert "/newmodel" in admin.last_text
    officer = await appoint(bot)
    await officer.send("/newmodel لرستان on")
    assert await bot.store.list_training_rollout() == {"IR-15": False, "IR-29": True}
    rows = await bot.store.db.execute_fetchall("SELECT actor_id, detail FROM audit_log WHERE action = 'new_model'")
    assert [row["actor_id"] for row in rows] == [ADMIN_ID] * 3


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_the_queue_waits_for_a_required_course_and_opens_after_it(bot: Harness, lang: str) -> None:
    officer, person, application = await untrained_case(bot, lang)
    shown = await card(officer, application)
    assert HELD[lang] in shown and WAIVE[lang] in shown and QUEUE[lang] not in shown
    await officer.click(HELD[lang])
    alert = bot.rec.last("answerCallbackQuery").params
    assert alert["show_alert"] and ("صنایع دستی" in alert["text"] or "Handicrafts" in alert["text"])
    await officer.press(f"v1:act:{application.id}:queue")  # forged or old: the store refuses it too
    still = await bot.store.get_application(application.id)
    assert still is not None and still.stage == Stage.ELIGIBLE

    optional = await course(bot, "دوره اختیاری", required=False)
    await bot.store.enrol(optional.id, person.id, application.id)
    [entry] = await bot.store.list_course_roster(optional.id)
    await bot.store.mark_enrolment(entry.id, "completed", OFFICER)
    assert HELD[lang] in await card(officer, application)  # an optional course is not the required training

    await complete_required_course(bot, person, application)
    shown = await card(officer, application)
    assert QUEUE[lang] in shown and WAIVE[lang] not in shown
    await officer.click(QUEUE[lang])
    queued = await bot.store.get_application(application.id)
    assert queued is not None and queued.stage == Stage.QUEUED


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_an_officer_waives_the_training_with_a_reason_the_applicant_is_told(bot: Harness, lang: str) -> None:
    officer, person, application = await untrained_case(bot, lang)
    await card(officer, application)
    await officer.click(WAIVE[lang])
    assert {"fa": "دلیل", "en": "reason"}[lang] in officer.last_text
    await officer.send("ok")  # too short: asked again
    assert (await bot.store.get_application(application.id)).training_waived is False  # type: ignore[union-attr]
    await officer.send("دوره مشابه را در جهاد دانشگاهی گذرانده است")
    waived = await bot.store.get_application(application.id)
    assert waived is not None and waived.training_waived and waived.stage == Stage.ELIGIBLE and waived.reason is None
    [*_, entry] = await bot.store.list_audit(application.id)
    assert (entry.action, entry.actor_id, entry.detail["reason"]) == (
        "waive_training", OFFICER, "دوره مشابه را در جهاد دانشگاهی گذرانده است")
    await bot.deliver()
    assert "معاف کرد" in person.last_text
    shown = buttons(card_of(officer, application))
    assert QUEUE[lang] in shown and WAIVE[lang] not in shown
    await officer.click(QUEUE[lang])
    queued = await bot.store.get_application(application.id)
    assert queued is not None and queued.stage == Stage.QUEUED


async def test_an_officer_cannot_waive_their_own_training(bot: Harness) -> None:
    officer = await appoint(bot)
    await new_model_on(bot)
    _, application = await eligible(bot, OFFICER, "کارشناس خودم")
    await officer.press(f"v1:act:{application.id}:waive_training", {"message_id": 1, "date": 0,
                                                                  "chat": {"id": OFFICER, "type": "private"}})
    assert "کارشناس دیگری" in bot.rec.last("answerCallbackQuery").params["text"]
    mine = await bot.store.get_application(application.id)
    assert mine is not None and not mine.training_waived


async def test_bulk_queueing_skips_the_untrained_and_says_so(bot: Harness) -> None:
    officer = await appoint(bot)
    await new_model_on(bot)
    trained_person, trained = await eligible(bot, 1001, "مریم احمدی")
    _, untrained = await eligible(bot, 1002, "زهرا کریمی")
    await complete_required_course(bot, trained_person, trained)
    await officer.send("/pending نوبت")
    await officer.click("⏩ همه را انجام بده")
    mark = len(bot.rec.calls)
    await officer.click("✅ بله، هر ۲ پرونده")
    assert any("۱ پرونده منتظر دوره آموزشی" in text for text in officer.texts_since(mark))
    stages = [(await bot.store.get_application(a.id)).stage for a in (trained, untrained)]  # type: ignore[union-attr]
    assert stages == [Stage.QUEUED, Stage.ELIGIBLE]


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_status_shows_the_training_step_only_where_the_model_is_on(bot: Harness, lang: str) -> None:
    person, application = await eligible(bot)
    if lang == "en":
        await person.send("/lang en")
    step = {"fa": "دوره آموزشی الزامی", "en": "Required training"}[lang]
    await person.send("/status")
    assert step not in person.last_text
    await new_model_on(bot)
    await person.send("/status")
    assert f"● {step}" in person.last_text and "/courses" in person.last_text
    await complete_required_course(bot, person, application)
    await person.send("/status")
    assert f"✓ {step}" in person.last_text


async def test_the_setting_is_the_default_and_a_provinces_switch_wins(tmp_path: Path) -> None:
    config = Config.from_env({"BOT_TOKEN": "123456:TEST-token", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                              "ADMIN_IDS": str(ADMIN_ID), "TRAINING_BEFORE_QUEUE": "IR-15,29"})
    async with running(config) as bot:
        officer = await appoint(bot)
        _, application = await eligible(bot)
        assert HELD["fa"] in await card(officer, application)
        await bot.user(ADMIN_ID).send("/newmodel لرستان off")
        assert QUEUE["fa"] in await card(officer, application)


def test_the_setting_reads_none_all_or_province_codes() -> None:
    assert parse_rollout("none") == Rollout() and parse_rollout("") == Rollout()
    assert parse_rollout("ALL") == Rollout(everywhere=True)
    assert parse_rollout("IR-15, 29") == Rollout(provinces=frozenset({"IR-15", "IR-29"}))
    assert parse_rollout("IR-31") is None and parse_rollout("Lorestan") is None
    with pytest.raises(ConfigError, match="TRAINING_BEFORE_QUEUE"):
        Config.from_env({"BOT_TOKEN": "123456:TEST-token", "TRAINING_BEFORE_QUEUE": "sometimes"})
    assert Rollout(provinces=frozenset({"IR-15"})).covers("IR-15") and not Rollout().covers("IR-15")
    assert Rollout(everywhere=True).covers("IR-15", switch=False) is False


def test_the_hold_is_one_rule_in_the_state_machine() -> None:
    held = frozenset({Hold.TRAINING})
    assert Action.QUEUE in legal_actions(Stage.ELIGIBLE) and Action.WAIVE_TRAINING not in legal_actions(Stage.ELIGIBLE)
    assert Action.QUEUE not in legal_actions(Stage.ELIGIBLE, holds=held)
    assert Action.WAIVE_TRAINING in legal_actions(Stage.ELIGIBLE, holds=held)
    marks = dict(progress_marks(Stage.ELIGIBLE, trained=False))
    assert (marks[Hold.TRAINING], marks[Stage.QUEUED]) == ("current", "todo")
    assert dict(progress_marks(Stage.QUEUED, trained=False))[Hold.TRAINING] == "done"  # queued before the rule
    assert Hold.TRAINING not in dict(progress_marks(Stage.ELIGIBLE))
