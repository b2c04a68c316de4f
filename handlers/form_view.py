"""What each step of the application form looks like: its text and keyboard. No state changes here."""

import math
from datetime import date
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from domain.form import EDUCATION_LEVELS, TRACKS, applies
from domain.normalize import persian_sort_key
from handlers.callbacks import FormButton
from handlers.context import Ctx
from handlers.keyboards import form_keyboard
from handlers.pages import pager_row
from handlers.states import FIELD_STATE, STATE_FIELD, Reg
from messages import label, render
from messages.formatting import format_postal_code, localize_digits
from storage.records import Category

PAGE_SIZE = 8
Answers = dict[str, Any]


async def prompt(context: Ctx, state: Reg, answers: Answers) -> tuple[str, Any]:
    """The text and keyboard of a step."""
    lang = context.lang
    rules = context.config.rules
    if state == Reg.SECTOR:
        sectors = await context.store.list_sectors()
        rows = [[button(getattr(s, f"name_{lang}"), FormButton("sec", str(s.id)))] for s in sectors]
        return render(lang, "registration/ask_sector"), with_controls(lang, rows, back=False)
    if state == Reg.CATEGORY:
        return await _category_page(context, answers)
    if state == Reg.TRACK:
        rows = [[button(chosen(lang, label(lang, f"track.{t}"), answers.get("track") == t), FormButton("trk", t))]
                for t in TRACKS]
        text = render(lang, "registration/ask_track", min_age=rules.min_age_supporter,
                      min_experience=rules.supporter_min_experience_years,
                      min_share=rules.supporter_min_own_share_percent)
        return text, with_controls(lang, rows)
    if state == Reg.PROVINCE:
        return await province_keyboard(context, answers)
    if state == Reg.EDUCATION:
        rows = [[button(chosen(lang, label(lang, f"education.{e}"), answers.get("education") == e),
                         FormButton("edu", e))] for e in EDUCATION_LEVELS]
        return render(lang, "registration/ask_education"), with_controls(lang, rows)
    if state == Reg.REVIEW:
        return await review_card(context, answers), _review_keyboard(lang, answers)
    return _text_prompt(context, state, answers)


def _text_prompt(context: Ctx, state: Reg, answers: Answers) -> tuple[str, Any]:
    lang = context.lang
    field = STATE_FIELD[state]
    text = render(lang, f"registration/ask_{field}", maximum=context.config.rules.max_workers)
    current = answers.get(field)
    if current is not None:
        text += "\n\n" + render(lang, "registration/current_value", value=display_value(lang, field, current))
    if state == Reg.MOBILE:  # the contact button exists only on a reply keyboard
        rows = [[KeyboardButton(label(lang, "form.share_contact"), request_contact=True)]]
        if current is not None:
            rows.append([KeyboardButton(label(lang, "form.keep", value=display_value(lang, field, current)))])
        rows.append([KeyboardButton(label(lang, "form.back")), KeyboardButton(label(lang, "form.cancel"))])
        return text, ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    rows = []
    if current is not None:
        rows.append([button(label(lang, "form.keep", value=display_value(lang, field, current))[:60],
                             FormButton("keep"))])
    # The support plan's own rules (experience, share, its higher minimum age) may not be met: a way out.
    if state in (Reg.EXPERIENCE, Reg.OWN_SHARE) or (state == Reg.BIRTH_DATE and answers.get("track") == "support"):
        rows.append([button(label(lang, "form.switch_to_independent"), FormButton("indep"))])
    return text, InlineKeyboardMarkup(rows) if rows else form_keyboard(lang)


async def _category_page(context: Ctx, answers: Answers) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    sector_id = int(answers["_sector"])
    sectors = {s.id: s for s in await context.store.list_sectors()}
    categories = await context.store.list_categories(sector_id)
    if not categories:  # a hidden sector (a stale or forged button, a draft resumed after hiding): the sectors
        return await prompt(context, Reg.SECTOR, answers)
    pages = max(1, math.ceil(len(categories) / PAGE_SIZE))
    page = min(max(1, int(answers.get("_page", 1))), pages)
    answers["_page"] = page
    shown = categories[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rows = [[category_button(lang, c, answers)] for c in shown]
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda number: FormButton("cpg", f"{sector_id}.{number}").pack(),
                              middle=FormButton("noop").pack()))
    rows.append([button(label(lang, "form.sectors"), FormButton("sectors"))])
    sector = sectors.get(sector_id)
    text = render(lang, "registration/ask_category", sector=getattr(sector, f"name_{lang}", ""), page=page,
                  pages=pages, starred=any(c.needs_extra_approval for c in categories))
    return text, with_controls(lang, rows, back=False)


