"""A crowd at once: updates through the update queue and the per-person processor, and the store under it."""

import asyncio
import contextlib
import random
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from telegram import Update

from bot.config import Config
from bot.rate_limits import AnswersFirstRateLimiter
from bot.update_processor import NO_PERSON, PerPersonUpdateProcessor, lane_of
from handlers.context import sending_in_bulk
from storage import Store
from tests.fakes import FakeUser, Harness, mentions
from tests.journey import Answers, complete_journey
from tests.seeding import next_national_id


def through_queue(person: FakeUser, rng: random.Random, max_delay: float) -> FakeUser:
    """The person's updates arrive as polling delivers them, each after a random (seeded) pause."""

    async def deliver(update: Update) -> None:
        await asyncio.sleep(rng.random() * max_delay)
        await person.process_through_queue(update)

    person.process = deliver
    return person


async def test_fifty_people_at_once_each_get_their_own_complete_permit(bot: Harness) -> None:
    rng = random.Random(50)
    people = [through_queue(bot.user(3000 + i), rng, 0.02) for i in range(50)]
    national_ids = [next_national_id() for _ in people]
    names = [f"مریم {'ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی'[i % 32]}احمدی" for i in range(50)]

    await asyncio.gather(*(complete_journey(person, Answers(national_id=national_id, full_name=name))
                           for person, national_id, name in zip(people, national_ids, names, strict=True)))

    applications = [await bot.store.list_user_applications(person.id) for person in people]
    assert [len(found) for found in applications] == [1] * 50
    assert [found[0].national_id for found in applications] == national_ids  # each form holds its own answers
    assert [found[0].full_name for found in applications] == names
    assert len({found[0].permit_number for found in applications}) == 50
    assert all("مجوز" in person.last_text or person.rec.sent("sendPhoto", person.id) for person in people)
    assert bot.app.update_processor.lanes == 0  # type: ignore[attr-defined]  # idle lanes are gone


async def test_a_double_tap_on_confirm_and_fast_typing_are_handled_in_order(bot: Harness, user: FakeUser) -> None:
    from tests.journey import fill_form

    await fill_form(user)
    user.process = user.process_through_queue
    confirm = next(button for button in user.inline_buttons() if "تأیید" in button)
    message = user.latest_inline_message()
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == confirm)
    # Both presses and a status request arrive before the first is handled, as from an impatient thumb.
    await asyncio.gather(user.press(data, message), user.press(data, message), user.send("/status"))

    applications = await bot.store.list_user_applications(user.id)
    assert len(applications) == 1
    status = [call.text for call in user.calls if mentions(call.text, applications[0].permit_number)]
    assert status, "the /status after Confirm shows the permit issued by the first press"


async def test_one_person_waiting_on_a_slow_step_does_not_delay_anyone_else(bot: Harness) -> None:
    slow, quick = bot.user(4001), bot.user(4002)
    slow.process = slow.process_through_queue
    quick.process = quick.process_through_queue
    bot.rec.delays[slow.id] = 0.5  # every Bot API call to this chat takes half a second (a rate-limited chat)

    slow_task = asyncio.create_task(slow.send("/help"))
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    await quick.send("/help")
    assert asyncio.get_running_loop().time() - started < 0.4
    assert not slow_task.done()
    await slow_task


async def test_each_persons_updates_run_in_arrival_order_and_others_run_beside_them() -> None:
    processor = PerPersonUpdateProcessor(16)
    order: list[str] = []

    def step(name: str, pause: float) -> Callable[[], Coroutine[Any, Any, None]]:
        async def run() -> None:
            await asyncio.sleep(pause)
            order.append(name)
        return run

    def update(user_id: int) -> Update:
        return Update.de_json({"update_id": user_id, "message": {
            "message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "x"}, "text": "hi"}}, None)

    alice, bob = update(1), update(2)
    await asyncio.gather(processor.process_update(alice, step("a1", 0.05)()),
                         processor.process_update(alice, step("a2", 0)()),
                         processor.process_update(bob, step("b1", 0)()))
    assert order == ["b1", "a1", "a2"]  # Bob did not wait for Alice; Alice's second waited for her first
    assert processor.lanes == 0 and processor.busiest == 3
    assert lane_of(Update(5, channel_post=None)) == NO_PERSON


# -- the store under concurrency ---------------------------------------------------------------------


async def test_a_rolled_back_change_is_never_seen_by_a_reader_nor_delivered(store: Store) -> None:
    await store.ensure_user(77, "fa")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_change() -> None:
        async with store.transaction():
            await store.set_language(77, "en")
            inside.set()
            await release.wait()
            raise RuntimeError("the change fails half-way")

    change = asyncio.create_task(failing_change())
    await inside.wait()
    seen_meanwhile = await store.get_user(77)  # another task reads while the transaction is open
    release.set()
    with pytest.raises(RuntimeError):
        await change
    seen_after = await store.get_user(77)
    assert seen_meanwhile is not None and seen_meanwhile.language == "fa"
    assert seen_after is not None and seen_after.language == "fa"


async def test_a_write_inside_another_transaction_joins_it_without_deadlock_or_early_commit(store: Store) -> None:
    await store.ensure_user(78, "fa")

    async def nested() -> None:
        async with store.transaction():
            await store.set_language(78, "en")  # a store method that writes on its own elsewhere
            assert (await store.get_user(78)).language == "en"  # type: ignore[union-attr]  # sees its own write
            raise RuntimeError("roll everything back")

    with pytest.raises(RuntimeError):
        await asyncio.wait_for(nested(), timeout=2)
    user = await store.get_user(78)
    assert user is not None and user.language == "fa"


async def test_bulk_work_gets_at_most_half_the_budget_so_answers_do_not_wait_behind_it() -> None:
    limiter = AnswersFirstRateLimiter()
    await limiter.initialize()
    done: list[str] = []

    async def send(name: str, bulk: bool) -> None:
        async def call() -> bool:
            done.append(name)
            return True

        with sending_in_bulk() if bulk else contextlib.nullcontext():
            await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 10}, None)

    cards = [asyncio.create_task(send(f"card{i}", bulk=True)) for i in range(40)]  # a loan round's officer cards
    await asyncio.sleep(0)
    await asyncio.gather(*(send(f"answer{i}", bulk=False) for i in range(10)))  # then ten people press a button
    cards_before_the_last_answer = sum(name.startswith("card") for name in done)
    for card in cards:
        card.cancel()
    await asyncio.gather(*cards, return_exceptions=True)
    await limiter.shutdown()
    assert cards_before_the_last_answer <= 15  # without the bulk share all 40 cards would go first


async def test_stopping_mid_crowd_handles_every_update_already_received(config: Config) -> None:
    bot = await Harness(config).start()
    people = [bot.user(5000 + i) for i in range(10)]
    updates = []
    for person in people:
        person.process = lambda update, queued=updates: _put(queued, update)  # type: ignore[assignment,misc]
        for _ in range(3):
            await person.send("/help")
    for update in updates:
        await bot.app.update_queue.put(update)
    await bot.stop()  # as SIGTERM does: the updates already received are handled first
    answered = [sum(1 for _ in bot.rec.sent("sendMessage", person.id)) for person in people]
    assert answered == [3] * 10


async def _put(queued: list[Update], update: Update) -> None:
    queued.append(update)
