"""The training certificate card: the person's name, the course, its provider and the day it was completed,
with a signed QR code that /verify accepts; drawn by the permit card's code (messages/permit_card.py)."""

from messages.formatting import format_jalali, localize_digits
from messages.permit_card import CardContent, one_line
from messages.render import label
from storage.records import Certificate


def certificate_content(certificate: Certificate, lang: str, verify_link: str) -> CardContent:
    course = certificate.course
    rows = (
        (label(lang, "card.holder"), certificate.full_name),
        (label(lang, "card.course"), course.title),
        (label(lang, "card.provider"), course.provider),
        (label(lang, "card.completed"), format_jalali(certificate.completed_at, lang)),
        (label(lang, "card.course_province"), course.province_fa if lang == "fa" else course.province_en),
    )
    return CardContent(lang=lang, title=label(lang, "card.certificate_title"),
                       subtitle=label(lang, "card.certificate_subtitle"),
                       rows=tuple((caption, one_line(value)) for caption, value in rows),  # typed: one escaping path
                       number_label=label(lang, "card.certificate_number"),
                       number=localize_digits(certificate.number, lang),  # drawn left to right, as the permit's
                       qr_link=verify_link, qr_caption=label(lang, "card.certificate_scan"))