async def province_keyboard(context: Ctx, answers: Answers) -> tuple[str, ReplyKeyboardMarkup]:
    """Every province on the keyboard below the chat (a tap sends its name, like typing it), so the answer
    needs no buttons taken away afterwards and the contact button before it is replaced in the same message."""
    lang = context.lang
    names = sorted((getattr(p, f"name_{lang}") for p in await context.store.list_provinces()), key=persian_sort_key)
    rows = [[KeyboardButton(name) for name in names[i:i + 3]] for i in range(0, len(names), 3)]
    rows.append([KeyboardButton(label(lang, "form.back")), KeyboardButton(label(lang, "form.cancel"))])
    text = render(lang, "registration/ask_province")
    code = answers.get("province_code")
    province = await context.store.get_province(str(code)) if code else None
    if province is not None:
        text += "\n\n" + render(lang, "registration/current_value", value=getattr(province, f"name_{lang}"))
    return text, ReplyKeyboardMarkup(rows, resize_keyboard=True)


def _review_keyboard(lang: str, answers: Answers) -> InlineKeyboardMarkup:
    edits = [button(label(lang, f"edit.{field}"), FormButton("edit", field))
             for field in FIELD_STATE if applies(field, answers)]
    rows = [[button(label(lang, "form.confirm"), FormButton("ok"))]]
    rows += [edits[i:i + 3] for i in range(0, len(edits), 3)]
    return with_controls(lang, rows, back=False)


async def review_card(context: Ctx, answers: Answers) -> str:
    lang = context.lang
    category = await context.store.get_category(int(answers["category_id"]))
    province = await context.store.get_province(str(answers["province_code"]))
    sector_name = ""
    if category is not None:
        sectors = {s.id: s for s in await context.store.list_sectors(include_inactive=True)}
        sector_name = getattr(sectors[category.sector_id], f"name_{lang}")
    return render(
        lang, "registration/review",
        category=getattr(category, f"name_{lang}", "?"), starred=bool(category and category.needs_extra_approval),
        sector=sector_name, track=label(lang, f"track.{answers['track']}"),
        experience_years=answers.get("experience_years") if answers.get("track") == "support" else None,
        own_share_percent=answers.get("own_share_percent"),
        full_name=answers["full_name"], national_id=answers["national_id"],
        birth_date=display_value(lang, "birth_date", answers["birth_date"]), mobile=answers["mobile"],
        province=getattr(province, f"name_{lang}", "?"), city=answers["city"], address=answers["address"],
        postal_code=answers["postal_code"], education=label(lang, f"education.{answers['education']}"),
        workers=answers["workers"],
    )


def display_value(lang: str, field: str, value: Any) -> str:
    if field == "birth_date":
        day = JalaliDate.to_jalali(date.fromisoformat(value))
        text = f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
    elif field == "postal_code":
        return format_postal_code(value, lang)
    else:
        text = str(value)
    return localize_digits(text, lang)


# -- keyboards --------------------------------------------------------------------------------------


def button(text: str, data: FormButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())


def chosen(lang: str, text: str, chosen: bool) -> str:
    return label(lang, "form.chosen", value=text) if chosen else text


def category_button(lang: str, category: Category, answers: Answers) -> InlineKeyboardButton:
    name = getattr(category, f"name_{lang}")
    if category.needs_extra_approval:
        name = label(lang, "form.starred", name=name)
    return button(chosen(lang, name, answers.get("category_id") == category.id), FormButton("cat", str(category.id)))


def with_controls(lang: str, rows: list[list[InlineKeyboardButton]], back: bool = True) -> InlineKeyboardMarkup:
    """A button question's keyboard: its choices, then back and cancel in the message itself (the same controls
    as the form keyboard below, where the thumb is when choosing)."""
    controls = [button(label(lang, "form.cancel"), FormButton("cancel"))]
    if back:
        controls.insert(0, button(label(lang, "form.back"), FormButton("back")))
    return InlineKeyboardMarkup([*rows, controls])
