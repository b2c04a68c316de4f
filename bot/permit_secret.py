"""The key that signs permit QR codes, when PERMIT_SECRET is unset: a file of its own beside the database.

Not in the database, so not in any backup of it: whoever holds a backup cannot forge a permit's QR code.
Made once (mode 600, written whole or not at all); a database from before this kept the key in its
`settings` table, and it moves to the file at the next start, so the QR codes already printed still verify.
"""

import logging
import os
import secrets
from contextlib import suppress
from pathlib import Path

from storage import Store

logger = logging.getLogger(__name__)


def secret_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".secret")


async def load_permit_secret(database_path: Path, store: Store) -> str:
    """The key from its file, made now if there is none; a key still in the database moves to the file first."""
    path = secret_path(database_path)
    legacy = await store.stored_permit_secret()
    if legacy is not None and not path.exists():
        _write_once(path, legacy)
        logger.info("moved the permit signing key out of the database to %s", path)
    if not path.exists():
        logger.info("making a new permit signing key in %s; keep it apart from the backups", path)
    secret = kept_secret(path)
    if legacy is not None:
        if legacy != secret:
            logger.warning("the database held another permit key than %s; the file's is used", path)
        await store.forget_stored_permit_secret()
    return secret


def kept_secret(path: Path) -> str:
    """The secret kept in `path`, made now (random, owner-only) if there is none; also the webhook's."""
    if not path.exists():
        _write_once(path, secrets.token_urlsafe(32))
    return path.read_text(encoding="ascii").strip()


def _write_once(path: Path, secret: str) -> None:
    """Write a temporary file readable by the owner only, then link it into place: if another process made
    the file meanwhile, its key stands and ours is dropped; a crash never leaves a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secret + "\n")
            file.flush()
            os.fsync(file.fileno())
        with suppress(FileExistsError):  # another process made it first: its key stands
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
