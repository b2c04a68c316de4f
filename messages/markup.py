"""What Telegram accepts: message and caption lengths, and the HTML subset it parses; and what a Markdown-reading
client (Bale) makes of a text.

Telegram counts a message's length after parsing its entities, in UTF-16 code units, and refuses a message
whose tags do not balance. Lists are cut into pages here, whole items at a time, so no page is too long and
none ends inside a tag.
"""

import html
import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from html.parser import HTMLParser
from typing import TypeVar

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# Pages are packed below the limit: the header's "page 2 of 3" and a footer may still grow a little.
PAGE_BUDGET = 3900
TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
                           "tg-spoiler", "span", "blockquote", "tg-emoji"})

T = TypeVar("T")


class TextFormat(StrEnum):
    """How the client reads a message's text (the setting PARSE_MODE)."""

    HTML = "html"  # parse_mode=HTML: the templates' <b> and <code>, person-typed text HTML-escaped
    MARKDOWN = "markdown"  # Bale: parse_mode is ignored and every text is read as Markdown (*bold*, `code`)
    PLAIN = "none"  # shown as sent: tags dropped, nothing escaped


# A span of the bot's own emphasis with nothing else inside (the templates use <b> and <code>).
_SPAN = re.compile(r"<(b|i|code)>([^<]*)</\1>")
_ANY_TAG = re.compile(r"</?[a-z-]+( [^>]*)?>")
_MARKERS = {"b": "*", "i": "_", "code": "`"}
# What a Markdown-reading client treats as markup; a backslash before one shows it as it is.
MARKDOWN_SPECIALS = "\\*_`["
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


def as_markdown(text: str) -> str:
    """A rendered HTML message as a Markdown-reading client (Bale) must get it: every character shown as it is,
    person-typed `*_[` included, and the bot's own bold and code kept where they hold no markup character.
    No escape is ever put inside a span: clients differ on whether they honour one there."""
    parts, done = [], 0
    for span in _SPAN.finditer(text):
        parts.append(_markdown_literal(text[done:span.start()]))
        content = html.unescape(span[2])
        simple = bool(content) and content == content.strip() and "\n" not in content
        if simple and not any(special in content for special in MARKDOWN_SPECIALS):
            parts.append(f"{_MARKERS[span[1]]}{content}{_MARKERS[span[1]]}")
        else:
            parts.append(escape_markdown(content))
        done = span.end()
    parts.append(_markdown_literal(text[done:]))
    return "".join(parts)


def plain_text(text: str) -> str:
    """What a message rendered for HTML shows, as plain text: tags dropped, entities read."""
    return html.unescape(_ANY_TAG.sub("", text))


def for_reader(text: str, text_format: TextFormat) -> str:
    """A rendered HTML text as a client reading `text_format` must get it (sent without parse_mode unless HTML)."""
    if text_format is TextFormat.MARKDOWN:
        return as_markdown(text)
    return plain_text(text) if text_format is TextFormat.PLAIN else text


def _markdown_literal(fragment: str) -> str:
    return escape_markdown(html.unescape(_ANY_TAG.sub("", fragment)))


def escape_markdown(text: str) -> str:
    """Text a Markdown-reading client shows as it is (outside any span)."""
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIALS else char for char in text)


def markdown_view(text: str) -> list[tuple[str | None, str]]:
    """What a Markdown-reading client shows for `text`, as pieces (kind, visible text) in order: kind None for
    plain text, else "b" (*bold*), "i" (_italic_), "code" (`code`) or "a" ([a link](url)). A backslash shows
    the markup character after it; a marker with no partner is shown as it is."""
    pieces: list[tuple[str | None, str]] = []
    plain: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text) and text[at + 1] in MARKDOWN_SPECIALS:
            plain.append(text[at + 1])
            at += 2
            continue
        span: tuple[str, str, int] | None = None
        if char in "*_`" and (end := text.find(char, at + 2)) != -1:
            span = ({"*": "b", "_": "i", "`": "code"}[char], text[at + 1:end], end + 1)
        elif char == "[" and (link := re.match(r"\[([^\]\n]*)\]\(([^)\s]*)\)", text[at:])):
            span = ("a", link[1], at + link.end())
        if span is None:
            plain.append(char)
            at += 1
            continue
        if plain:
            pieces.append((None, "".join(plain)))
            plain = []
        pieces.append(span[:2])
        at = span[2]
    if plain:
        pieces.append((None, "".join(plain)))
    return pieces


def markdown_as_html(text: str) -> str:
    """What a Markdown-reading client shows, written in Telegram's HTML: one notation for both platforms."""
    return "".join(f"<{kind}>{html.escape(shown, quote=False)}</{kind}>" if kind else html.escape(shown, quote=False)
                   for kind, shown in markdown_view(text))
