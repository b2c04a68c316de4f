"""Telegram's limits as Telegram counts them, with the answers people wait for ahead of bulk work.

Telegram allows about 30 messages a second per bot, about one a second per private chat and 20 a minute per
group or channel; `answerCallbackQuery` carries no chat and is not counted. `AIORateLimiter` enforces the
overall and group limits; this subclass also holds bulk traffic (the outbox courier's officer cards and
applicant updates, reminders, broadcasts and channel posts, marked by `handlers.context.sending_in_bulk`)
to half the overall budget, so that a loan round's flood of cards never makes an applicant's next question
wait for more than its share.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

from handlers.context import in_bulk

# aiolimiter's leaky bucket lets a full bucket (max_rate) out at once and then drips at max_rate per period, so
# any window of W seconds admits at most bucket + rate × W. Overall: a bucket of 2 and 28 a second, so never
# more than 30 in a second and 28 a second sustained (a bigger bucket with a slower drip, as PTB's defaults
# suggest, caps the sustained rate well below Telegram's 30). Per group or channel: 1 and one per 3.2 s, at
# most 20 in any minute. Bulk: 1 and 14 a second, half of the overall budget.
OVERALL = {"overall_max_rate": 2, "overall_time_period": 1 / 14}
PER_GROUP = {"group_max_rate": 1, "group_time_period": 3.2}
BULK = (1, 1 / 14)


class AnswersFirstRateLimiter(AIORateLimiter):
    """`AIORateLimiter` at Telegram's limits, with bulk calls held to half of the overall budget."""

    def __init__(self, max_retries: int = 3) -> None:
        super().__init__(**OVERALL, **PER_GROUP, max_retries=max_retries)
        self._bulk = AsyncLimiter(*BULK)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if in_bulk() and data.get("chat_id") is not None:
            async with self._bulk:  # first its own share, then the common budget like everyone
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
