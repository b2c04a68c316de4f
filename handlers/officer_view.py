"""What officers see: the application card, its action buttons, details and history."""

from datetime import datetime
from typing import TYPE_CHECKING

from persiantools.jdatetime import JalaliDate
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.lifecycle import OFFICER_STEPS, REFUSALS, Action, legal_actions
from domain.overdue import overdue_days
from handlers.callbacks import ActOn, PickBank, PickReason, RosterPage
from messages import label, render
from messages.formatting import localize_digits
from storage.records import Application, AuditEntry, LastAction, RefusalReason

if TYPE_CHECKING:  # settings are built by bot/; handlers only read them
    from bot.config import Config

# The actions an officer takes from a card, in button order; the state machine decides which are legal.
# The card's buttons: the officer's steps, and voiding a disputed application (never 'awaited').
CARD_ACTIONS: tuple[Action, ...] = (*OFFICER_STEPS, Action.VOID)
# Actions that need one more answer from the officer before they happen.
NEEDS_REASON = REFUSALS
# No loan of the programme is smaller: below this an officer has surely dropped digits.
LOAN_FLOOR_TOMAN = 1_000_000


def bank_name(config: "Config", code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    bank = next((bank for bank in config.banks if bank.code == code), None)
    return getattr(bank, f"name_{lang}") if bank else code


def officer_card(lang: str, application: Application, config: "Config", last: LastAction | None = None, *,
                 now: datetime, new: bool = False, own: bool = False) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card and its buttons for one officer; an officer never acts on their own application (`own`).
    `now` (the store's clock) decides whether it is overdue (⏰)."""
    text = card_text(lang, application, config, last, new=new, own=own, now=now)
    return text, None if own else card_keyboard(lang, application)


def late_days(application: Application, config: "Config", now: datetime) -> int | None:
    """Days waiting, when the application is past the target of the step it waits for."""
    return overdue_days(application.stage, application.stage_since, now, config.targets.by_stage())


def card_text(lang: str, application: Application, config: "Config", last: LastAction | None = None,
              new: bool = False, own: bool = False, now: datetime | None = None) -> str:
    shown = last if last is not None and last.action != "issue" else None  # issuing is the card's own news
    return render(
        lang, "officer/card", a=application, new=new, track=label(lang, f"track.{application.track}"),
        late=late_days(application, config, now) if now is not None else None,
        stage=label(lang, f"stage.{application.stage.value}"), bank=bank_name(config, application.bank, lang),
        actor=(shown.actor_name or shown.actor_id) if shown else None,  # none for the bot's own steps (import, expiry)
        done=label(lang, f"done.{shown.action}") if shown else None, own=own,
    )


def card_keyboard(lang: str, application: Application) -> InlineKeyboardMarkup | None:
    legal = [action for action in CARD_ACTIONS if action in legal_actions(application.stage, application.disputed)]
    rows = [[InlineKeyboardButton(label(lang, f"act.{action.value}"),
                                  callback_data=ActOn(application.id, action.value).pack()) for action in legal]]
    if application.roster_approved is not None:  # a support plan with covered workers: its roster, below the card
        rows.append([InlineKeyboardButton(label(lang, "roster.open", awaiting=application.roster_awaiting),
                                          callback_data=RosterPage("o", application.id, 0).pack())])
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def cancel_keyboard(lang: str, application_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "act.cancel"),
                                                       callback_data=ActOn(application_id, "cancel").pack())]])


def amount_keyboard(lang: str, application_id: int) -> InlineKeyboardMarkup:
    """Under a loan amount read back: record it, or type it again."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, "act.amount_ok"), callback_data=ActOn(application_id, "amount_ok").pack()),
        InlineKeyboardButton(label(lang, "act.amount_edit"), callback_data=ActOn(application_id, "amount_edit").pack()),
    ], [InlineKeyboardButton(label(lang, "act.cancel"), callback_data=ActOn(application_id, "cancel").pack())]])


def reason_keyboard(lang: str, application_id: int, reasons: list[RefusalReason]) -> InlineKeyboardMarkup:
    """The preset reasons of a refusal, one a row, and ✖ (typing another reason needs no button)."""
    rows = [[InlineKeyboardButton(reason.text(lang), callback_data=PickReason(application_id, reason.id).pack())]
            for reason in reasons]
    rows.append([InlineKeyboardButton(label(lang, "act.cancel"), callback_data=ActOn(application_id, "cancel").pack())])
    return InlineKeyboardMarkup(rows)


def bank_keyboard(lang: str, application_id: int, config: "Config") -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(getattr(bank, f"name_{lang}"),
                                  callback_data=PickBank(application_id, bank.code).pack())] for bank in config.banks]
    rows.append([InlineKeyboardButton(label(lang, "act.cancel"), callback_data=ActOn(application_id, "cancel").pack())])
    return InlineKeyboardMarkup(rows)


def details_text(lang: str, application: Application, audit: list[AuditEntry], config: "Config") -> str:
    born = JalaliDate.to_jalali(application.birth_date)
    entries = []
    for entry in audit:
        note = entry.detail.get("reason") or bank_name(config, entry.detail.get("bank"), lang)
        if entry.detail.get("loan_amount_rials"):
            note = localize_digits(f"{entry.detail['loan_amount_rials'] // 10:,}", lang)
        actor = None if entry.action == "issue" else entry.actor_name or entry.actor_id  # issued by the applicant
        entries.append({"at": entry.at, "label": label(lang, f"done.{entry.action}"), "actor": actor, "note": note})
    return render(lang, "officer/details", a=application, audit=entries,
                  birth=localize_digits(f"{born.year}/{born.month:02d}/{born.day:02d}", lang),
                  education=label(lang, f"education.{application.education}"))


def loan_ceiling_toman(config: "Config", application: Application) -> int:
    rules = config.rules
    return rules.loan_ceiling_support_toman if application.track == "support" else rules.loan_ceiling_independent_toman

