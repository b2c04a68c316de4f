"""Training before the money (the new development model), rolled out province by province: where it is on
by default (the TRAINING_BEFORE_QUEUE setting), which a province's switch set by an admin overrides."""

import re
from dataclasses import dataclass

_PROVINCE = re.compile(r"(?:IR-)?([0-9]{2})")


@dataclass(frozen=True, slots=True)
class Rollout:
    everywhere: bool = False
    provinces: frozenset[str] = frozenset()  # ISO codes, IR-15

    def covers(self, province_code: str, switch: bool | None = None) -> bool:
        """Whether training comes before the queue in the province: its stored switch, else the setting."""
        if switch is not None:
            return switch
        return self.everywhere or province_code in self.provinces


def parse_rollout(raw: str) -> Rollout | None:
    """`none`, `all`, or comma-separated province codes (IR-15 or 15); None when it is none of these."""
    text = raw.strip().lower()
    if text in ("", "none"):
        return Rollout()
    if text == "all":
        return Rollout(everywhere=True)
    codes = set()
    for part in (piece.strip().upper() for piece in text.split(",")):
        match = _PROVINCE.fullmatch(part)
        if match is None or int(match.group(1)) > 30:  # IR-00 … IR-30 (data/provinces.csv)
            return None
        codes.add(f"IR-{match.group(1)}")
    return Rollout(provinces=frozenset(codes))
