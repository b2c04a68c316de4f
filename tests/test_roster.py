"""Support-plan rosters: the holder registers covered workers, each confirms through a personal link, the
province's officers approve; the national-ID rules, the capacity and the jobs-created figure."""

import asyncio
import logging
import sqlite3

import pytest

from bot.config import Config
from bot.platforms import CHAT_LINKS
from domain.lifecycle import Action
from domain.roster import WorkerStatus
from messages.markup import html_problem, visible_length
from storage.errors import AlreadyCovered, OwnNationalId, RosterFull
from storage.records import WorkerRequest
from tests.fakes import FakeClock, Harness, running, shown
from tests.roster_steps import (
    ENGLISH_WORKER,
    OTHER_WORKER_ID,
    WORKER_ID,
    Worker,
    add_worker,
    button_data,
    last_payload,
    support_plan,
    support_plan_by_form,
)
from tests.seeding import next_national_id
from tests.test_officer import FOREIGN_OFFICER, OTHER_OFFICER, appoint

ADD = "➕ افزودن فرد تحت پوشش"


async def audited(bot: Harness, action: str) -> list[dict]:  # type: ignore[type-arg]
    rows = await bot.store.db.execute_fetchall(
        "SELECT actor_id, application_id, detail FROM audit_log WHERE action = ?", (action,))
    return [dict(row) for row in rows]


async def test_a_worker_confirms_and_the_officer_approves(bot: Harness) -> None:
    officer = await appoint(bot)
    plan = await support_plan(bot)
    holder = bot.user(plan.user_id)
    payload = await add_worker(holder)
    assert len(payload) <= 64 and payload.startswith("w-")
    assert "زهرا کریمی" in holder.last_text
    assert f"{CHAT_LINKS[bot.config.platform]}{bot.app.bot.username}?start={payload}" in holder.last_text
    if bot.config.platform == "telegram":  # Bale has no share URL: the link message is forwarded as it is
        assert "📤 فرستادن پیوند" in holder.inline_buttons()
    worker = bot.user(WORKER_ID, "زهرا")
    await worker.send(f"/start {payload}")
    assert "قرارداد سه‌جانبه" in worker.last_text and "مریم احمدی" in worker.last_text
    assert "گلیم‌بافی" in worker.last_text and "قالیبافی" in worker.last_text  # the plan, and their own work
    await worker.click("✅ می‌پذیرم")
    assert "پذیرش شما ثبت شد" in worker.last_text
    await bot.deliver()
    assert "زهرا کریمی قرارداد طرح" in holder.last_text and "پذیرفت" in holder.last_text
    await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")  # on the card, refreshed when they accepted
    assert "زهرا کریمی" in officer.last_text and "۰۷۹۰۴۱۹۹۰۴" in officer.last_text
    await officer.click("✅ زهرا کریمی")
    await bot.deliver()
    assert "تأیید کرد" in worker.last_text and "تأیید کرد" in holder.last_text
    [stored] = await bot.store.list_roster(plan.id)
    assert stored.status == WorkerStatus.APPROVED and stored.worker_user_id == WORKER_ID
    assert stored.national_id == "0790419904" and stored.mobile == "09121112233"  # Persian digits, stored ASCII
    stats = await bot.store.compute_stats("IR-15")
    assert stats.jobs_created == 1  # the approved worker, not the form's 3
    figures = await bot.store.roster_figures("IR-15")
    assert (figures.approved_workers, figures.plans_with_roster) == (1, 1)
    assert (await bot.store.roster_figures()).approved_workers == 1  # nationally
    assert (await bot.store.roster_figures("IR-23")).approved_workers == 0


