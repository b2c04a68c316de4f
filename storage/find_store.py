"""/find: applications by national ID, mobile, permit number or part of a name, within a province or nationwide.

Every look-up is a B-tree range or equality (portable to PostgreSQL); the name words a query may mean are
found first among the distinct indexed words (prefixes, or for a misspelt word the words sharing its letter
triples, ranked by rapidfuzz), then the applications holding a spelling of every word.
"""

from collections.abc import Sequence
from typing import TypeVar

from rapidfuzz import fuzz

from domain.name_index import name_words, prefix_end, triples
from storage.application_store import _APPLICATION_SELECT, ApplicationStore, _application
from storage.records import Application

SPELLINGS = 24  # indexed words one typed word may stand for
CLOSE_ENOUGH = 70  # rapidfuzz ratio for a misspelt word to stand for an indexed one
TRIPLE_CANDIDATES = 60  # indexed words sharing the most triples, ranked by rapidfuzz
IN_LIST_SIZES = (1, 2, 4, 8, 16, 32)
T = TypeVar("T")  # `IN (…)` lists are padded to these lengths (`_padded`)
# Indexed words that begin with a typed one (parameters: its first triple, the word, prefix_end(word)).
_BEGUN = "SELECT b.word FROM name_triples b WHERE b.triple = ? AND b.word >= ? AND b.word < ?"


class FindStore(ApplicationStore):
    async def find_by_national_id(self, national_id: str, province_code: str | None,
                                  limit: int) -> list[Application]:
        return await self._find_where("a.national_id = ?", national_id, province_code, limit)

    async def find_by_mobile(self, mobile: str, province_code: str | None, limit: int) -> list[Application]:
        return await self._find_where("a.mobile = ?", mobile, province_code, limit)

    async def find_by_permit(self, number: str, province_code: str | None) -> list[Application]:
        return await self._find_where("a.permit_number = ?", number, province_code, 1)

    async def _find_where(self, condition: str, value: str, province_code: str | None,
                          limit: int) -> list[Application]:
        scope = "" if province_code is None else " AND a.province_code = ?"
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + f" WHERE {condition}{scope} ORDER BY a.id DESC LIMIT ?",
            (value, *(() if province_code is None else (province_code,)), limit))
        return [_application(row) for row in rows]

    async def find_by_name(self, text: str, province_code: str | None, limit: int) -> list[Application]:
        """Up to `limit` applications whose name has a spelling of every word typed (a word no name resembles
        is left out), best match first."""
        spellings = [found for found in await self._spellings(name_words(text)) if found]
        if not spellings:
            return []
        spellings.sort(key=len)  # the word with the fewest spellings drives the look-up
        driver, *others = [_padded(words) for words in spellings]
        scope = "t.province_code = ? AND " if province_code is not None else ""
        also = "".join(f" AND EXISTS (SELECT 1 FROM name_tokens u{i} WHERE u{i}.application_id = t.application_id"
                       f"{self._same_province(f'u{i}', words)} AND u{i}.token IN ({_marks(words)}))"
                       for i, words in enumerate(others))
        parameters: list[object] = [*(() if province_code is None else (province_code,)), *driver]
        for words in others:
            parameters.extend(words)
        # The ids first, then their rows: a statement with the words' IN lists is planned for its values at each
        # call, and planning the applications' select (its joins and subqueries) costs more than running it; by
        # ids alone it is prepared once and its plan kept.
        matched = [row["application_id"] for row in await self.db.execute_fetchall(
            f"SELECT t.application_id FROM name_tokens t WHERE {scope}t.token IN ({_marks(driver)}){also} LIMIT ?",
            (*parameters, limit))]
        if not matched:
            return []
        ids = _padded(matched)
        rows = await self.db.execute_fetchall(_APPLICATION_SELECT + f" WHERE a.id IN ({_marks(ids)})", ids)
        typed = " ".join(name_words(text))
        found = [_application(row) for row in rows]
        found.sort(key=lambda a: (-fuzz.token_set_ratio(typed, " ".join(name_words(a.full_name))), -a.id))
        return found[:limit]

    def _same_province(self, alias: str, spellings: list[str]) -> str:
        """For PostgreSQL, that a further word of one spelling is in the driving row's province (an application's
        words all carry its province). Its rows are then read in application order within the province (a
        merge), where PostgreSQL otherwise merged with that word's rows in every province: 12,426 index entries
        for Ilam at 200,000 applications, against 80. A word of several spellings has no such order: it is
        probed by (application, word), which the province would only make PostgreSQL misjudge (it hashed every
        row of the province's spellings, 4,599 entries, for 161 probes). SQLite probes (word, application) in
        the nationwide index either way, a shorter key it walks faster than the primary key."""
        if self.dialect == "postgresql" and len(spellings) == 1:
            return f" AND {alias}.province_code = t.province_code"
        return ""

    async def _spellings(self, words: list[str]) -> list[list[str]]:
        """For each word, the indexed words it may stand for: those it begins (one statement for all the words:
        on PostgreSQL each statement is a round trip), or else the closest few."""
        if not words:
            return []
        rows = await self.db.execute_fetchall(
            " UNION ALL ".join(f"SELECT {n} AS n, word FROM ({_BEGUN} ORDER BY b.word LIMIT ?) AS b{n}"
                               for n in range(len(words))),
            # every indexed word beginning with `word` has its first triple
            [value for word in words for value in (f"#{word[:2]}", word, prefix_end(word), SPELLINGS)])
        found: list[list[str]] = [[] for _ in words]
        for row in rows:
            found[row["n"]].append(row["word"])
        return [begun or await self._closest(word) for word, begun in zip(words, found, strict=True)]

    async def _closest(self, word: str) -> list[str]:
        """The indexed words closest to a misspelt `word`: those sharing most of its triples, ranked by rapidfuzz."""
        grams = _padded(sorted(triples(word)))
        rows = await self.db.execute_fetchall(
            f"SELECT word, count(*) AS shared FROM name_triples WHERE triple IN ({_marks(grams)})"
            " GROUP BY word ORDER BY shared DESC, word LIMIT ?", (*grams, TRIPLE_CANDIDATES))
        scored = sorted(((fuzz.ratio(word, row["word"]), row["word"]) for row in rows), reverse=True)
        return [candidate for score, candidate in scored[:SPELLINGS // 4] if score >= CLOSE_ENOUGH]


def _padded(values: list[T]) -> list[T]:
    """`values` with the last repeated up to the next of a few sizes: `IN (…)` lists of any length then make a
    handful of statement shapes, which PostgreSQL prepares and plans once each (asyncpg's statement cache, then
    the generic plan), where every length would be a statement of its own to parse and plan."""
    size = next((bucket for bucket in IN_LIST_SIZES if bucket >= len(values)), len(values))
    return values + values[-1:] * (size - len(values))


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)
