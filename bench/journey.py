"""Journey cost: applicants completing the whole form through the real Application, against two floors.

The floors are bare python-telegram-bot ConversationHandlers with as many steps that only reply; the same
plus one aiosqlite write per step; and the same-calls floor, which for each update makes exactly the Bot API
calls the bot made for it (same methods and parameters, results parsed as python-telegram-bot parses them)
plus one aiosqlite write, so that `journey / same-calls floor` compares like work. They are fed the very
updates the journey was fed (rebuilt for their own bot before timing), so only the handling differs. Only
`process_update` is timed.
"""

import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiosqlite
from telegram import Message, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bench.timing import summary
from bot.app import build_application, start_offline, stop_offline
from bot.config import Config
from bot.offline_api import RecordingRequest
from bot.offline_client import OfflineUser, settle
from demo.sample_data import fake_national_id
from storage import Store

STEPS = [("command", "/apply"), ("callback", "صنایع دستی"), ("text", "گليم بافي"), ("callback", "گلیم‌بافی"),
         ("callback", "🧑‍🔧 مستقل"), ("text", "مریم احمدی"), ("text", "{nid}"), ("text", "۱۳۷۰/۰۶/۲۵"),
         ("contact", ""), ("text", "لرستان"), ("text", "خرم‌آباد"), ("text", "خیابان امام، کوچه ۵، پلاک ۱۲"),
         ("text", "۶۸۱۳۷-۱۴۶۵۳"), ("callback", "دیپلم"), ("text", "۳"), ("callback", "✅ تأیید و دریافت مجوز")]


KINDS = {kind for kind, _ in STEPS}
# The same-calls floor replays recorded methods by name on purpose; PTB would suggest the typed method each time.
warnings.filterwarnings("ignore", message="Please use 'Bot.", category=PTBUserWarning)
MESSAGE_RESULTS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption", "sendPhoto"}


async def take_step(user: OfflineUser, kind: str, value: str, index: int) -> None:
    """One step of STEPS as applicant number `index` takes it (each with a national ID of their own)."""
    if kind == "callback":
        await user.click(value)
    elif kind == "contact":
        await user.send_contact("+989121234567")
    else:
        await user.send(value.format(nid=fake_national_id(index)))


def bench_config(folder: Path) -> Config:
    return Config.from_env({"BOT_TOKEN": "123:bench", "DATABASE_PATH": str(folder / "journey.sqlite3"),
                            "FLOOD_LIMIT": "10000"})


async def run_journey(applicants: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-journey-"))
    config = bench_config(folder)
    rec = RecordingRequest()
    app = build_application(config, Store(config.database), request=rec, rate_limiter=None)
    await start_offline(app)
    samples: dict[str, list[float]] = defaultdict(list)
    fed: list[tuple[str, dict[str, Any]]] = []
    made: list[list[tuple[str, dict[str, Any]]]] = []  # the Bot API calls made while handling each update
    started = time.perf_counter()
    try:
        for index in range(applicants):
            user = OfflineUser(app, rec, 10_000_000 + index, "مریم")
            for kind, value in STEPS:
                async def timed(update: Update, kind: str = kind) -> None:
                    fed.append((kind, update.to_dict()))
                    mark = len(rec.calls)
                    begin = time.perf_counter_ns()
                    await app.process_update(update)
                    samples[kind].append((time.perf_counter_ns() - begin) / 1000)
                    made.append([(call.method, call.params) for call in rec.calls[mark:] if not call.files])
                    card = time.perf_counter_ns()
                    await settle(app)  # the permit card drawn in the background: its own figure, not the update's
                    if kind == "callback" and time.perf_counter_ns() - card > 1_000_000:
                        samples["permit card (background)"].append((time.perf_counter_ns() - card) / 1000)

                user.process = timed
                await take_step(user, kind, value, index)
            rec.calls.clear()  # keep the recorder small; messages stay for the buttons
            if len(rec.messages) > 5000:
                rec.messages.clear()
        issued = len(await app.bot_data["store"].list_user_applications(10_000_000))
    finally:
        await stop_offline(app)
    elapsed = time.perf_counter() - started
    every = [value for kind, values in samples.items() if kind in KINDS for value in values]  # updates only
    return {"applicants": applicants, "updates": len(every), "seconds": elapsed, "first_permit_issued": issued == 1,
            "all": summary(every), "by_kind": {kind: summary(values) for kind, values in samples.items()},
            "fed": fed, "made": made}


def floor_application(steps: int, db: aiosqlite.Connection | None,
                      replay: list[list[tuple[str, dict[str, Any]]]] | None = None) -> Any:
    """A bare ConversationHandler with `steps` states that only reply (and, with `db`, write once); with
    `replay`, each update makes instead the calls listed for it, in order."""
    to_replay = iter(replay or ())

    async def step(update: Update, context: Any) -> int:
        state = context.user_data.get("step", 0)
        if db is not None:
            await db.execute("INSERT INTO steps (user_id, state) VALUES (?, ?)"
                             " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state",
                             (update.effective_user.id, state))
        if replay is not None:
            for method, params in next(to_replay):
                await context.bot.do_api_request(method, api_kwargs=dict(params),
                                                 return_type=Message if method in MESSAGE_RESULTS else None)
        else:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(update.effective_chat.id, f"step {state}")
        context.user_data["step"] = state + 1
        return ConversationHandler.END if state + 1 >= steps else state + 1

    anything = [MessageHandler(filters.ALL, step), CallbackQueryHandler(step)]
    conversation = ConversationHandler(
        entry_points=[MessageHandler(filters.ALL, step)],
        states={state: anything for state in range(1, steps)}, fallbacks=[], allow_reentry=True)
    request = RecordingRequest()
    app = ApplicationBuilder().token("123:floor").request(request).get_updates_request(request).updater(None).build()
    app.add_handler(conversation)
    return app


async def run_floor(fed: list[tuple[str, dict[str, Any]]], with_write: bool,
                    replay: list[list[tuple[str, dict[str, Any]]]] | None = None) -> dict[str, Any]:
    db = None
    if with_write:
        db = await aiosqlite.connect(Path(tempfile.mkdtemp(prefix="bench-floor-")) / "floor.sqlite3",
                                     isolation_level=None)
        await db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                               "CREATE TABLE steps (user_id INTEGER PRIMARY KEY, state INTEGER)")
    app = floor_application(len(STEPS), db, replay)
    await app.initialize()
    await app.start()
    updates = [(kind, Update.de_json(data, app.bot)) for kind, data in fed]  # built before timing
    samples: dict[str, list[float]] = defaultdict(list)
    try:
        for kind, update in updates:
            begin = time.perf_counter_ns()
            await app.process_update(update)
            samples[kind].append((time.perf_counter_ns() - begin) / 1000)
    finally:
        await app.stop()
        await app.shutdown()
        if db is not None:
            await db.close()
    every = [value for values in samples.values() for value in values]
    return {"all": summary(every), "by_kind": {kind: summary(values) for kind, values in samples.items()}}
