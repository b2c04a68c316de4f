"""The applicant journey: job category, track, the validated form, review, and the instant permit.

Every step is written through to the user's draft (`Store.save_draft`) before the bot answers, so a
restart resumes at the same step with the answers kept (see `bot/persistence.py`). Each prompt is one
message whose id the draft remembers: a press on any older message is stale and answered as such.
"""

import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import date
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain import validators
from domain.form import EDUCATION_LEVELS, TRACKS, applies, missing_fields, next_field, previous_field
from domain.jalali import completed_years
from domain.normalize import normalize, search_key
from domain.search import best_matches
from handlers.callbacks import FormButton
from handlers.context import BACKGROUND, Ctx
from handlers.drafts import current_state, delete_draft, forget_draft, load_answers, save_draft
from handlers.form_answers import error_text, experience_too_long, minimum_age, parse_answer
from handlers.form_view import (
    button,
    category_button,
    display_value,
    prompt,
    with_controls,
)
from handlers.in_place import in_background, show_in_place
from handlers.keyboards import form_keyboard, main_menu
from handlers.officer import refresh_cards
from handlers.permits import send_permit_card, show_permits
from handlers.states import FIELD_STATE, STATE_FIELD, Reg
from handlers.status import show_status
from messages import all_labels, label, render
from storage import AlreadyRegistered, CategoryNotOffered, HeldByAnotherAccount, TooManyOpenApplications
from storage.records import PermitRequest

logger = logging.getLogger(__name__)

SEARCH_LIMIT = 6
Answers = dict[str, Any]
StepResult = Reg | int


# -- reading and writing the draft ---------------------------------------------------------------


async def ask(update: Update, context: Ctx, state: Reg, answers: Answers, note: str | None = None,
              chosen: str | None = None, restore: str = "registration/saved") -> Reg:
    """Show the prompt for `state` (after `note`, e.g. an error), remember it, and save the draft.

    After a button press (`chosen`: what was picked) the pressed message itself becomes a record of the choice
    followed by the next question: one Bot API call, where a new message would also need the old one's
    buttons taken away. A question with a reply keyboard (contact, provinces) must be a new message, and so
    must the first question after one, which brings back the form's keyboard (with `restore` as its text)."""
    lang = context.lang
    text, markup = await prompt(context, state, answers)
    if note:
        text = f"{note}\n\n{text}"
    own_keyboard = isinstance(markup, ReplyKeyboardMarkup)
    if answers.get("_keyboard") == "special" and not own_keyboard:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, render(lang, restore), reply_markup=form_keyboard(lang))
        answers["_keyboard"] = "form"
    elif chosen is not None and (not own_keyboard or markup == form_keyboard(lang)):
        record = render(lang, "registration/chosen", value=chosen)  # escaped: it may be typed text
        return await edit_prompt(update, context, state, answers, f"{record}\n\n{text}", markup)
    if chosen is not None:
        query = update.callback_query
        assert query is not None
        in_background(context, update, query.edit_message_text(render(lang, "registration/chosen", value=chosen)),
                      "record_choice")
    return await send_prompt(update, context, state, answers, text, markup)


async def send_prompt(update: Update, context: Ctx, state: Reg, answers: Answers, text: str, markup: Any) -> Reg:
    """The one way a step is shown as a new message: it becomes the only live prompt, and the draft is saved."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    previous = answers.get("_prompt") if answers.get("_buttons") else None
    message = await context.bot.send_message(chat.id, text, reply_markup=markup)
    if previous and (update.callback_query is None or update.callback_query.message is None
                     or update.callback_query.message.message_id != previous):
        # Answered by typing: its buttons go, after the answer and from the bulk share of the rate limit (a
        # press on them is refused as stale meanwhile, so this is only tidying).
        in_background(context, update, context.bot.edit_message_reply_markup(chat.id, int(previous)), "retire")
    return await remember_prompt(context, user.id, state, answers, message.message_id, markup)


async def edit_prompt(update: Update, context: Ctx, state: Reg, answers: Answers, text: str, markup: Any) -> Reg:
    """Turn the pressed message into the next prompt (its form keyboard, if any, is already on screen)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.message is not None and user is not None
    inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
    shown_in = await show_in_place(update, context, text, inline)  # or a new message, where edits drop buttons
    return await remember_prompt(context, user.id, state, answers, shown_in, inline)


