"""`python -m bench [--quick]`: the figures in the README's Performance section, printed and saved as JSON.
`python -m bench network [--rtt-ms 100] [--users N] [--think-s S]`: a crowd over a network (bench/network.py).
`python -m bench store`: only the store at scale. `--database postgresql://…` runs the store and network figures
on that PostgreSQL server instead of SQLite (each run in a scratch database, dropped afterwards).

Pinned to one CPU first: on a small VM an aiosqlite round trip costs several times more when its worker
thread runs on another core than the event loop, which makes unpinned figures swing from run to run.
"""

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench.broadcast import run_broadcast
from bench.databases import scratch_database
from bench.export_scale import run_export
from bench.journey import run_floor, run_journey
from bench.memory import run_memory
from bench.network import report as network_report
from bench.network import run_scenarios
from bench.store_scale import run_store

SIZES = {  # quick: under a minute; full: under ten
    "quick": {"applicants": 200, "rows": 100_000, "samples": 200, "conversations": 500, "export_rows": 20_000},
    "full": {"applicants": 2_000, "rows": 1_000_000, "samples": 1_000, "conversations": 1_000,
             "export_rows": 200_000},
}


def pin_to_one_cpu() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one CPU"
    except (AttributeError, OSError):
        return "not pinned (this system does not allow it)"


async def run_store_on(size: dict[str, int], server: str | None) -> dict[str, Any]:
    async with scratch_database(server, "store") as database:
        return await run_store(size["rows"], size["samples"], database)


def store_report(store: dict[str, Any]) -> str:
    lines = [f"store: {store['rows']:,} applications loaded in {store['load_seconds']:.0f} s,"
             f" {store['bytes_per_row']:,.0f} bytes per row"]
    lines += [f"{name}: p50 {figures['p50'] / 1000:.3f} ms, p99 {figures['p99'] / 1000:.3f} ms"
              for name, figures in store["calls"].items()]
    return "\n".join(lines)


