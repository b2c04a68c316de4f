"""What advice looks like: an adviser's question card, the answer as the asker reads it, and their buttons."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.callbacks import AdviceButton
from messages import label, render
from storage import Store
from storage.records import ADVICE_TOPICS, AdviceQuestion, Province

QUESTION_MAX = 1000  # characters an applicant may type in one question
ANSWER_MAX = 2500  # an answer, with the question's excerpt above it, stays below Telegram's 4,096
EXCERPT = 300  # how much of an earlier question or answer a card or an answer quotes


def excerpt(text: str, length: int = EXCERPT) -> str:
    """The start of a typed text, to quote (escaped later by render, like all typed text)."""
    return text if len(text) <= length else text[:length].rstrip() + "…"


def topic_name(lang: str, topic: str) -> str:
    return label(lang, f"advice_topic.{topic}")


async def question_card(store: Store, lang: str, question: AdviceQuestion,
                        viewer_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card as one adviser sees it now: open (with «پاسخ می‌دهم»), being answered by them or by a named
    colleague, or answered; a follow-up quotes the exchange it follows."""
    province = await store.get_province(question.province_code)
    previous = await store.get_question(question.follows_id) if question.follows_id is not None else None
    if question.answer is not None:
        status = "answered"
    elif question.taken_by is None:
        status = "open"
    else:
        status = "mine" if question.taken_by == viewer_id else "taken"
    text = render(lang, "advice/card", q=question, topic=topic_name(lang, question.topic), status=status,
                  province=province_name(lang, province, question.province_code), previous=previous,
                  previous_question=excerpt(previous.question) if previous else "",
                  previous_answer=excerpt(previous.answer or "") if previous else "")
    if status != "open":
        return text, None
    take = InlineKeyboardButton(label(lang, "advice.take"), callback_data=AdviceButton("take", str(question.id)).pack())
    return text, InlineKeyboardMarkup([[take]])


def province_name(lang: str, province: Province | None, code: str) -> str:
    return getattr(province, f"name_{lang}", code)


def answer_text(lang: str, question: AdviceQuestion) -> str:
    return render(lang, "advice/answer", q=question, topic=topic_name(lang, question.topic),
                  asked=excerpt(question.question))


def answer_keyboard(lang: str, question: AdviceQuestion) -> InlineKeyboardMarkup:
    """👍 / 👎 (the one chosen marked) and «پرسش بعدی», a follow-up in the same thread."""
    def rate(action: str, rating: int) -> InlineKeyboardButton:
        text = label(lang, f"advice.{action}")
        chosen = label(lang, "form.chosen", value=text) if question.rating == rating else text
        return InlineKeyboardButton(chosen, callback_data=AdviceButton(action, str(question.id)).pack())

    more = InlineKeyboardButton(label(lang, "advice.more"), callback_data=AdviceButton("more", str(question.id)).pack())
    return InlineKeyboardMarkup([[rate("up", 1), rate("down", -1)], [more]])


def topic_keyboard(lang: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(topic_name(lang, topic), callback_data=AdviceButton("topic", topic).pack())
               for topic in ADVICE_TOPICS]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def province_keyboard(lang: str, provinces: list[Province]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(getattr(p, f"name_{lang}"), callback_data=AdviceButton("prv", p.code).pack())
               for p in provinces]
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])


def confirm_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label(lang, "advice.send"), callback_data=AdviceButton("send").pack())],
        [InlineKeyboardButton(label(lang, "advice.edit"), callback_data=AdviceButton("edit").pack()),
         InlineKeyboardButton(label(lang, "advice.drop"), callback_data=AdviceButton("drop").pack())],
    ])


def release_keyboard(lang: str, question_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        label(lang, "advice.release"), callback_data=AdviceButton("release", str(question_id)).pack())]])
