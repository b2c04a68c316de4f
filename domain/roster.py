"""Support-plan rosters: a covered worker's statuses, and the signed personal link that invites them.

The three-party agreement (supporter, worker, executive agency) starts when the supporter registers the worker;
the worker confirms or declines through their own link; the province's officers approve or refuse.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from domain.signature import sign

INVITE_VALIDITY = timedelta(days=14)
INVITE_PREFIX = "w-"
CODE_LENGTH = 8  # the random part of a link: a new link for the same worker replaces it
INVITE_SIGNATURE_LENGTH = 16  # 80 bits: a link is an authority to join someone's plan, not only a lookup
_PAYLOAD = re.compile(rf"w-([0-9]{{1,12}})-([a-z2-7]{{{CODE_LENGTH}}})-([a-z2-7]{{{INVITE_SIGNATURE_LENGTH}}})")
MAX_PAYLOAD = 64  # Telegram's limit for a /start parameter


class WorkerStatus(StrEnum):
    INVITED = "invited"  # the link is out; nobody has answered
    CONFIRMED = "confirmed"  # the worker agreed: awaiting the officers
    DECLINED = "declined"  # the worker said no
    EXPIRED = "expired"  # the link ran out unanswered
    APPROVED = "approved"  # the officers approved: counted as a job created
    REFUSED = "refused"  # the officers refused, with a reason


# Statuses that hold the worker's national ID (one active plan at a time) and a place in the plan.
HOLDS_PLACE = frozenset({WorkerStatus.INVITED, WorkerStatus.CONFIRMED, WorkerStatus.APPROVED})


def new_invite_code() -> str:
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(CODE_LENGTH))


def _signed_part(worker_id: int, code: str) -> str:
    return f"roster:{worker_id}:{code}"  # its own prefix: a permit's signature never passes for an invite's


def invite_payload(worker_id: int, code: str, secret: str) -> str:
    """The /start parameter of a worker's link: w-<worker id>-<code>-<signature>."""
    signature = sign(_signed_part(worker_id, code), secret, INVITE_SIGNATURE_LENGTH)
    payload = f"{INVITE_PREFIX}{worker_id}-{code}-{signature}"
    assert len(payload) <= MAX_PAYLOAD and _PAYLOAD.fullmatch(payload), payload
    return payload


@dataclass(frozen=True, slots=True)
class InviteClaim:
    """What a link says: which worker, which of their links; `genuine` when the signature holds."""

    worker_id: int
    code: str
    genuine: bool


def read_invite(payload: str, secret: str) -> InviteClaim | None:
    """The claim of a /start parameter, or None when it is not shaped like an invite at all."""
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    worker_id, code, signature = int(match.group(1)), match.group(2), match.group(3)
    expected = sign(_signed_part(worker_id, code), secret, INVITE_SIGNATURE_LENGTH)
    return InviteClaim(worker_id, code, hmac.compare_digest(expected.encode(), signature.encode()))
