"""`python main.py demo`: chat with the real bot in a terminal, or run a script of inputs."""

import asyncio
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.logs import quiet_chatty_libraries
from bot.platforms import Platform
from demo.session import DemoSession

HELP = """Demo of the Home Business Permit Bot — the real bot, no Telegram, no token.
Type as you would in Telegram. A number presses that button (a leading ' sends it as text instead, or type
it in Persian digits); /contact shares your phone number, /photo sends a photo; /as applicant, /as bale
applicant (the same bot on Bale, beside Telegram), /as worker, /as buyer, /as officer <province>, /as user <id>
[name] (anyone else, e.g. an adviser the admin appointed) and /as admin switch who you are; /follow opens the
latest link the bot sent (a worker's invitation); /later <days> moves the clock on; /quit leaves.
"""


async def run(database: Path | None, sample_data: int, script: Path | None, language: str, output: Path,
              platform: Platform = Platform.TELEGRAM) -> int:
    folder = Path(tempfile.mkdtemp(prefix="home-business-demo-"))
    session = DemoSession(database or folder / "demo.sqlite3", output, language, scripted=script is not None,
                          platform=platform)
    with logs_in_file(folder / "demo.log") as log_file:
        print(f"log: {log_file}")
        return await _run(session, sample_data, script)


@contextmanager
def logs_in_file(path: Path) -> Iterator[Path]:
    """The bot's log lines (tracebacks included) go to a file while the demo runs, not into the transcript."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers, root.level = [handler], logging.INFO
    quiet_chatty_libraries()
    logging.captureWarnings(True)  # library warnings too
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        root.handlers, root.level = saved_handlers, saved_level
        handler.close()


async def _run(session: DemoSession, sample_data: int, script: Path | None) -> int:
    for line in await session.start(sample_data):
        print(line)
    try:
        if script is not None:
            for raw in script.read_text(encoding="utf-8").splitlines():
                if raw.strip() and not raw.lstrip().startswith("#"):
                    print(f"\n> {raw.strip()}   ({session.current})")
                for line in await session.say(raw):
                    print(line)
            return 0
        print(HELP)
        for line in await session.say("/start"):
            print(line)
        while True:
            try:
                typed = await asyncio.to_thread(input, f"\n{session.current}> ")
            except EOFError:
                break
            if typed.strip() in ("/quit", "/exit"):
                break
            for line in await session.say(typed):
                print(line)
        return 0
    finally:
        await session.stop()
        sys.stdout.flush()