async def test_the_whole_roster_in_english(bot: Harness) -> None:
    officer = await appoint(bot, province="Lorestan")
    plan = await support_plan(bot)
    holder = bot.user(plan.user_id)
    await holder.send("/lang en")
    payload = await add_worker(holder, ENGLISH_WORKER, lang="en")
    assert "Personal link for زهرا کریمی" in holder.last_text
    worker = bot.user(WORKER_ID, "Zahra")
    await worker.send("/lang en")
    await worker.send(f"/start {payload}")
    assert "three-party agreement" in worker.last_text and "Carpet weaving" in worker.last_text
    await worker.click("✅ I accept")
    assert "Your acceptance is recorded" in worker.last_text
    await officer.send("/lang en")
    await officer.send(f"/app {plan.permit_number}")
    assert "Covered workers of the support plan" in officer.last_text and "awaiting" in officer.last_text
    await officer.click("✅ زهرا کریمی")
    await bot.deliver()
    assert "approved you on the roster" in worker.last_text
    await holder.send("/workers")
    assert "✅ approved" in holder.last_text and "Places: 1 of 3" in holder.last_text


async def test_a_worker_declines_and_the_place_is_free_again(bot: Harness) -> None:
    plan = await support_plan(bot, workers=1)
    holder = bot.user(plan.user_id)
    payload = await add_worker(holder)
    await holder.send("/workers")
    assert ADD not in holder.inline_buttons()  # one job, one place: taken by the invitation
    worker = bot.user(WORKER_ID)
    await worker.send(f"/start {payload}")
    await worker.click("✖ رد می‌کنم")
    assert "رد کردید" in worker.last_text
    await bot.deliver()
    assert "رد کرد" in holder.last_text
    await holder.send("/workers")
    assert "✖ دعوت را رد کرده" in holder.last_text and ADD in holder.inline_buttons()
    other = Worker(full_name="سارا محمدی", national_id="0084575948")
    await add_worker(holder, other)
    assert [w.status for w in await bot.store.list_roster(plan.id)] == [WorkerStatus.DECLINED, WorkerStatus.INVITED]


async def test_more_workers_than_the_plans_jobs_are_refused(bot: Harness) -> None:
    plan = await support_plan(bot, workers=1)
    holder = bot.user(plan.user_id)
    await holder.send("/workers")
    stale = holder.latest_inline_message()
    await add_worker(holder)
    await holder.press(button_data(stale, ADD), stale)  # the ➕ of an earlier roster message
    assert "ظرفیت طرح پر است" in bot.rec.last("answerCallbackQuery").params["text"]
    with pytest.raises(RosterFull):
        await bot.store.add_covered_worker(plan.id, plan.user_id, WorkerRequest("سارا محمدی", "0084575948",
                                                                                "09120000001", "بروجرد", 1))
    assert len(await bot.store.list_roster(plan.id)) == 1


async def test_a_worker_filled_in_while_the_last_place_went_is_refused_at_the_end(bot: Harness) -> None:
    plan = await support_plan(bot, workers=1)
    holder = bot.user(plan.user_id)
    await holder.send("/workers")
    await holder.click(ADD)
    for answer in ("سارا محمدی", "0084575948", "09120000001", "بروجرد"):
        await holder.send(answer)
    await bot.store.add_covered_worker(plan.id, plan.user_id, WorkerRequest("زهرا کریمی", "0790419904",
                                                                            "09121112233", "بروجرد", 1))
    await holder.click("صنایع دستی")
    await holder.click("قالیبافی")
    assert "ظرفیت این طرح پر است" in holder.last_text
    assert len(await bot.store.list_roster(plan.id)) == 1


async def test_an_expired_link_is_refused_and_a_new_one_replaces_it(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock=clock) as bot:
        plan = await support_plan(bot)
        holder = bot.user(plan.user_id)
        old = await add_worker(holder)
        clock.advance(days=14, minutes=1)
        worker = bot.user(WORKER_ID)
        await worker.send(f"/start {old}")
        assert "اعتبار این پیوند" in worker.last_text and "✅ می‌پذیرم" not in worker.inline_buttons()
        assert len(await audited(bot, "roster_link_expired")) == 1
        await holder.send("/workers")
        assert "⌛ پیوند منقضی شده" in holder.last_text
        await holder.click("🔗 پیوند زهرا کریمی")
        new = last_payload(holder)
        assert new != old
        await worker.send(f"/start {old}")
        assert "پیوند تازه‌تری" in worker.last_text
        await worker.send(f"/start {new}")
        await worker.click("✅ می‌پذیرم")
        [stored] = await bot.store.list_roster(plan.id)
        assert stored.status == WorkerStatus.CONFIRMED


