"""Drawn permit cards kept in memory, so asking for a card again costs no drawing.

A card is drawn from its `CardContent` alone, so an entry is reused only while the content is the same: any
change to what the card shows (a renewal, a renamed category, another language) draws it again. One entry per
application, language and format; the least recently used go first once the byte budget is spent.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from messages.permit_card import CardContent, render_card_pdf, render_card_png

CardFormat = Literal["png", "pdf"]
_DRAW: dict[CardFormat, Callable[[CardContent], bytes]] = {"png": render_card_png, "pdf": render_card_pdf}


class CardCache:
    def __init__(self, max_bytes: int = 48 * 1024 * 1024) -> None:  # a few hundred cards (PNG ~150 KB, PDF ~50 KB)
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[int, str, CardFormat], tuple[CardContent, bytes]] = OrderedDict()
        self._size = 0
        self.hits = 0
        self.draws = 0

    @property
    def size(self) -> int:
        """Bytes held now (never more than `max_bytes`)."""
        return self._size

    async def card(self, application_id: int, content: CardContent, kind: CardFormat) -> bytes:
        """The card as PNG or PDF bytes: from memory when this content was drawn before, else drawn in a thread
        (CPU-bound: off the event loop) and remembered."""
        key = (application_id, content.lang, kind)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == content:
            self._entries.move_to_end(key)
            self.hits += 1
            return cached[1]
        drawn = await asyncio.to_thread(_DRAW[kind], content)
        self.draws += 1
        self._put(key, content, drawn)
        return drawn

    def _put(self, key: tuple[int, str, CardFormat], content: CardContent, drawn: bytes) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old[1])
        if len(drawn) > self.max_bytes:  # would evict everything and still not fit
            return
        self._entries[key] = (content, drawn)
        self._size += len(drawn)
        while self._size > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._size -= len(evicted)
