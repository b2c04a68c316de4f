"""Short signatures for document numbers in QR codes (permits, training certificates), so a forged number
does not verify, and the deep links that carry them."""

import base64
import hashlib
import hmac
from enum import StrEnum

SIGNATURE_LENGTH = 10  # 50 bits: enough against guessing, short enough for a QR code a phone reads at once


class Document(StrEnum):
    """What a signed number is, by its deep link's prefix: `v-` a permit, `t-` a training certificate."""

    PERMIT = "v"
    CERTIFICATE = "t"


def sign(message: str, secret: str, length: int = SIGNATURE_LENGTH) -> str:
    """A short HMAC of `message`: base32 in lower case (a-z and 2-7), safe in a deep link."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:length]


def sign_document(number: str, secret: str, document: Document = Document.PERMIT) -> str:
    # A certificate's signature covers its kind too, so a permit number's signature never verifies a
    # certificate that happens to share the number (the permit format is a setting), nor the other way round.
    return sign(number if document == Document.PERMIT else f"{document.value}:{number}", secret)


def sign_permit(number: str, secret: str) -> str:
    return sign_document(number, secret)


def signature_ok(number: str, signature: str, secret: str, document: Document = Document.PERMIT) -> bool:
    # compare_digest takes str only when it is ASCII (else TypeError): compare the UTF-8 bytes of whatever came
    expected = sign_document(number, secret, document)
    return hmac.compare_digest(expected.encode(), signature.lower().encode(errors="replace"))


def verification_payload(number: str, secret: str, document: Document = Document.PERMIT) -> str:
    """The /start parameter of the verification deep link: <v|t>-<number>-<signature> (≤ 64 characters)."""
    payload = f"{document.value}-{number}-{sign_document(number, secret, document)}"
    assert len(payload) <= 64, payload
    return payload


def parse_verification_payload(payload: str) -> tuple[Document, str, str] | None:
    """(document, number, signature) from a deep link's start parameter, or None if it is not one."""
    prefix = payload[:2]
    documents = {f"{document.value}-": document for document in Document}
    if prefix not in documents or len(payload) < 2 + 1 + 1 + SIGNATURE_LENGTH:
        return None
    number, dash, signature = payload[2:-SIGNATURE_LENGTH - 1], payload[-SIGNATURE_LENGTH - 1], \
        payload[-SIGNATURE_LENGTH:]
    return (documents[prefix], number, signature) if dash == "-" and number else None
