"""Fuzzy matching of what people type against names (categories, provinces).

Both sides are reduced to `search_key` first (Persian digits and letters, no ZWNJ or spaces, case-folded),
so «گليم بافي», «گلیم‌بافی» and «گلیمبافی» are the same key; rapidfuzz then forgives typos.
"""

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from domain.normalize import search_key

MIN_SCORE = 70


def best_matches(query: str, candidates: Iterable[tuple[int | str, Iterable[str]]], limit: int = 6,
                 min_score: float = MIN_SCORE) -> list[int | str]:
    """The ids of the best-matching candidates, best first; each candidate has several names (fa, en)."""
    key = search_key(query)
    if len(key) < 2:
        return []
    choices: dict[tuple[int | str, int], str] = {}
    for candidate_id, names in candidates:
        for index, name in enumerate(names):
            choices[(candidate_id, index)] = search_key(name)
    best: dict[int | str, float] = {}
    for _, score, (candidate_id, _) in process.extract(key, choices, scorer=_score, limit=None,
                                                       score_cutoff=min_score):
        best[candidate_id] = max(score, best.get(candidate_id, 0.0))
    ranked = sorted(best, key=lambda candidate_id: -best[candidate_id])
    return ranked[:limit]


def _score(query: str, name: str, **kwargs: object) -> float:
    """Whole-name similarity, or a prefix/part match for short queries ('kilim' in 'kilimweaving')."""
    if query in name:
        return 100.0 - min(len(name) - len(query), 20) / 2
    return max(fuzz.ratio(query, name), fuzz.partial_ratio(query, name) if len(query) >= 4 else 0.0)
