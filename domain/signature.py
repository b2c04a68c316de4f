"""Short signatures for permit numbers in QR codes, so a forged number does not verify."""

import base64
import hashlib
import hmac

SIGNATURE_LENGTH = 10  # 50 bits: enough against guessing, short enough for a QR code a phone reads at once


def sign(message: str, secret: str, length: int = SIGNATURE_LENGTH) -> str:
    """A short HMAC of `message`: base32 in lower case (a-z and 2-7), safe in a deep link."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:length]


def sign_permit(number: str, secret: str) -> str:
    return sign(number, secret)


def signature_ok(number: str, signature: str, secret: str) -> bool:
    # compare_digest takes str only when it is ASCII (else TypeError): compare the UTF-8 bytes of whatever came
    return hmac.compare_digest(sign_permit(number, secret).encode(), signature.lower().encode(errors="replace"))


def verification_payload(number: str, secret: str) -> str:
    """The /start parameter of the verification deep link: v-<number>-<signature> (≤ 64 characters)."""
    payload = f"v-{number}-{sign_permit(number, secret)}"
    assert len(payload) <= 64, payload
    return payload


def parse_verification_payload(payload: str) -> tuple[str, str] | None:
    """(number, signature) from a deep link's start parameter, or None if it is not one."""
    if not payload.startswith("v-") or len(payload) < 2 + 1 + 1 + SIGNATURE_LENGTH:
        return None
    number, dash, signature = payload[2:-SIGNATURE_LENGTH - 1], payload[-SIGNATURE_LENGTH - 1], \
        payload[-SIGNATURE_LENGTH:]
    return (number, signature) if dash == "-" and number else None