async def remember_prompt(context: Ctx, user_id: int, state: Reg, answers: Answers, message_id: int,
                          markup: Any) -> Reg:
    answers["_prompt"] = message_id
    answers["_buttons"] = isinstance(markup, InlineKeyboardMarkup)  # buttons to take away once answered by text
    if isinstance(markup, ReplyKeyboardMarkup):  # what is under the chat now: the form's keyboard, or another
        answers["_keyboard"] = "form" if markup == form_keyboard(context.lang) else "special"
    await save_draft(context, user_id, state, answers)
    return state


async def redraw(update: Update, context: Ctx, state: Reg, answers: Answers) -> Reg:
    """Replace the current prompt in place (paging, back to sectors): same message, new content."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    text, markup = await prompt(context, state, answers)
    answers["_prompt"] = await show_in_place(update, context, text, markup)
    answers["_buttons"] = isinstance(markup, InlineKeyboardMarkup)
    await save_draft(context, user.id, state, answers)
    return state


# -- entering and leaving -----------------------------------------------------------------------


async def start_application(update: Update, context: Ctx) -> StepResult:
    """/apply or the menu button: a fresh form; with one unfinished, first ask whether to go on or start over."""
    user = update.effective_user
    assert user is not None
    await context.store.ensure_user(user.id, context.lang)
    answers = await load_answers(context, user.id)
    if any(not key.startswith("_") for key in answers):  # answers would be lost: never silently
        lang = context.lang
        rows = [[button(label(lang, "form.resume"), FormButton("resume"))],
                [button(label(lang, "form.restart"), FormButton("restart"))]]
        state = await current_state(context, user.id)
        return await send_prompt(update, context, state, answers, render(lang, "registration/resume_or_restart"),
                                 InlineKeyboardMarkup(rows))
    limit = context.config.rules.max_open_applications
    if await context.store.count_open_applications(user.id) >= limit:  # say so before the form, not after it
        await context.bot.send_message(user.id, render(context.lang, "registration/too_many_open", limit=limit),
                                       reply_markup=main_menu(context.lang))
        return ConversationHandler.END
    return await start_fresh(update, context)


async def start_fresh(update: Update, context: Ctx) -> Reg:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, render(context.lang, "registration/intro"),
                                   reply_markup=form_keyboard(context.lang))
    return await ask(update, context, Reg.SECTOR, {})


async def cancel(update: Update, context: Ctx) -> int:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    if update.callback_query:  # already answered by form_callback
        await update.callback_query.edit_message_reply_markup(None)
    await delete_draft(context, user.id)
    await context.bot.send_message(chat.id, render(context.lang, "registration/cancelled"),
                                   reply_markup=main_menu(context.lang))
    return ConversationHandler.END


async def restart_to_menu(update: Update, context: Ctx) -> int:
    """/start inside the form: leave it cleanly and show the welcome."""
    from handlers.common import welcome  # common registers the same command outside the form

    user = update.effective_user
    assert user is not None
    await delete_draft(context, user.id)
    await welcome(update, context)
    return ConversationHandler.END


# -- moving between steps ---------------------------------------------------------------------


async def advance(update: Update, context: Ctx, field: str, answers: Answers, note: str | None = None,
                  chosen: str | None = None) -> Reg:
    """After `field` is answered (by a button: `chosen`): the next question, or the review when complete."""
    answers.pop("_page", None)
    following = next_field(field, answers, editing=bool(answers.get("_editing")))
    if following is None:
        missing = missing_fields(answers)
        if missing:  # the draft lost answers (it expired mid-form): ask them, then the review
            answers["_editing"] = True
            return await ask(update, context, FIELD_STATE[missing[0]], answers, note, chosen)
        answers.pop("_editing", None)
        return await ask(update, context, Reg.REVIEW, answers, note, chosen)
    return await ask(update, context, FIELD_STATE[following], answers, note, chosen)


async def go_back(update: Update, context: Ctx) -> Reg:
    user = update.effective_user
    assert user is not None
    if update.callback_query:  # already answered by form_callback
        in_background(context, update, update.callback_query.edit_message_reply_markup(None), "retire")
    answers = await load_answers(context, user.id)
    state = await current_state(context, user.id)
    answers.pop("_page", None)
    target, note = await _step_back(context, state, answers)
    # Leaving the contact or province keyboard, the form's comes back with «↩ previous step».
    return await ask(update, context, target, answers, note, restore="registration/back")


async def _step_back(context: Ctx, state: Reg, answers: Answers) -> tuple[Reg, str | None]:
    """Where «back» leads from `state`, and a note to show there."""
    if answers.get("_editing") and state != Reg.REVIEW:
        answers.pop("_editing")
        return Reg.REVIEW, None
    if state == Reg.CATEGORY:
        return Reg.SECTOR, None
    if state == Reg.REVIEW:
        return FIELD_STATE[[field for field in FIELD_STATE if applies(field, answers)][-1]], None
    previous = previous_field(STATE_FIELD[state], answers)
    if previous is None:
        return Reg.SECTOR, render(context.lang, "registration/nothing_before")
    if previous == "category_id":
        answers["_sector"] = answers.get("_sector") or await _sector_of(context, answers)
        return Reg.CATEGORY, None
    return FIELD_STATE[previous], None


async def _sector_of(context: Ctx, answers: Answers) -> int | None:
    category = await context.store.get_category(int(answers["category_id"])) if answers.get("category_id") else None
    return category.sector_id if category else None


def form_callback(
    handler: Callable[[Update, Ctx, FormButton, Answers], Awaitable[StepResult]],
) -> Callable[[Update, Ctx], Awaitable[StepResult | None]]:
    """Wrap a button handler: only the current prompt's buttons count; older ones are stale."""

    async def wrapped(update: Update, context: Ctx) -> StepResult | None:
        query = update.callback_query
        user = update.effective_user
        assert query is not None and query.data is not None and user is not None
        answers = await load_answers(context, user.id)
        if query.message is None or answers.get("_prompt") != query.message.message_id:
            return await answer_stale_button(update, context)
        # The spinner stops beside the step's answer, not before it: one round trip on the step's path.
        in_background(context, update, query.answer(), "answer")
        return await handler(update, context, FormButton.parse(query.data), answers)

    return wrapped


