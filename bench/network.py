"""`python -m bench network`: a crowd of applicants over a real network, against the real Application.

Every Bot API call waits a fixed round trip (the offline Bot API's `delay`), the production rate limiter
paces the calls, and updates enter through `application.update_queue`, as polling or a webhook deliver them,
to the concurrent update processor. Each simulated applicant does the whole journey, thinking an exponential
time (mean `think_s`, seeded) before each step. A step's latency is from the update's arrival to the end of
its handling: what the person waits for (background work such as drawing the permit card is not in it).
"""

import asyncio
import random
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import Update

from bench.databases import scratch_database
from bench.journey import STEPS, bench_config, take_step
from bench.timing import summary
from bot.app import build_application, start_offline, stop_offline
from bot.offline_api import RecordingRequest
from bot.offline_client import OfflineUser
from storage import Store

# Calls Telegram counts against its ~30 messages a second (answerCallbackQuery carries no chat and is not).
COUNTED = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup",
           "editMessageCaption", "deleteMessage"}
SCENARIOS = ((1, 0.0), (50, 4.0), (200, 0.0))  # (applicants, mean think time): the README's table


async def run_network(users: int, think_s: float, rtt_ms: float, seed: int = 10,
                      database: str | None = None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-network-"))
    config = replace(bench_config(folder), database_url=database)
    rec = RecordingRequest()
    app = build_application(config, Store(config.database), request=rec)  # the production rate limiter
    await start_offline(app)
    rec.delay = rtt_ms / 1000
    rec.calls.clear()
    rng = random.Random(seed)
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    steps = 0

    async def applicant(index: int) -> None:
        nonlocal steps
        user = OfflineUser(app, rec, 20_000_000 + index, "مریم")

        async def through_queue(update: Update) -> None:
            nonlocal steps
            done = app.update_processor.watch(update)  # type: ignore[attr-defined]
            begin = time.perf_counter()
            await app.update_queue.put(update)
            await done
            latencies.append((time.perf_counter() - begin) * 1000)
            by_kind[current_kind].append(latencies[-1] / rtt_ms)
            steps += 1

        user.process = through_queue
        current_kind = ""
        for kind, value in STEPS:
            current_kind = kind
            if think_s:
                await asyncio.sleep(rng.expovariate(1 / think_s))
            await take_step(user, kind, value, index)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(applicant(index) for index in range(users)))
        elapsed = time.perf_counter() - started
        store: Store = app.bot_data["store"]
        permits = {a.permit_number for i in range(users) for a in await store.list_user_applications(20_000_000 + i)}
    finally:
        await stop_offline(app)
    methods = Counter(call.method for call in rec.calls if call.chat_id is None or int(str(call.chat_id)) > 0)
    figures = summary(latencies)
    ordered = sorted(latencies)
    percentiles = {"p50": figures["p50"], "p90": ordered[int(0.9 * len(ordered))], "p99": figures["p99"]}
    return {
        "users": users, "think_s": think_s, "rtt_ms": rtt_ms, "steps": steps, "seconds": elapsed,
        "updates_per_second": steps / elapsed,
        "latency_ms": percentiles,
        "latency_rtt": {key: value / rtt_ms for key, value in percentiles.items()},
        "calls_per_step": sum(methods.values()) / steps,
        "counted_calls_per_step": sum(n for method, n in methods.items() if method in COUNTED) / steps,
        "calls_by_method": dict(methods),
        "rtt_by_step_kind": {kind: summary(values)["p50"] for kind, values in by_kind.items()},
        "most_in_flight": app.update_processor.busiest,  # type: ignore[attr-defined]
        "distinct_permits": len(permits),
    }


def report(results: list[dict[str, Any]]) -> str:
    lines = ["| applicants | think | RTT | updates/s | step p50 / p90 / p99 ms | in RTT | calls per step "
             "(counted) | most in flight | permits |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        ms, rtt = r["latency_ms"], r["latency_rtt"]
        lines.append(
            f"| {r['users']} | {r['think_s']:g} s | {r['rtt_ms']:g} ms | {r['updates_per_second']:.1f} | "
            f"{ms['p50']:.0f} / {ms['p90']:.0f} / {ms['p99']:.0f} | {rtt['p50']:.2f} / {rtt['p90']:.2f} / "
            f"{rtt['p99']:.2f} | {r['calls_per_step']:.2f} ({r['counted_calls_per_step']:.2f}) | "
            f"{r['most_in_flight']} | {r['distinct_permits']}/{r['users']} |")
    return "\n".join(lines)


async def run_scenarios(users: int | None, think_s: float | None, rtt_ms: float,
                        server: str | None = None) -> list[dict[str, Any]]:
    scenarios = [(users, think_s or 0.0)] if users else [(n, think if think_s is None else think_s)
                                                          for n, think in SCENARIOS]
    results = []
    for n, think in scenarios:
        async with scratch_database(server, f"network_{n}") as database:
            results.append(await run_network(n, think, rtt_ms, database=database))
    return results
