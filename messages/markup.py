"""What Telegram accepts: message and caption lengths, and the HTML subset it parses.

Telegram counts a message's length after parsing its entities, in UTF-16 code units, and refuses a message
whose tags do not balance. Lists are cut into pages here, whole items at a time, so no page is too long and
none ends inside a tag.
"""

import re
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from typing import TypeVar

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# Pages are packed below the limit: the header's "page 2 of 3" and a footer may still grow a little.
PAGE_BUDGET = 3900
TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
                           "tg-spoiler", "span", "blockquote", "tg-emoji"})

T = TypeVar("T")
# Telegram wants every '&' to start an entity: &amp; &lt; &gt; &quot; or a numeric one.
_BARE_AMPERSAND = re.compile(r"&(?!(amp|lt|gt|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.visible: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problem = self.problem or f"unsupported start tag \"{tag}\""
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f"can't find end tag corresponding to start tag \"{tag}\""
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def _read(text: str) -> _Reader:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    if reader.open and reader.problem is None:
        reader.problem = f"can't find end tag for \"{reader.open[-1]}\""
    return reader


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode (unknown or unbalanced tags), or None."""
    if _stray_angle(text):
        return "unsupported start tag"
    if _BARE_AMPERSAND.search(text):
        return "can't parse entities: a bare \"&\""
    return _read(text).problem


def _stray_angle(text: str) -> bool:
    """A '<' that does not open a tag (Telegram refuses it; html.parser would read it as text)."""
    index = text.find("<")
    while index != -1:
        following = text[index + 1:index + 2]
        if not (following.isascii() and (following.isalpha() or following == "/")):
            return True
        index = text.find("<", index + 1)
    return False


def visible_text(text: str, html: bool = True) -> str:
    return "".join(_read(text).visible) if html else text


def visible_length(text: str, html: bool = True) -> int:
    """Telegram's measure: UTF-16 code units of the text as the reader sees it."""
    return len(visible_text(text, html).encode("utf-16-le")) // 2


def pack_pages(items: Sequence[T], render_page: Callable[[Sequence[T]], str],
               budget: int = PAGE_BUDGET, most: int | None = None) -> list[tuple[int, int]]:
    """Split `items` into consecutive (start, end) slices, each rendering within `budget` and holding at most
    `most` items (a page with a button per item); whole items only.

    An item too long on its own still gets a page of its own (the caller bounds its fields)."""
    pages: list[tuple[int, int]] = []
    start = 0
    while start < len(items):
        end = start + 1
        while end < len(items) and (most is None or end - start < most) \
                and visible_length(render_page(items[start:end + 1])) <= budget:
            end += 1
        pages.append((start, end))
        start = end
    return pages or [(0, 0)]
