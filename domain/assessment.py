"""The readiness self-assessment's rules: which questions a sector is asked, the score and the band.

The questionnaire itself is data (data/assessment.csv, replaceable by an admin); this only computes with it.
The score is the share of the best possible answers, 0 to 100; the band is the highest whose minimum it reaches.
"""

from collections.abc import Mapping
from dataclasses import dataclass

# The three bands, best first: ready to go on; needs training first; needs advice (مشاوره) before anything.
BANDS = ("ready", "training", "advice")


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    text_fa: str
    text_en: str
    weight: int

    def text(self, lang: str) -> str:
        return self.text_fa if lang == "fa" else self.text_en


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    sector: str | None  # a sector code: asked only of that sector's applicants; None: of everyone
    text_fa: str
    text_en: str
    options: tuple[Option, ...]

    def text(self, lang: str) -> str:
        return self.text_fa if lang == "fa" else self.text_en

    @property
    def best(self) -> int:
        return max(option.weight for option in self.options)


@dataclass(frozen=True, slots=True)
class Step:
    """A concrete next step of a band (for one sector, or everyone)."""

    sector: str | None
    text_fa: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_fa if lang == "fa" else self.text_en


@dataclass(frozen=True, slots=True)
class Band:
    """A band's rule and advice (its name is a label: the bands are a closed set)."""

    code: str  # one of BANDS
    minimum: int  # the lowest score (0-100) in this band
    summary_fa: str  # what the band means for the applicant, in a sentence
    summary_en: str
    steps: tuple[Step, ...]

    def summary(self, lang: str) -> str:
        return self.summary_fa if lang == "fa" else self.summary_en

    def steps_for(self, sector: str | None) -> tuple[Step, ...]:
        """The sector's own steps first, then everyone's."""
        return (*(s for s in self.steps if s.sector is not None and s.sector == sector),
                *(s for s in self.steps if s.sector is None))


@dataclass(frozen=True, slots=True)
class Questionnaire:
    questions: tuple[Question, ...]
    bands: tuple[Band, ...]  # in BANDS order

    def questions_for(self, sector: str | None) -> tuple[Question, ...]:
        """What an applicant of this sector is asked, in the file's order."""
        return tuple(q for q in self.questions if q.sector is None or q.sector == sector)

    def score(self, sector: str | None, answers: Mapping[str, str]) -> int:
        """0-100: the chosen options' weights as a share of the best answers' (unknown answers count 0)."""
        questions = self.questions_for(sector)
        best = sum(q.best for q in questions)
        got = sum(next((o.weight for o in q.options if o.key == answers.get(q.key)), 0) for q in questions)
        return round(100 * got / best) if best else 0

    def band_for(self, score: int) -> Band:
        return next(band for band in self.bands if score >= band.minimum)

    def band(self, code: str) -> Band:
        return next(band for band in self.bands if band.code == code)
