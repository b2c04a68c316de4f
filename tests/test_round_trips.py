"""Each form step costs one Bot API message on its path: a pressed question becomes the next in place, a typed
question carries no buttons to take away, and what is only tidying goes beside the answer."""

from bench.network import COUNTED
from tests.fakes import FakeUser, Harness
from tests.journey import complete_journey, fill_form


async def test_the_whole_journey_costs_about_one_message_a_step(bot: Harness, user: FakeUser) -> None:
    per_step: list[list[str]] = []
    deliver = user.process

    async def counted(update: object) -> None:
        mark = len(bot.rec.calls)
        await deliver(update)  # type: ignore[arg-type]
        per_step.append([call.method for call in bot.rec.calls[mark:]  # to this person: not the admins' alert
                         if call.method in COUNTED and call.chat_id == user.id])

    user.process = counted  # type: ignore[assignment]
    await complete_journey(user)
    assert await bot.store.list_user_applications(user.id)
    assert sum(len(calls) for calls in per_step) <= 1.2 * len(per_step), per_step
    assert max(len(calls) for calls in per_step) <= 2, per_step


async def test_a_pressed_question_becomes_the_next_one_in_the_same_message(bot: Harness, user: FakeUser) -> None:
    await fill_form(user, stop_before="track")
    pressed = user.latest_inline_message()
    await user.click("🧑‍🔧 مستقل")
    edited = bot.rec.last("editMessageText", user.id)
    assert int(edited.params["message_id"]) == pressed["message_id"]
    assert edited.text.startswith("✓ 🧑‍🔧 مستقل") and "نام و نام خانوادگی" in edited.text
    after = bot.rec.calls[bot.rec.calls.index(edited) + 1:]
    assert [call.method for call in after] in ([], ["answerCallbackQuery"])  # nothing else was sent for it


async def test_a_typed_question_has_no_buttons_and_the_form_keyboard_has_the_controls(user: FakeUser) -> None:
    await fill_form(user, stop_before="national_id")
    question = user.rec.last("sendMessage", user.id)
    assert "کد ملی" in question.text and "inline_keyboard" not in (question.params.get("reply_markup") or {})
    assert {"↩ بازگشت", "✖ انصراف", "📋 وضعیت من", "🪪 مجوز من"} <= set(user.reply_keyboard())


async def test_provinces_are_on_the_keyboard_and_the_form_keyboard_comes_back_after(bot: Harness,
                                                                                    user: FakeUser) -> None:
    await fill_form(user)
    await user.click("✏ استان")
    assert "یزد" in user.reply_keyboard() and user.reply_keyboard().index("گیلان") < user.reply_keyboard().index("یزد")
    await user.send("یزد")
    assert "بررسی نهایی" in user.last_text and "یزد" in user.last_text
    assert "✖ انصراف" in user.reply_keyboard() and "یزد" not in user.reply_keyboard()
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["province_code"] == "IR-21"