async def answer_stale_button(update: Update, context: Ctx) -> Reg:
    """A press on an old message: say so, and show the step the user is really at."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    with suppress(BadRequest):  # a forged value inside a live prompt: the spinner was answered already
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
    state = await current_state(context, user.id)
    answers = await load_answers(context, user.id)
    if state == Reg.CATEGORY and "_sector" not in answers:
        state = Reg.SECTOR
    return await ask(update, context, state, answers, render(context.lang, "registration/expired"))


async def reprompt(update: Update, context: Ctx, template: str = "registration/not_text") -> Reg:
    """Input the current step cannot use (a sticker, a photo, text where a button is needed)."""
    user = update.effective_user
    assert user is not None
    state = await current_state(context, user.id)
    answers = await load_answers(context, user.id)
    if state == Reg.CATEGORY and "_sector" not in answers:
        state = Reg.SECTOR
    return await ask(update, context, state, answers, render(context.lang, template))


async def cancel_by_button(update: Update, context: Ctx, button: FormButton, answers: Answers) -> int:
    return await cancel(update, context)


async def back_by_button(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    return await go_back(update, context)


async def ignore_press(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    """The page-number button: nothing to do, the step stays."""
    user = update.effective_user
    assert user is not None
    return await current_state(context, user.id)


async def ask_to_use_buttons(update: Update, context: Ctx) -> Reg:
    return await reprompt(update, context, "registration/use_buttons")


@form_callback
async def resume_form(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    """«Continue the form»: the question the person was at, with every answer kept."""
    user = update.effective_user
    query = update.callback_query
    assert user is not None and query is not None
    await query.edit_message_reply_markup(None)
    return await ask(update, context, await current_state(context, user.id), answers)


@form_callback
async def restart_form(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(None)
    return await start_fresh(update, context)


def beside_the_form(show: Callable[[Update, Ctx], Awaitable[None]]) -> Callable[[Update, Ctx], Awaitable[Reg]]:
    """A menu button pressed mid-form (status, permit): show what it shows, then ask the current question again."""

    async def show_then_resume(update: Update, context: Ctx) -> Reg:
        user = update.effective_user
        assert user is not None
        await show(update, context)
        answers = await load_answers(context, user.id)
        answers["_keyboard"] = "special"  # what was shown brought the main menu: the form's keyboard comes back
        state = await current_state(context, user.id)
        if state == Reg.CATEGORY and "_sector" not in answers:
            state = Reg.SECTOR
        return await ask(update, context, state, answers)

    show_then_resume.__name__ = f"{show.__name__}_in_the_form"
    return show_then_resume


# -- category ---------------------------------------------------------------------------------


@form_callback
async def pick_sector(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    answers["_sector"] = int(button.value)
    answers["_page"] = 1
    return await redraw(update, context, Reg.CATEGORY, answers)


@form_callback
async def show_category_page(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    sector, page = button.value.split(".")
    answers["_sector"], answers["_page"] = int(sector), int(page)
    return await redraw(update, context, Reg.CATEGORY, answers)


@form_callback
async def show_sectors(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    return await redraw(update, context, Reg.SECTOR, answers)


async def search_categories(update: Update, context: Ctx) -> Reg:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    answers = await load_answers(context, user.id)
    categories = {c.id: c for c in await context.store.list_categories()}
    found = best_matches(message.text, ((c.id, (c.name_fa, c.name_en)) for c in categories.values()), SEARCH_LIMIT)
    query = normalize(message.text)[:40]
    if not found:
        state = Reg.CATEGORY if "_sector" in answers else Reg.SECTOR
        return await ask(update, context, state, answers, render(lang, "registration/search_empty", query=query))
    rows = [[category_button(lang, categories[int(category_id)], answers)] for category_id in found]
    rows.append([button(label(lang, "form.sectors"), FormButton("sectors"))])
    return await send_prompt(update, context, Reg.CATEGORY, answers,
                             render(lang, "registration/search_results", query=query),
                             with_controls(lang, rows, back=False))


@form_callback
async def pick_category(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    lang = context.lang
    category = await context.store.get_offered_category(int(button.value))
    if category is None:  # hidden (or its sector hidden) since the button was drawn, or forged
        return await redraw(update, context, Reg.SECTOR, answers)
    answers["category_id"] = category.id
    answers["_sector"] = category.sector_id
    note = None
    if category.needs_extra_approval:
        body = label(lang, f"approval.{category.approval_body or 'other'}")
        note = render(lang, "registration/starred_note", category=getattr(category, f"name_{lang}"), body=body)
    return await advance(update, context, "category_id", answers, note, chosen=getattr(category, f"name_{lang}"))


# -- track ------------------------------------------------------------------------------------


@form_callback
async def pick_track(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    if button.value not in TRACKS:
        return await answer_stale_button(update, context)
    if button.value != answers.get("track"):
        answers["track"] = button.value
        answers.pop("experience_years", None)
        answers.pop("own_share_percent", None)
    return await advance(update, context, "track", answers, chosen=label(context.lang, f"track.{button.value}"))


@form_callback
async def switch_to_independent(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    answers["track"] = "independent"
    answers.pop("experience_years", None)
    answers.pop("own_share_percent", None)
    return await advance(update, context, "track", answers, chosen=label(context.lang, "track.independent"))


# -- text answers -----------------------------------------------------------------------------


def text_receiver(field: str) -> Callable[[Update, Ctx], Awaitable[Reg]]:
    async def receive(update: Update, context: Ctx) -> Reg:
        message = update.effective_message
        user = update.effective_user
        assert message is not None and message.text is not None and user is not None
        answers = await load_answers(context, user.id)
        return await accept(update, context, field, message.text, answers)

    receive.__name__ = f"receive_{field}"
    return receive


async def accept(update: Update, context: Ctx, field: str, raw: str, answers: Answers) -> Reg:
    value = parse_answer(context, field, raw, answers)
    if isinstance(value, validators.Invalid):
        note = error_text(context, field, value.code, raw, answers)
        return await ask(update, context, FIELD_STATE[field], answers, note)
    user = update.effective_user
    assert user is not None
    if field == "national_id" and await claim_held_national_id(context, user.id, value):
        note = render(context.lang, "registration/national_id_disputed")
        return await ask(update, context, Reg.NATIONAL_ID, answers, note)
    answers[field] = value
    note = None
    if field == "postal_code" and validators.postal_code_looks_unusual(value):
        note = render(context.lang, "validation/postal_code.unusual")
    if field == "birth_date" and experience_too_long(context, answers):  # asked before the age was known
        answers.pop("experience_years")
        answers["_editing"] = True  # then every question still unanswered, in order, and the review
        note = error_text(context, "experience_years", "support.experience_age", "", answers)
        return await ask(update, context, Reg.EXPERIENCE, answers, note)
    return await advance(update, context, field, answers, note)


async def claim_held_national_id(context: Ctx, user_id: int, national_id: str) -> bool:
    """True when another account's open application holds this national ID: the claim is recorded for the
    officers (their cards now say so), and the claimant is told nothing about that application."""
    disputed = await context.store.claim_national_id(national_id, user_id)
    for application_id in disputed:
        application = await context.store.get_application(application_id)
        if application is not None:
            await refresh_cards(context, application)
    if disputed:
        logger.info("national ID claim by user %s against applications %s", user_id, disputed)
    return bool(disputed)


async def refuse_typed_mobile(update: Update, context: Ctx) -> Reg:
    """Only a shared contact is a verified phone (Telegram checks it); a typed number could be anyone's."""
    user = update.effective_user
    assert user is not None
    answers = await load_answers(context, user.id)
    note = render(context.lang, "registration/mobile_use_button", button=label(context.lang, "form.share_contact"))
    return await ask(update, context, Reg.MOBILE, answers, note)


