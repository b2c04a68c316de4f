"""The font the chart and the cards draw with (DejaVu Sans, shipped inside matplotlib), and what it can draw."""

from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.ft2font import FT2Font

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
MISSING = "\ufffd"  # � : what a character the font lacks is drawn as


@cache
def _covered() -> frozenset[int]:
    """Code points both faces have a glyph for."""
    return frozenset(FT2Font(str(REGULAR)).get_charmap()) & frozenset(FT2Font(str(BOLD)).get_charmap())


def drawable(text: str) -> str:
    """`text` with every character the font cannot draw replaced by one it can (say, an emoji or a rare
    script in a name): the image libraries would otherwise draw an empty box and warn."""
    covered = _covered()
    return "".join(char if ord(char) in covered or char.isspace() else MISSING for char in text)
