"""Per-user flood control: a sliding window of recent updates, and a quiet period for those who exceed it."""

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    PASS = "pass"
    WARN = "warn"  # just went over the limit: tell them once
    DROP = "drop"  # still in the quiet period: ignore


class FloodGate:
    """`limit` updates per `window` seconds per user; over it, `cooldown` seconds of silence."""

    def __init__(self, limit: int, window: float, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.cooldown = cooldown
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}
        self._quiet_until: dict[int, float] = {}

    def admit(self, user_id: int) -> Verdict:
        now = self._clock()
        if self._quiet_until.get(user_id, 0.0) > now:
            return Verdict.DROP
        self._quiet_until.pop(user_id, None)
        recent = self._recent.setdefault(user_id, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        recent.append(now)
        if len(recent) > self.limit:
            recent.clear()
            self._quiet_until[user_id] = now + self.cooldown
            return Verdict.WARN
        return Verdict.PASS

    def forget_idle(self) -> None:
        """Drop users with nothing in the window (called now and then, so memory stays bounded)."""
        now = self._clock()
        for user_id in [u for u, recent in self._recent.items() if not recent or recent[-1] <= now - self.window]:
            del self._recent[user_id]
        for user_id in [u for u, until in self._quiet_until.items() if until <= now]:
            del self._quiet_until[user_id]


class HourlyQuota:
    """At most `limit` uses per `period` seconds per key (a user, a group), remembered for at most `keys` keys:
    the least recently seen are forgotten first, so memory stays bounded whoever comes."""

    def __init__(self, limit: int, period: float = 3600.0, keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._keys = keys
        self._clock = clock
        self._uses: OrderedDict[int, deque[float]] = OrderedDict()

    def take(self, key: int) -> bool:
        """Count one use; False (and nothing counted) when the key has used up its quota."""
        now = self._clock()
        uses = self._uses.pop(key, None) or deque()
        while uses and uses[0] <= now - self.period:
            uses.popleft()
        self._uses[key] = uses  # now the most recently seen
        while len(self._uses) > self._keys:
            self._uses.popitem(last=False)
        if len(uses) >= self.limit:
            return False
        uses.append(now)
        return True