async def receive_contact(update: Update, context: Ctx) -> Reg:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.contact is not None and user is not None
    answers = await load_answers(context, user.id)
    if message.contact.user_id != user.id:  # only the sender's own number is theirs to register
        return await ask(update, context, Reg.MOBILE, answers, render(context.lang, "registration/contact_not_own"))
    return await accept(update, context, "mobile", message.contact.phone_number, answers)


async def keep_typed_answer(update: Update, context: Ctx) -> Reg:
    """The reply keyboard's «Keep» on the mobile step."""
    user = update.effective_user
    assert user is not None
    answers = await load_answers(context, user.id)
    if answers.get("mobile") is None:
        return await reprompt(update, context)
    return await advance(update, context, "mobile", answers)


@form_callback
async def keep_answer(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    user = update.effective_user
    assert user is not None
    field = STATE_FIELD[await current_state(context, user.id)]
    if answers.get(field) is None:
        return await answer_stale_button(update, context)
    return await advance(update, context, field, answers, chosen=display_value(context.lang, field, answers[field]))


# -- province and education -------------------------------------------------------------------


@form_callback
async def pick_province(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    province = await context.store.get_province(button.value)
    if province is None:
        return await answer_stale_button(update, context)
    answers["province_code"] = province.code
    return await advance(update, context, "province_code", answers, chosen=getattr(province, f"name_{context.lang}"))


async def search_provinces(update: Update, context: Ctx) -> Reg:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    answers = await load_answers(context, user.id)
    provinces = await context.store.list_provinces()
    found = best_matches(message.text, ((p.code, (p.name_fa, p.name_en)) for p in provinces), limit=4)
    if len(found) == 1 or (found and _exact(message.text, provinces, found[0])):
        province = next(p for p in provinces if p.code == found[0])
        answers["province_code"] = province.code
        return await advance(update, context, "province_code", answers,
                             render(lang, "registration/chosen", value=getattr(province, f"name_{lang}")))
    if not found:
        query = normalize(message.text)[:40]
        return await ask(update, context, Reg.PROVINCE, answers,
                         render(lang, "registration/province_not_found", query=query))
    rows = [[button(getattr(p, f"name_{lang}"), FormButton("prv", p.code))] for p in provinces if p.code in found]
    return await send_prompt(update, context, Reg.PROVINCE, answers, render(lang, "registration/province_matches"),
                             with_controls(lang, rows))


def _exact(text: str, provinces: list[Any], code: str | int) -> bool:
    province = next(p for p in provinces if p.code == code)
    return search_key(text) in {search_key(province.name_fa), search_key(province.name_en)}


@form_callback
async def pick_education(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    if button.value not in EDUCATION_LEVELS:
        return await answer_stale_button(update, context)
    answers["education"] = button.value
    return await advance(update, context, "education", answers, chosen=label(context.lang, f"education.{button.value}"))


# -- review and confirm -----------------------------------------------------------------------


@form_callback
async def edit_field(update: Update, context: Ctx, button: FormButton, answers: Answers) -> Reg:
    if button.value not in FIELD_STATE or not applies(button.value, answers):
        return await answer_stale_button(update, context)
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(None)
    answers["_editing"] = True
    state = FIELD_STATE[button.value]
    if button.value == "category_id":
        answers["_sector"] = await _sector_of(context, answers)
        state = Reg.CATEGORY
    return await ask(update, context, state, answers)


@form_callback
async def confirm(update: Update, context: Ctx, button: FormButton, answers: Answers) -> StepResult:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = context.lang
    missing = missing_fields(answers)
    if missing:
        return await ask(update, context, FIELD_STATE[missing[0]], answers)
    born = JalaliDate.to_jalali(date.fromisoformat(answers["birth_date"]))
    if completed_years(born, context.store.today()) < minimum_age(context, answers):
        # The birth date prompt offers the way out (the independent track, or cancel), not only the same date.
        answers["_editing"] = True
        note = render(lang, "validation/birth_date.too_young", min_age=minimum_age(context, answers))
        if answers["track"] == "support":
            way_out = label(lang, "form.switch_to_independent")
            note += "\n" + render(lang, "registration/too_young_for_support", button=way_out,
                                   min_age=context.config.rules.min_age_independent)
        return await ask(update, context, Reg.BIRTH_DATE, answers, note)
    # The review keeps its buttons: the permit below it says it was confirmed, a second press is refused as
    # stale, and taking them away would cost a message of Telegram's budget at the busiest moment.
    rules = context.config.rules
    try:
        application = await context.store.issue_permit(
            permit_request(user.id, answers), rules.permit_number_format, rules.permit_validity_years,
            max_open=rules.max_open_applications,
        )
    except TooManyOpenApplications as error:  # another one opened since /apply: the answers wait at the review
        return await ask(update, context, Reg.REVIEW, answers, render(lang, "registration/too_many_open",
                                                                      limit=error.limit))
    except CategoryNotOffered:  # hidden by an admin since it was picked: pick another
        answers["_editing"] = True
        answers.pop("category_id", None)
        return await ask(update, context, Reg.SECTOR, answers, render(lang, "registration/category_not_offered"))
    except HeldByAnotherAccount:  # taken by another account since the national ID step
        await claim_held_national_id(context, user.id, answers["national_id"])
        answers["_editing"] = True
        answers.pop("national_id", None)
        return await ask(update, context, Reg.NATIONAL_ID, answers, render(lang, "registration/national_id_disputed"))
    except AlreadyRegistered as error:  # the same account's own application: it may see its own permit
        await delete_draft(context, user.id)
        await context.bot.send_message(user.id, render(lang, "permit/already_registered", a=error.existing),
                                       reply_markup=main_menu(lang))
        return ConversationHandler.END
    forget_draft(context)  # the store deleted it with the permit, in one transaction
    logger.info("permit issued application=%s province=%s", application.id, application.province_code)
    context.kick_courier()  # the province's officers hear of it now
    await context.bot.send_message(
        user.id,
        render(lang, "permit/issued", a=application, track=label(lang, f"track.{application.track}")),
        reply_markup=main_menu(lang),
    )
    # The card takes tens of milliseconds to draw: in the background, so other people's updates don't wait.
    context.application.create_task(send_permit_card(context, user.id, application, offer_assessment=True),
                                    update=update, name=f"{BACKGROUND}permit_card")
    return ConversationHandler.END


def permit_request(user_id: int, answers: Answers) -> PermitRequest:
    support = answers["track"] == "support"
    return PermitRequest(
        user_id=user_id, category_id=int(answers["category_id"]), track=answers["track"],
        full_name=answers["full_name"], national_id=answers["national_id"],
        birth_date=date.fromisoformat(answers["birth_date"]), mobile=answers["mobile"],
        province_code=answers["province_code"], city=answers["city"], address=answers["address"],
        postal_code=answers["postal_code"], education=answers["education"], workers=int(answers["workers"]),
        experience_years=answers.get("experience_years") if support else None,
        own_share_percent=answers.get("own_share_percent") if support else None,
    )


# -- wiring -----------------------------------------------------------------------------------


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    menu_labels = all_labels("main.apply") | all_labels("main.status") | all_labels("main.permit") | \
        all_labels("menu.help") | all_labels("menu.switch_language")
    reply_controls = all_labels("form.back") | all_labels("form.cancel")
    keep_prefixes = [label(lang, "form.keep", value="") for lang in ("fa", "en")]
    keep_filter = filters.Regex("^(" + "|".join(map(re.escape, keep_prefixes)) + ")")
    answer = private & filters.TEXT & ~filters.COMMAND & ~filters.Text(menu_labels | reply_controls) & ~keep_filter

    def on(action: str, callback: Callable[[Update, Ctx], Awaitable[Any]]) -> CallbackQueryHandler[Ctx, Any]:
        return CallbackQueryHandler(callback, pattern=FormButton.pattern(action))

    text_states: dict[object, list[BaseHandler[Update, Ctx, Any]]] = {
        FIELD_STATE[field]: [MessageHandler(answer, text_receiver(field)), on("keep", keep_answer)]
        for field in ("experience_years", "own_share_percent", "full_name", "national_id", "birth_date",
                      "mobile", "city", "address", "postal_code", "workers")
    }
    for state in (Reg.EXPERIENCE, Reg.OWN_SHARE, Reg.BIRTH_DATE):  # the support plan's rules, or too young for it
        text_states[state].append(on("indep", switch_to_independent))
    text_states[Reg.MOBILE] = [MessageHandler(private & filters.CONTACT, receive_contact),
                                MessageHandler(private & keep_filter, keep_typed_answer),
                                MessageHandler(answer, refuse_typed_mobile)]
    category_browsing = [on("sec", pick_sector), on("cpg", show_category_page), on("sectors", show_sectors),
                         on("cat", pick_category), MessageHandler(answer, search_categories)]
    states: dict[object, list[BaseHandler[Update, Ctx, Any]]] = {
        Reg.SECTOR: category_browsing,
        Reg.CATEGORY: category_browsing,
        Reg.TRACK: [on("trk", pick_track), MessageHandler(answer, ask_to_use_buttons)],
        Reg.PROVINCE: [on("prv", pick_province), MessageHandler(answer, search_provinces)],
        Reg.EDUCATION: [on("edu", pick_education), MessageHandler(answer, ask_to_use_buttons)],
        Reg.REVIEW: [on("ok", confirm), on("edit", edit_field), MessageHandler(answer, ask_to_use_buttons)],
        **text_states,
    }
    entry = [CommandHandler("apply", start_application, filters=private),
             MessageHandler(private & filters.Text(all_labels("main.apply")), start_application)]
    fallbacks: list[BaseHandler[Update, Ctx, Any]] = [
        CommandHandler("cancel", cancel, filters=private),
        # Not a permit's or a certificate's QR code (v-, t-) or a buyer's showcase report (sr-): those open their
        # own pages.
        CommandHandler("start", restart_to_menu, filters=private & ~filters.Regex(r"^/start (v|t|sr)-")),
        MessageHandler(private & filters.Text(all_labels("form.cancel")), cancel),
        MessageHandler(private & filters.Text(all_labels("form.back")), go_back),
        # The menu's status and permit buttons, and their commands, answer beside the form and never become answers.
        MessageHandler(private & filters.Text(all_labels("main.status")), beside_the_form(show_status)),
        CommandHandler("status", beside_the_form(show_status), filters=private),
        MessageHandler(private & filters.Text(all_labels("main.permit")), beside_the_form(show_permits)),
        CommandHandler("permit", beside_the_form(show_permits), filters=private),
        on("resume", resume_form),
        on("restart", restart_form),
        on("cancel", form_callback(cancel_by_button)),
        on("back", form_callback(back_by_button)),
        on("noop", form_callback(ignore_press)),
        # Any other press is a stale form button, except an officer's card and lists, advice, the self-assessment
        # and showcase posts' buttons: those are theirs.
        CallbackQueryHandler(answer_stale_button, pattern=r"^(?!v1:(act|bank|app|list|adv|asmt|sha|shr):)"),
        MessageHandler(private & ~filters.COMMAND & ~filters.Text(menu_labels) & ~filters.UpdateType.EDITED,
                       reprompt),
    ]
    return [ConversationHandler(
        entry_points=entry, states=states, fallbacks=fallbacks, name="registration", persistent=True,
        allow_reentry=True,
    )]