async def run(size: dict[str, int], server: str | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    journey = await run_journey(size["applicants"])
    fed, made = journey.pop("fed"), journey.pop("made")
    floor = await run_floor(fed, with_write=False)
    floor_write = await run_floor(fed, with_write=True)
    same_calls = await run_floor(fed, with_write=True, replay=made)
    results["journey"] = journey | {
        "floor": floor, "floor_with_one_write": floor_write, "same_calls_floor": same_calls,
        "journey_over_floor": journey["all"]["mean"] / floor["all"]["mean"],
        "journey_over_floor_with_write": journey["all"]["mean"] / floor_write["all"]["mean"],
        "journey_over_same_calls": journey["all"]["mean"] / same_calls["all"]["mean"],
    }
    results["store"] = await run_store_on(size, server)
    results["memory"] = await run_memory(size["conversations"])
    results["broadcast"] = await run_broadcast()
    results["export"] = await run_export(size["export_rows"])
    return results


def report(results: dict[str, Any]) -> str:
    journey, store, memory, broadcast = (results[key] for key in ("journey", "store", "memory", "broadcast"))
    lines = ["| measure | figure |", "|---|---|"]

    def row(name: str, figure: str) -> None:
        lines.append(f"| {name} | {figure} |")

    row(f"journey, µs per update ({journey['applicants']} applicants, {journey['updates']} updates)",
        f"mean {journey['all']['mean']:.0f}, p50 {journey['all']['p50']:.0f}, p99 {journey['all']['p99']:.0f}")
    for kind, figures in sorted(journey["by_kind"].items()):
        row(f"  … {kind}", f"mean {figures['mean']:.0f}, p50 {figures['p50']:.0f}, p99 {figures['p99']:.0f}")
    row("floor: bare ConversationHandler, µs per update", f"mean {journey['floor']['all']['mean']:.0f}")
    row("floor with one aiosqlite write, µs per update", f"mean {journey['floor_with_one_write']['all']['mean']:.0f}")
    row("journey / floor", f"{journey['journey_over_floor']:.2f}×")
    row("journey / floor with one write", f"{journey['journey_over_floor_with_write']:.2f}×")
    row("same-calls floor (the bot's own Bot API calls + one write), µs per update",
        f"mean {journey['same_calls_floor']['all']['mean']:.0f}")
    row("journey / same-calls floor (target ≤ 1.5×)", f"{journey['journey_over_same_calls']:.2f}×")
    row(f"store: applications loaded ({store['rows']:,})", f"{store['load_seconds']:.0f} s, "
        f"{store['bytes_per_row']:.0f} bytes per row on disk")
    targets = {"/status queue position": 1000, "province statistics": 5000, "national statistics": 20000,
               "/pending first page": 2000, "/queue first page": 2000}
    targets |= {name: 5000 for name in store["calls"] if name.startswith("/find")}
    for name, figures in store["calls"].items():
        target = f" (target p99 ≤ {targets[name] / 1000:g} ms)" if name in targets else ""
        row(f"store: {name}{target}", f"p50 {figures['p50'] / 1000:.3f} ms, p99 {figures['p99'] / 1000:.3f} ms")
    row(f"memory per parked conversation ({memory['conversations']}) (target ≤ 4 KB)",
        f"{memory['bytes_per_conversation'] / 1024:.1f} KB")
    export = results["export"]
    for kind in ("xlsx", "csv"):
        figures = export[kind]
        row(f"/export {export['rows']:,} rows as {kind} (target < 60 s, < 200 MB)",
            f"{figures['seconds']:.1f} s, peak {figures['peak_bytes'] / 2**20:.1f} MB (tracemalloc), "
            f"file {figures['file_bytes'] / 2**20:.1f} MB")
    row(f"broadcast to {broadcast['channels']} channels ({broadcast['latency_ms']:.0f} ms latency)",
        f"{broadcast['seconds']:.1f} s, {broadcast['posted']} posted, {broadcast['too_many_requests']} × 429")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=("cpu", "network", "store"), default="cpu",
                        help="cpu: the store, journey and memory figures (default); network: a crowd over a network;"
                             " store: the store at scale only")
    parser.add_argument("--database", metavar="URL", help="a PostgreSQL server (postgresql://…) for the store and"
                        " network runs, instead of SQLite; the role must be allowed to create databases")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: under a minute")
    parser.add_argument("--json", type=Path, help="where to save figures (default bench/results/<what>.json)")
    parser.add_argument("--rtt-ms", type=float, default=100, help="network: round trip of every Bot API call")
    parser.add_argument("--users", type=int, help="network: applicants at once (default: the README's three runs)")
    parser.add_argument("--think-s", type=float, help="network: mean think time between steps, seconds")
    arguments = parser.parse_args()
    pinning = pin_to_one_cpu()
    output = arguments.json or Path(f"bench/results/{arguments.what}.json")
    if arguments.what == "network":
        started = time.perf_counter()
        network = asyncio.run(run_scenarios(arguments.users, arguments.think_s, arguments.rtt_ms, arguments.database))
        print(network_report(network))
        print(f"\nnetwork run, {pinning}, {time.perf_counter() - started:.0f} s in all")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(network, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0
    size_name = "quick" if arguments.quick else "full"
    started = time.perf_counter()
    if arguments.what == "store":
        store = asyncio.run(run_store_on(SIZES[size_name], arguments.database))
        print(store_report(store))
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(store, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        return 0
    results = asyncio.run(run(SIZES[size_name], arguments.database))
    results["run"] = {"size": size_name, "seconds": time.perf_counter() - started, "cpu": pinning,
                      "python": sys.version.split()[0], "machine": platform.machine(), "cores": os.cpu_count()}
    print(report(results))
    print(f"\n{size_name} run, {pinning}, {results['run']['seconds']:.0f} s in all")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
