"""The readiness questionnaire's file (`data/assessment.csv`): parsed and checked line by line, as the catalog is.

One row per question, per option (`<question>.<option>`, with its weight), per band (the lowest score in it
and a sentence on what it means) and per next step of a band; a `sector` value makes a question or a step
that sector's own. A file with one bad line is refused whole, naming the line and why; nothing is stored
until the whole file is good.
"""

import re
from collections.abc import Collection
from pathlib import Path

from domain.assessment import BANDS, Band, Option, Question, Questionnaire, Step
from storage.catalog import CatalogError, _require, _rows

COLUMNS = ("kind", "key", "sector", "weight", "text_fa", "text_en")
KINDS = ("question", "option", "band", "step")
MAX_TEXT = 300  # a question or a step; an option is a button label (MAX_OPTION)
MAX_OPTION = 60
MAX_LINES = 400
MAX_OPTIONS = 6  # buttons, one a row, under one question
MAX_WEIGHT = 10
MAX_ASKED = 12  # questions one applicant is asked: "a short questionnaire"
KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")
SECTOR = re.compile(r"[a-z][a-z0-9_]{1,31}")


def parse_questionnaire(text: str, sectors: Collection[str] | None = None) -> Questionnaire:
    """The questionnaire in the file; raises `CatalogError` naming the first bad line. `sectors`: the catalog's
    sector codes, which a sector column must name (None: not checked, e.g. before the catalog is loaded)."""
    if text.count("\n") > MAX_LINES:
        raise CatalogError(MAX_LINES + 1, f"the file has more than {MAX_LINES} lines")
    questions: dict[str, tuple[int, Question]] = {}
    options: dict[str, list[Option]] = {}
    bands: dict[str, tuple[int, Band]] = {}
    steps: dict[str, list[Step]] = {code: [] for code in BANDS}
    for line, values in _rows(text, COLUMNS, MAX_TEXT):
        _require(line, values, "kind", "key", "text_fa", "text_en")
        kind, key, sector = values["kind"], values["key"], values["sector"] or None
        if kind not in KINDS:
            raise CatalogError(line, f"kind must be one of {', '.join(KINDS)}")
        if sector is not None and not SECTOR.fullmatch(sector):
            raise CatalogError(line, f"sector {sector!r} must be a sector code like handicrafts, or empty")
        if sector is not None and sectors is not None and sector not in sectors:
            raise CatalogError(line, f"sector {sector!r} is not in the catalog")
        if kind == "question":
            _no_weight(line, values)
            if not KEY.fullmatch(key):
                raise CatalogError(line, f"question key {key!r} must be lower-case ASCII like skill")
            if key in questions:
                raise CatalogError(line, f"question {key!r} appears twice")
            questions[key] = (line, Question(key, sector, values["text_fa"], values["text_en"], ()))
            options[key] = []
        elif kind == "option":
            question, _, option = key.partition(".")
            if question not in questions or not KEY.fullmatch(option):
                raise CatalogError(line, f"option key {key!r} must be <question>.<option>, after its question")
            if sector is not None:
                raise CatalogError(line, "an option takes its question's sector: leave sector empty")
            if option in {o.key for o in options[question]}:
                raise CatalogError(line, f"option {key!r} appears twice")
            if len(options[question]) == MAX_OPTIONS:
                raise CatalogError(line, f"a question has at most {MAX_OPTIONS} options")
            if max(len(values["text_fa"]), len(values["text_en"])) > MAX_OPTION:
                raise CatalogError(line, f"an option is a button: at most {MAX_OPTION} characters")
            options[question].append(Option(option, values["text_fa"], values["text_en"],
                                            _weight(line, values, MAX_WEIGHT)))
        elif kind == "band":
            if key not in BANDS or sector is not None:
                raise CatalogError(line, f"a band is one of {', '.join(BANDS)}, for every sector")
            if key in bands:
                raise CatalogError(line, f"band {key!r} appears twice")
            bands[key] = (line, Band(key, _weight(line, values, 100), values["text_fa"], values["text_en"], ()))
        else:
            if key not in BANDS:
                raise CatalogError(line, f"a step belongs to a band: {', '.join(BANDS)}")
            _no_weight(line, values)
            steps[key].append(Step(sector, values["text_fa"], values["text_en"]))
    return Questionnaire(_questions(questions, options, text), _bands(bands, steps, text))


def read_questionnaire(folder: Path) -> str:
    """The shipped questionnaire's CSV (data/assessment.csv), as the store keeps it."""
    return (folder / "assessment.csv").read_text(encoding="utf-8")


def _weight(line: int, values: dict[str, str], highest: int) -> int:
    weight = values["weight"]
    if not weight.isascii() or not weight.isdigit() or int(weight) > highest:
        raise CatalogError(line, f"weight must be a whole number from 0 to {highest}")
    return int(weight)


def _no_weight(line: int, values: dict[str, str]) -> None:
    if values["weight"]:
        raise CatalogError(line, "only options and bands have a weight: leave it empty")


def _last_line(text: str) -> int:
    return max(1, len(text.strip().splitlines()))


def _questions(questions: dict[str, tuple[int, Question]], options: dict[str, list[Option]],
               text: str) -> tuple[Question, ...]:
    complete = []
    for key, (line, question) in questions.items():
        choices = tuple(options[key])
        if len(choices) < 2:
            raise CatalogError(line, f"question {key!r} needs at least two options")
        if max(option.weight for option in choices) == 0:
            raise CatalogError(line, f"question {key!r} needs an option with a weight above 0")
        complete.append(Question(question.key, question.sector, question.text_fa, question.text_en, choices))
    if not any(question.sector is None for question in complete):
        raise CatalogError(_last_line(text), "no question for every sector")
    sectors = {question.sector for question in complete} - {None}
    for sector in (None, *sectors):
        asked = [q for q in complete if q.sector is None or q.sector == sector]
        if len(asked) > MAX_ASKED:
            line = questions[asked[MAX_ASKED].key][0]
            raise CatalogError(line, f"at most {MAX_ASKED} questions for one applicant"
                                     + (f" (sector {sector})" if sector else ""))
    return tuple(complete)


def _bands(bands: dict[str, tuple[int, Band]], steps: dict[str, list[Step]], text: str) -> tuple[Band, ...]:
    missing = [code for code in BANDS if code not in bands]
    if missing:
        raise CatalogError(_last_line(text), f"band {missing[0]!r} is missing")
    ordered = [bands[code] for code in BANDS]
    for (line, band), (_, better) in zip(ordered[1:], ordered, strict=False):
        if band.minimum >= better.minimum:
            raise CatalogError(line, f"band {band.code!r} must start below {better.code!r} ({better.minimum})")
    line, lowest = ordered[-1]
    if lowest.minimum != 0:
        raise CatalogError(line, f"band {lowest.code!r} must start at 0, so every score has a band")
    for code in BANDS:
        if not any(step.sector is None for step in steps[code]):
            raise CatalogError(bands[code][0], f"band {code!r} needs a next step for every sector")
    return tuple(Band(band.code, band.minimum, band.summary_fa, band.summary_en, tuple(steps[band.code]))
                 for _, band in ordered)