async def test_a_forged_link_is_refused_and_audited_without_personal_data(bot: Harness,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    plan = await support_plan(bot)
    holder = bot.user(plan.user_id)
    payload = await add_worker(holder)
    worker_id, code, signature = payload.removeprefix("w-").split("-")
    tampered = [f"w-{worker_id}-{code}-{signature[:-1]}{'a' if signature[-1] != 'a' else 'b'}",  # the signature
                f"w-{int(worker_id) + 1}-{code}-{signature}",  # another worker's id under this signature
                f"w-{worker_id}-{code}", "w-", "w-1-x-y"]
    intruder = bot.user(OTHER_WORKER_ID)
    with caplog.at_level(logging.INFO):
        for forged in tampered:
            await intruder.send(f"/start {forged}")
            assert "این پیوند معتبر نیست" in intruder.last_text
            assert "زهرا" not in intruder.last_text and "✅ می‌پذیرم" not in intruder.inline_buttons()
    assert len(await audited(bot, "roster_link_forged")) == len(tampered)
    assert all(row["actor_id"] == OTHER_WORKER_ID and row["application_id"] is None
               for row in await audited(bot, "roster_link_forged"))
    logged = caplog.text
    assert "forged" in logged and "0790419904" not in logged and "زهرا" not in logged and "09121112233" not in logged
    [stored] = await bot.store.list_roster(plan.id)
    assert stored.status == WorkerStatus.INVITED and stored.worker_user_id is None
    worker = bot.user(WORKER_ID)  # the genuine link still works
    await worker.send(f"/start {payload}")
    assert "قرارداد سه‌جانبه" in worker.last_text


async def test_a_link_works_once_and_for_one_account(bot: Harness) -> None:
    plan = await support_plan(bot)
    holder = bot.user(plan.user_id)
    payload = await add_worker(holder)
    await holder.send(f"/start {payload}")  # the supporter trying it: not bound to them
    assert "فقط او باید آن را باز کند" in holder.last_text
    worker = bot.user(WORKER_ID)
    await worker.send(f"/start {payload}")
    agreement = worker.latest_inline_message()
    other = bot.user(OTHER_WORKER_ID)
    await other.send(f"/start {payload}")  # opened first by someone else: used
    assert "قبلاً استفاده شده" in other.last_text
    own_chat = {"message_id": 1, "date": 0, "chat": {"id": other.id, "type": "private"}}
    await other.press(button_data(agreement, "✅ می‌پذیرم"), own_chat)  # the worker's button, from another account
    await worker.click("✅ می‌پذیرم")
    await worker.send(f"/start {payload}")  # reused
    assert "قبلاً استفاده شده" in worker.last_text
    await worker.press(button_data(agreement, "✖ رد می‌کنم"), agreement)  # the old ✖: the answer stands
    [stored] = await bot.store.list_roster(plan.id)
    assert stored.status == WorkerStatus.CONFIRMED and stored.worker_user_id == WORKER_ID
    assert len(await audited(bot, "roster_link_used")) == 4


async def test_a_national_id_is_covered_by_one_active_plan_at_a_time(bot: Harness) -> None:
    first = await support_plan(bot, holder_id=1001)
    second = await support_plan(bot, holder_id=1002)
    await add_worker(bot.user(first.user_id))
    other_holder = bot.user(second.user_id)
    await other_holder.send("/workers")
    await other_holder.click(ADD)
    await other_holder.send("سارا محمدی")
    await other_holder.send("۰۷۹۰۴۱۹۹۰۴")  # the worker already invited to the first plan
    assert "تحت پوشش طرح پشتیبان دیگری است" in other_holder.last_text
    assert "مریم" not in other_holder.last_text and first.permit_number not in other_holder.last_text
    await other_holder.send("0084575948")  # asked again: another one is taken
    assert "موبایل" in other_holder.last_text
    with pytest.raises(AlreadyCovered):
        await bot.store.add_covered_worker(second.id, second.user_id, WorkerRequest("زهرا کریمی", "0790419904",
                                                                                    "09121112233", "بروجرد", 1))
    # The database itself refuses a second active place, whatever the code above it does.
    with pytest.raises(sqlite3.IntegrityError):
        async with bot.store.transaction() as db:
            await db.execute(
                "INSERT INTO covered_workers (application_id, full_name, national_id, holder_national_id, mobile,"
                " city, category_id, invite_code, invite_expires_at, created_at, updated_at)"
                " VALUES (?, 'x', '0790419904', ?, '09121112233', 'c', 1, 'aaaaaaaa', 'z', 'z', 'z')",
                (second.id, second.national_id))


async def test_a_closed_plan_frees_its_workers_national_ids(bot: Harness) -> None:
    first = await support_plan(bot, holder_id=1001)
    second = await support_plan(bot, holder_id=1002)
    await add_worker(bot.user(first.user_id))
    await bot.store.transition(first.id, Action.WITHDRAW, first.user_id)
    await add_worker(bot.user(second.user_id))
    assert len(await bot.store.list_roster(second.id)) == 1


async def test_a_holder_is_never_a_covered_worker_of_their_own_plan(bot: Harness) -> None:
    plan = await support_plan(bot, national_id="0499370899")
    holder = bot.user(plan.user_id)
    await holder.send("/workers")
    await holder.click(ADD)
    await holder.send("مریم احمدی")
    await holder.send("۰۴۹۹۳۷۰۸۹۹")
    assert "کد ملی خود شما" in holder.last_text
    with pytest.raises(OwnNationalId):
        await bot.store.add_covered_worker(plan.id, plan.user_id, WorkerRequest("مریم احمدی", "0499370899",
                                                                                "09121112233", "بروجرد", 1))
    with pytest.raises(sqlite3.IntegrityError):  # a CHECK of the table, not only the store's test
        async with bot.store.transaction() as db:
            await db.execute(
                "INSERT INTO covered_workers (application_id, full_name, national_id, holder_national_id, mobile,"
                " city, category_id, invite_code, invite_expires_at, created_at, updated_at)"
                " VALUES (?, 'x', '0499370899', '0499370899', '09121112233', 'c', 1, 'aaaaaaaa', 'z', 'z', 'z')",
                (plan.id,))
    assert await bot.store.list_roster(plan.id) == []


async def confirmed_workers(bot: Harness, count: int, holder_id: int = 1001) -> tuple[int, list[int]]:
    plan = await support_plan(bot, workers=count, holder_id=holder_id)
    holder = bot.user(plan.user_id)
    national_ids = ["0790419904", "0084575948", "0067749828", "0013542419"]
    for index in range(count):
        payload = await add_worker(holder, Worker(full_name=f"کارگر {'الف ب پ ت'.split()[index]}",
                                                  national_id=national_ids[index]))
        worker = bot.user(WORKER_ID + index)
        await worker.send(f"/start {payload}")
        await worker.click("✅ می‌پذیرم")
    return plan.id, [WORKER_ID + index for index in range(count)]


async def test_officers_approve_all_confirmed_workers_at_once(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, workers = await confirmed_workers(bot, 3)
    assert (await bot.store.compute_stats("IR-15")).jobs_created == 0  # a roster exists: nobody approved yet
    await officer.click("👥 افراد تحت پوشش (۳ در انتظار تأیید)")
    await officer.click("✅ تأیید همه (۳ نفر)")
    assert "ثبت شد: ۳ نفر" in bot.rec.last("answerCallbackQuery").params["text"]
    await bot.deliver()
    for worker_id in workers:
        assert "تأیید کرد" in bot.rec.last("sendMessage", worker_id).text
    holder_news = bot.rec.last("sendMessage", 1001).text
    assert holder_news.count("•") == 3  # one message for the whole decision
    assert (await bot.store.compute_stats("IR-15")).jobs_created == 3
    assert (await bot.store.compute_stats()).jobs_created == 3
    plan = await bot.store.get_application(plan_id)
    assert plan is not None and plan.roster_approved == 3 and plan.roster_awaiting == 0


async def test_an_officer_refuses_a_worker_with_a_reason(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, [worker_id, _] = await confirmed_workers(bot, 2)
    await officer.click("👥 افراد تحت پوشش (۲ در انتظار تأیید)")
    await officer.click("❌ کارگر الف")
    assert "دلیل رد کارگر الف" in officer.last_text
    await officer.send("نه")  # too short: asked again
    assert "دلیل" in officer.last_text
    await officer.send("کد ملی با مدارک نمی‌خواند")
    await bot.deliver()
    assert "کد ملی با مدارک نمی‌خواند" in bot.rec.last("sendMessage", worker_id).text
    roster = await bot.store.list_roster(plan_id)
    assert [(w.status, w.reason) for w in roster] == [(WorkerStatus.REFUSED, "کد ملی با مدارک نمی‌خواند"),
                                                      (WorkerStatus.CONFIRMED, None)]
    await officer.send("متن دیگری")  # the reason is no longer owed: nothing else is refused
    assert (await bot.store.list_roster(plan_id))[1].status == WorkerStatus.CONFIRMED
    await officer.click("✅ کارگر ب")
    assert (await bot.store.compute_stats("IR-15")).jobs_created == 1


async def test_the_owed_reason_can_be_cancelled_and_gives_way_to_commands(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, _ = await confirmed_workers(bot, 1)
    await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")
    await officer.click("❌ کارگر الف")
    await officer.click("✖ لغو")
    await officer.send("مدارک ناقص است")
    await officer.click("❌ کارگر الف")
    await officer.send("/pending")  # a command: the reason is dropped and the command answered
    assert "در انتظار اقدام" in officer.last_text
    await officer.send("مدارک ناقص است")
    await officer.click("❌ کارگر الف")
    await officer.send("❓ راهنما")  # a menu button: never taken for the reason, and answered as itself
    assert "راهنمای ربات" in officer.last_text
    await officer.send("مدارک ناقص است")
    assert (await bot.store.list_roster(plan_id))[0].status == WorkerStatus.CONFIRMED


async def test_officers_of_another_province_and_the_holder_cannot_decide(bot: Harness) -> None:
    officer = await appoint(bot)
    foreign = await appoint(bot, FOREIGN_OFFICER, "تهران")
    holder_officer = await appoint(bot, OTHER_OFFICER)  # an officer of the province who holds the plan
    plan_id, _ = await confirmed_workers(bot, 1, holder_id=OTHER_OFFICER)
    await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")
    page = officer.latest_inline_message()
    approve = button_data(page, "✅ کارگر الف")
    for intruder in (foreign, bot.user(OTHER_WORKER_ID), bot.user(WORKER_ID)):
        await intruder.press(approve, page)
        assert bot.rec.last("answerCallbackQuery").params.get("show_alert")
    await holder_officer.press(approve, page)  # a conflict of interest: refused and audited
    assert "به خود شما مربوط است" in bot.rec.last("answerCallbackQuery").params["text"]
    await holder_officer.press(f"v1:rall:{plan_id}", page)
    assert (await bot.store.list_roster(plan_id))[0].status == WorkerStatus.CONFIRMED
    assert len(await audited(bot, "refuse_own")) == 2


async def test_jobs_count_the_form_until_a_roster_exists(bot: Harness) -> None:
    plan = await support_plan(bot, workers=3)
    assert (await bot.store.compute_stats("IR-15")).jobs_created == 3
    await add_worker(bot.user(plan.user_id))
    assert (await bot.store.compute_stats("IR-15")).jobs_created == 0
    assert (await bot.store.roster_figures("IR-15")).plans_with_roster == 1


async def test_only_support_plan_holders_have_a_roster(bot: Harness) -> None:
    plan = await support_plan(bot, track="independent")
    holder = bot.user(plan.user_id)
    await holder.send("/workers")
    assert "طرح پشتیبانِ باز ندارید" in holder.last_text
    stranger = bot.user(4444)
    own_chat = {"message_id": 1, "date": 0, "chat": {"id": stranger.id, "type": "private"}}
    await stranger.press(f"v1:radd:{plan.id}", own_chat)
    assert bot.rec.last("answerCallbackQuery").params.get("show_alert")
    await stranger.press(f"v1:rost:h:{plan.id}:1", own_chat)
    assert bot.rec.last("answerCallbackQuery").params.get("show_alert")


async def test_a_support_plan_applied_for_through_the_form_takes_workers(bot: Harness) -> None:
    holder, plan = await support_plan_by_form(bot)
    assert plan.track == "support"
    await add_worker(holder)
    await holder.send("/workers")
    assert "ظرفیت: ۱ از ۳ نفر" in holder.last_text and "⏳ دعوت شده" in holder.last_text


async def test_adding_a_worker_resumes_after_a_restart_and_can_be_cancelled(config: Config) -> None:
    async with running(config) as bot:
        plan = await support_plan(bot)
        holder = bot.user(plan.user_id)
        await holder.send("/workers")
        await holder.click(ADD)
        await holder.send("زهرا کریمی")
    async with running(config) as bot:
        holder = bot.user(plan.user_id)
        await holder.send("0790419904")  # the national ID question, asked before the restart
        assert "موبایل" in holder.last_text
        await holder.click("✖ انصراف")
        assert "چیزی ذخیره نشد" in holder.last_text
        await holder.send("09121112233")  # no longer an answer
        assert await bot.store.get_step("roster_add", plan.user_id) is None
        assert await bot.store.list_roster(plan.id) == []


async def test_retention_erases_a_closed_plans_workers_with_it(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock=clock) as bot:
        plan = await support_plan(bot)
        await add_worker(bot.user(plan.user_id))
        await bot.store.transition(plan.id, Action.WITHDRAW, plan.user_id)
        clock.advance(days=6 * 366)
        [job] = bot.app.job_queue.get_jobs_by_name("erase_personal_data")  # type: ignore[union-attr]
        await job.run(bot.app)
        [erased] = await bot.store.list_roster(plan.id)
        assert (erased.full_name, erased.mobile) == ("", "09000000000") and erased.national_id.startswith("x")
        assert erased.status == WorkerStatus.INVITED and erased.category_fa == "قالیبافی"


async def test_a_long_roster_pages_below_telegrams_limit(bot: Harness) -> None:
    officer = await appoint(bot)
    plan = await support_plan(bot, workers=60)
    for _ in range(45):
        await bot.store.add_covered_worker(plan.id, plan.user_id, WorkerRequest(
            "زهرا کریمی" + "ی" * 40, next_national_id(), "09121112233", "ب" * 60, 1))
    holder = bot.user(plan.user_id)
    await holder.send("/workers")
    first = holder.last_text
    assert visible_length(first) < 4096 and "صفحه ۱ از" in first and "▶" in holder.inline_buttons()
    await holder.click("▶")
    assert "صفحه ۲ از" in holder.last_text and holder.last_text != first
    await officer.send(f"/app {plan.permit_number}")
    assert visible_length(officer.last_text) < 4096 and "کد ملی" in officer.last_text
    assert html_problem(officer.last_text) is None and html_problem(first) is None


async def test_an_invitation_of_a_plan_closed_since_is_refused(bot: Harness) -> None:
    plan = await support_plan(bot)
    payload = await add_worker(bot.user(plan.user_id))
    worker = bot.user(WORKER_ID)
    await worker.send(f"/start {payload}")
    await bot.store.transition(plan.id, Action.WITHDRAW, plan.user_id)
    await worker.click("✅ می‌پذیرم")  # the agreement shown before the plan was withdrawn
    assert "دیگر فعال نیست" in worker.last_text
    await worker.send(f"/start {payload}")
    assert "دیگر فعال نیست" in worker.last_text
    assert (await bot.store.list_roster(plan.id))[0].status == WorkerStatus.INVITED
    assert len(await audited(bot, "roster_link_closed")) == 2


async def test_concurrent_adds_never_pass_the_plans_jobs_nor_share_a_national_id(bot: Harness) -> None:
    small = await support_plan(bot, holder_id=1001, workers=2)
    other = await support_plan(bot, holder_id=1002, workers=5)
    requests = [WorkerRequest("زهرا کریمی", next_national_id(), "09121112233", "بروجرد", 1) for _ in range(8)]
    outcomes = await asyncio.gather(*(bot.store.add_covered_worker(small.id, small.user_id, r) for r in requests),
                                    return_exceptions=True)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 2
    assert all(isinstance(o, RosterFull) for o in outcomes if isinstance(o, Exception))
    shared = WorkerRequest("سارا محمدی", "0084575948", "09121112233", "بروجرد", 1)
    third = await support_plan(bot, holder_id=1003)
    both = await asyncio.gather(bot.store.add_covered_worker(other.id, other.user_id, shared),
                                bot.store.add_covered_worker(third.id, third.user_id, shared), return_exceptions=True)
    assert sorted(type(o).__name__ for o in both) == ["AlreadyCovered", "CoveredWorker"], both


async def test_an_owed_refusal_reason_survives_a_restart(config: Config) -> None:
    async with running(config) as bot:
        officer = await appoint(bot)
        plan_id, _ = await confirmed_workers(bot, 1)
        await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")
        await officer.click("❌ کارگر الف")
    async with running(config) as bot:
        officer = bot.user(officer.id, "کارشناس")
        await officer.send("مدارک ناقص است")
        [worker] = await bot.store.list_roster(plan_id)
        assert (worker.status, worker.reason) == (WorkerStatus.REFUSED, "مدارک ناقص است")


async def test_the_morning_digest_lists_plans_with_workers_awaiting_approval(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, _ = await confirmed_workers(bot, 2)
    [job] = bot.app.job_queue.get_jobs_by_name("digest")  # type: ignore[union-attr]
    await job.run(bot.app)
    digest = bot.rec.last("sendMessage", officer.id)
    assert "افراد تحت پوشش در انتظار تأیید: ۲" in digest.text
    plan = await bot.store.get_application(plan_id)
    assert plan is not None
    await officer.click(f"👥 {shown(plan.permit_number)} (۲ نفر)")
    assert "کارگر الف" in officer.last_text and "✅ تأیید همه (۲ نفر)" in officer.inline_buttons()


async def test_a_roster_reason_and_a_cards_reason_never_answer_each_other(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, _ = await confirmed_workers(bot, 1)
    await officer.click("❌ نظارت ناموفق")  # the plan's own card: a reason owed for the application
    await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")
    await officer.click("❌ کارگر الف")  # asked since: this reason is the worker's
    await officer.send("مدارک کارگر ناقص است")
    plan = await bot.store.get_application(plan_id)
    assert plan is not None and plan.reason is None and plan.stage.value == "permit_issued"
    assert (await bot.store.list_roster(plan_id))[0].reason == "مدارک کارگر ناقص است"
    await officer.send("متن بعدی")  # the card's question was dropped for the roster's: nothing happens to the plan
    plan = await bot.store.get_application(plan_id)
    assert plan is not None and plan.stage.value == "permit_issued"


async def test_a_cards_question_asked_after_a_roster_reason_takes_the_answer(bot: Harness) -> None:
    officer = await appoint(bot)
    plan_id, _ = await confirmed_workers(bot, 1)
    await officer.click("👥 افراد تحت پوشش (۱ در انتظار تأیید)")
    await officer.click("❌ کارگر الف")
    await officer.click("❌ نظارت ناموفق")  # the plan's card, asked since
    await officer.send("نشانی پیدا نشد")
    plan = await bot.store.get_application(plan_id)
    assert plan is not None and plan.reason == "نشانی پیدا نشد"
    assert (await bot.store.list_roster(plan_id))[0].status == WorkerStatus.CONFIRMED
