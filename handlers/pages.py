"""Long lists as pages under Telegram's limits, turned with ◀ n/m ▶ buttons (as /pending does).

A page holds whole items only, packed by their rendered length, so no message is too long and none is cut
inside a tag. Each list's module renders its own page and handles its own `Page` presses.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.callbacks import Page
from messages import label
from messages.markup import pack_pages

T = TypeVar("T")
RenderPage = Callable[[Sequence[T], int, int], str]  # (the page's items, page, pages) -> the message


def render_page(items: Sequence[T], render: RenderPage[T], page: int) -> tuple[str, int, int]:
    """The text of page `page` (clamped to the pages there are), the page shown and the number of pages."""
    text, _, page, pages = page_of(items, render, page)
    return text, page, pages


def page_of(items: Sequence[T], render: RenderPage[T], page: int,
            most: int | None = None) -> tuple[str, Sequence[T], int, int]:
    """`render_page`, with the items the page shows (for a button each), at most `most` of them."""
    slices = pack_pages(items, lambda chunk: render(chunk, 1, 1), most=most)
    pages = len(slices)
    page = min(max(page, 1), pages)
    start, end = slices[page - 1]
    return render(items[start:end], page, pages), items[start:end], page, pages


def pager_row(lang: str, page: int, pages: int, data_for: Callable[[int], str],
              middle: str | None = None) -> list[InlineKeyboardButton]:
    """◀ n/m ▶ for page `page` of `pages`, wrapping around at both ends (one thumb, no dead ends); `data_for`
    packs a page's callback data, `middle` is the n/m button's (by default: this page again)."""
    previous_page, next_page = pages if page == 1 else page - 1, 1 if page == pages else page + 1
    return [
        InlineKeyboardButton(label(lang, "form.previous_page"), callback_data=data_for(previous_page)),
        InlineKeyboardButton(label(lang, "form.page", page=page, pages=pages), callback_data=middle or data_for(page)),
        InlineKeyboardButton(label(lang, "form.next_page"), callback_data=data_for(next_page)),
    ]


def page_buttons(lang: str, kind: str, wanted: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    """◀ n/m ▶ of a paged list; nothing when everything fits on one page."""
    if pages <= 1:
        return []
    return pager_row(lang, page, pages, lambda number: Page(kind, wanted, number).pack())


def page_keyboard(lang: str, kind: str, wanted: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    buttons = page_buttons(lang, kind, wanted, page, pages)
    return InlineKeyboardMarkup([buttons]) if buttons else None
