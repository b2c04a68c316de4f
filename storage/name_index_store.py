"""The name index /find searches (domain/name_index.py), written in the transaction that writes the names."""

from collections.abc import Iterable

from domain.name_index import name_words, triples
from storage.base import StoreBase

INDEX_PAGE = 20_000  # applications read at a time when indexing many (an import, the first start-up)


class NameIndexStore(StoreBase):
    async def _index_names(self, applications: Iterable[tuple[int, str, str]]) -> None:
        """Index (application id, province, full name) triples; call inside the transaction that wrote them."""
        tokens: list[tuple[str, str, int]] = []
        words: set[str] = set()
        for application_id, province_code, full_name in applications:
            for word in name_words(full_name):
                tokens.append((province_code, word, application_id))
                words.add(word)
        await self.db.executemany(
            "INSERT INTO name_tokens (province_code, token, application_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            tokens)
        await self.db.executemany(
            "INSERT INTO name_triples (triple, word) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(triple, word) for word in words for triple in triples(word)])

    async def _index_names_after(self, last_id: int) -> None:
        """Index every application with an id above `last_id`, a page at a time (never all rows at once)."""
        while True:
            rows = await self.db.execute_fetchall(
                "SELECT id, province_code, full_name FROM applications WHERE id > ? ORDER BY id LIMIT ?",
                (last_id, INDEX_PAGE))
            if not rows:
                return
            await self._index_names((row["id"], row["province_code"], row["full_name"]) for row in rows)
            last_id = int(rows[-1]["id"])

    async def _last_application_id(self) -> int:
        rows = await self.db.execute_fetchall("SELECT coalesce(max(id), 0) AS last FROM applications")
        return int(rows[0]["last"])

    async def connect(self) -> None:
        """Open the store; applications written before the name index existed are indexed once."""
        await super().connect()
        async with self._transaction() as db:
            rows = await db.execute_fetchall("SELECT value FROM settings WHERE key = 'names_indexed'")
            if rows and rows[0]["value"] == "0":
                await self._index_names_after(0)
                await db.execute("UPDATE settings SET value = '1' WHERE key = 'names_indexed'")
