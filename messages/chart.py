"""The statistics chart: sector bars and the funnel, one PNG, in the reader's language.

matplotlib ≥ 3.11 shapes Persian itself (libraqm), so labels are passed as plain strings; its bundled
DejaVu Sans has every Persian letter and digit. Rendering is CPU work: callers run it in a thread.
"""

import io

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

from messages.fonts import drawable  # noqa: E402
from messages.formatting import format_jalali, format_number  # noqa: E402
from messages.render import clean, label  # noqa: E402
from storage.records import ProgrammeFigures, Stats  # noqa: E402

FUNNEL_STEPS = ("permit_issued", "supervised", "eligible", "queued", "introduced_to_bank", "loan_paid")
SECTOR_BARS = 7
COLORS = {"sectors": "#2a7f62", "funnel": "#c9822b", "programme": "#3b6ea8", "text": "#222222", "muted": "#666666"}


def render_stats_chart(stats: Stats, lang: str, programme: ProgrammeFigures | None = None) -> bytes:
    """A 1200×1000 PNG: permits by sector above, the journey funnel below.

    Names are admin-typed: they go through `clean` (and lose what the font cannot draw), and mathtext is
    off, so a `$…$` in a name is shown as typed instead of being parsed as a formula (which fails on most
    text)."""
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _draw(stats, lang, programme if programme is not None and programme.any else None)


def _shown(name: str) -> str:
    return drawable(clean(name))


def _draw(stats: Stats, lang: str, programme: ProgrammeFigures | None) -> bytes:
    figure = Figure(figsize=(12, 10), dpi=100)
    figure.set_facecolor("white")
    if programme is None:
        sectors_axes, funnel_axes = figure.subplots(2, 1, gridspec_kw={"height_ratios": [1, 1]})
    else:  # a smaller third panel: the new model's figures
        sectors_axes, funnel_axes, programme_axes = figure.subplots(3, 1, gridspec_kw={"height_ratios": [1, 1, 0.8]})
        steps = [("assessed", programme.assessment.assessed), ("advised", programme.advice.answered),
                 ("trained", programme.training.completions), ("booths", programme.exhibitions.booths_filled),
                 ("showcase", programme.showcase.live),
                 ("covered", programme.rosters.approved_workers)]
        _bars(programme_axes, [label(lang, f"stats.programme_{name}") for name, _ in steps],
              [value for _, value in steps], label(lang, "stats.programme"), COLORS["programme"], lang)

    place = _shown((stats.province_fa if lang == "fa" else stats.province_en) or label(lang, "stats.country"))
    figure.suptitle(f"{label(lang, 'stats.chart_title', place=place)} — {format_jalali(stats.as_of, lang)}",
                    fontsize=20, color=COLORS["text"])

    sectors = stats.by_sector[:SECTOR_BARS]
    _bars(sectors_axes, [_shown(getattr(s, f"name_{lang}")) for s in sectors], [s.count for s in sectors],
          label(lang, "stats.by_sector"), COLORS["sectors"], lang)
    _bars(funnel_axes, [label(lang, f"stage.{step}") for step in FUNNEL_STEPS], list(stats.funnel),
          label(lang, "stats.funnel"), COLORS["funnel"], lang)

    figure.tight_layout(rect=(0.02, 0.01, 0.98, 0.95), h_pad=3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes: "matplotlib.axes.Axes", names: list[str], values: list[int], title: str, color: str,
          lang: str) -> None:
    """Horizontal bars, first item on top; in Persian they grow right to left, as the text reads."""
    positions = list(range(len(names)))[::-1]
    axes.set_title(title, fontsize=16, color=COLORS["text"], loc="right" if lang == "fa" else "left")
    if not values or max(values) == 0:
        axes.text(0.5, 0.5, label(lang, "stats.no_data"), ha="center", va="center", fontsize=14,
                  color=COLORS["muted"], transform=axes.transAxes)
        axes.set_axis_off()
        return
    axes.barh(positions, values, color=color, height=0.6)
    axes.set_yticks(positions, names, fontsize=13)
    top = max(values)
    axes.set_xlim(0, top * 1.18)
    for position, value in zip(positions, values, strict=True):  # the figure just past the bar's end
        axes.text(value + top * 0.01, position, format_number(value, lang), va="center", fontsize=12,
                  ha="right" if lang == "fa" else "left", color=COLORS["text"])
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    if lang == "fa":  # right to left: names on the right, bars growing leftwards
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.spines["left"].set_visible(False)
        axes.spines["right"].set_visible(True)
