"""What a support plan's roster looks like: its pages (for the holder and for the officers), and a worker's link."""

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.platforms import Platform
from domain.roster import WorkerStatus, invite_payload
from handlers.callbacks import ApproveAllWorkers, RosterAdd, RosterPage, WorkerDecision, WorkerLink
from handlers.context import Ctx
from handlers.pages import pager_row
from messages import label, render
from messages.markup import pack_pages
from storage.records import Application, CoveredWorker

HOLDER, OFFICER = "h", "o"


def invite_link(context: Ctx, worker: CoveredWorker) -> str:
    """The worker's personal deep link (signed; Telegram passes the part after start= to /start)."""
    return context.start_link(invite_payload(worker.id, worker.invite_code, context.permit_secret))


def link_message(context: Ctx, plan: Application, worker: CoveredWorker) -> tuple[str, InlineKeyboardMarkup | None]:
    """The link to forward to the worker, with a share button that opens Telegram's forward dialogue (Bale has
    no share URL: the message is forwarded as it is)."""
    lang = context.lang
    link = invite_link(context, worker)
    text = render(lang, "roster/link", w=worker, link=link, a=plan, until=worker.invite_expires_at)
    if context.config.platform is not Platform.TELEGRAM:
        return text, None
    share = "https://t.me/share/url?url=" + quote(link, safe="") + "&text=" + quote(
        label(lang, "roster.share_text"), safe="")
    return text, InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "roster.share"), url=share)]])


def status_label(lang: str, worker: CoveredWorker, now: datetime) -> str:
    status = WorkerStatus.EXPIRED if worker.link_expired(now) else worker.status
    return label(lang, f"roster_status.{status.value}")


def holding(workers: Sequence[CoveredWorker], now: datetime) -> int:
    """Places taken on the plan: answered yes or approved, or invited with a link still running."""
    return sum(1 for w in workers if w.status in (WorkerStatus.CONFIRMED, WorkerStatus.APPROVED)
               or (w.status == WorkerStatus.INVITED and not w.link_expired(now)))


def roster_page(context: Ctx, plan: Application, workers: list[CoveredWorker], audience: str,
                page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the roster (whole workers only, below Telegram's limit) and its buttons: for the holder
    ➕ and a 🔗 per worker waiting for their link; for officers ✅/❌ per confirmed worker and ✅ for all."""
    lang = context.lang
    now = context.store.now()
    taken = holding(workers, now)
    awaiting = sum(1 for w in workers if w.status == WorkerStatus.CONFIRMED)

    def text_of(chunk: Sequence[CoveredWorker], shown: int, pages: int, offset: int = 0) -> str:
        items = [{"w": w, "status": status_label(lang, w, now)} for w in chunk]
        return render(lang, "roster/page", a=plan, items=items, offset=offset, taken=taken, officer=audience == OFFICER,
                      awaiting=awaiting, approved=plan.roster_approved or 0, page=shown, pages=pages)

    slices = pack_pages(workers, lambda chunk: text_of(chunk, 1, 1))
    pages = len(slices)
    page = min(max(page, 1), pages)
    start, end = slices[page - 1]
    shown = workers[start:end]
    rows: list[list[InlineKeyboardButton]] = []
    if audience == HOLDER:
        rows += [[InlineKeyboardButton(label(lang, "roster.link_button", name=w.full_name[:40]),
                                       callback_data=WorkerLink(w.id).pack())]
                 for w in shown if w.status in (WorkerStatus.INVITED, WorkerStatus.EXPIRED)]
        if taken < plan.workers:
            rows.append([InlineKeyboardButton(label(lang, "roster.add"), callback_data=RosterAdd(plan.id).pack())])
    else:
        for w in shown:
            if w.status == WorkerStatus.CONFIRMED:
                rows.append([
                    InlineKeyboardButton(label(lang, "roster.approve", name=w.full_name[:30]),
                                         callback_data=WorkerDecision(w.id, "ok").pack()),
                    InlineKeyboardButton(label(lang, "roster.refuse", name=w.full_name[:30]),
                                         callback_data=WorkerDecision(w.id, "no").pack())])
        if awaiting > 1:
            rows.append([InlineKeyboardButton(label(lang, "roster.approve_all", count=awaiting),
                                              callback_data=ApproveAllWorkers(plan.id).pack())])
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda number: RosterPage(audience, plan.id, number).pack()))
    return text_of(shown, page, pages, start), InlineKeyboardMarkup(rows) if rows else None
