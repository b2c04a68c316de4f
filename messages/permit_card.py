"""The permit card a holder shows and prints: a PNG for the phone, an A5 PDF for paper, with a QR code.

Both render the same content. Persian is shaped by the libraries themselves: Pillow's wheels include
libraqm (`direction="rtl"`), fpdf2 shapes with uharfbuzz (`set_text_shaping`). The font is DejaVu Sans,
shipped inside matplotlib, which covers Persian. Rendering is CPU work: callers run it in a thread.
"""

import io
from dataclasses import dataclass
from functools import cache

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from messages.fonts import FONT_DIR, drawable
from messages.formatting import format_jalali, localize_digits
from messages.render import clean, label
from storage.records import Application

WIDTH, HEIGHT = 1080, 1460
GREEN, INK, MUTED, PAPER = "#1f6f55", "#1d1d1d", "#6b6b6b", "#fbfaf6"


@dataclass(frozen=True, slots=True)
class CardContent:
    lang: str
    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]  # (label, value), top to bottom
    number_label: str
    number: str
    qr_link: str
    qr_caption: str


def card_content(application: Application, lang: str, verify_link: str) -> CardContent:
    def name(fa: str, en: str) -> str:
        return fa if lang == "fa" else en

    rows = (
        (label(lang, "card.holder"), application.full_name),
        (label(lang, "card.category"), f"{name(application.category_fa, application.category_en)} "
                                       f"({name(application.sector_fa, application.sector_en)})"),
        (label(lang, "card.track"), label(lang, f"card.track_{application.track}")),
        (label(lang, "card.place"), f"{application.city}، {application.province_fa}" if lang == "fa"
         else f"{application.city}, {application.province_en}"),
        (label(lang, "card.issued"), format_jalali(application.issued_at, lang)),
        (label(lang, "card.valid_until"), format_jalali(application.valid_until, lang)),
    )
    rows = tuple((caption, _one_line(value)) for caption, value in rows)  # typed by people: the one escaping path
    return CardContent(lang=lang, title=label(lang, "card.title"), subtitle=label(lang, "card.subtitle"), rows=rows,
                       number_label=label(lang, "card.number"),
                       number=localize_digits(application.permit_number, lang),  # drawn left to right
                       qr_link=verify_link, qr_caption=label(lang, "card.scan"))


def _one_line(value: str) -> str:
    """`clean`, on one line (a card row has no room for a second), in characters the font can draw."""
    return drawable(" ".join(clean(value).split()))


def qr_png(link: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def render_card_png(content: CardContent) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    rtl = content.lang == "fa"
    edge = WIDTH - 80 if rtl else 80
    anchor = "ra" if rtl else "la"
    text = {"direction": "rtl", "language": "fa"} if rtl else {"direction": "ltr", "language": "en"}

    draw.rectangle((0, 0, WIDTH, 230), fill=GREEN)
    draw.text((WIDTH // 2, 70), content.title, font=_font(58, bold=True), fill="white", anchor="ma", **text)
    draw.text((WIDTH // 2, 160), content.subtitle, font=_font(30), fill="#dfeee8", anchor="ma", **text)

    y = 290
    for caption, value in content.rows:
        draw.text((edge, y), caption, font=_font(28), fill=MUTED, anchor=anchor, **text)
        draw.text((edge, y + 40), value, font=_font(40, bold=True), fill=INK, anchor=anchor, **text)
        y += 118

    draw.line((80, y + 5, WIDTH - 80, y + 5), fill="#d6d2c4", width=3)
    # Footer: the QR code on the side the eye reaches last, the permit number on the other.
    qr = Image.open(io.BytesIO(qr_png(content.qr_link, scale=8))).convert("RGB")
    qr_left = 80 if rtl else WIDTH - 80 - qr.width
    image.paste(qr, (qr_left, y + 35))
    room = WIDTH - 160 - qr.width - 40
    number_font = _font(52, bold=True)
    while draw.textlength(content.number, font=number_font) > room and number_font.size > 24:
        number_font = _font(number_font.size - 4, bold=True)
    draw.text((edge, y + 60), content.number_label, font=_font(28), fill=MUTED, anchor=anchor, **text)
    draw.text((edge, y + 105), content.number, font=number_font, fill=GREEN, anchor=anchor, direction="ltr",
              language="en")
    draw.text((WIDTH // 2, HEIGHT - 75), content.qr_caption, font=_font(26), fill=MUTED, anchor="ma", **text)
    draw.rectangle((12, 12, WIDTH - 13, HEIGHT - 13), outline=GREEN, width=6)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_card_pdf(content: CardContent) -> bytes:
    """The same card on an A5 page, with real (selectable, sharp) text for printing."""
    pdf = FPDF(orientation="P", unit="mm", format=(148, 210))  # A5
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(True)  # uharfbuzz: joined Persian letters, right-to-left runs
    pdf.add_page()
    width = pdf.w - 24
    align = "R" if content.lang == "fa" else "L"

    pdf.set_fill_color(31, 111, 85)
    pdf.rect(0, 0, pdf.w, 34, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", "B", 20)
    pdf.set_xy(12, 8)
    pdf.cell(width, 10, content.title, align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(12, 21)
    pdf.cell(width, 6, content.subtitle, align="C")

    y = 42.0
    for caption, value in content.rows:
        pdf.set_xy(12, y)
        pdf.set_text_color(107, 107, 107)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(width, 5, caption, align=align)
        pdf.set_xy(12, y + 5)
        pdf.set_text_color(29, 29, 29)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(width, 7, value, align=align)
        y += 15
    pdf.set_draw_color(214, 210, 196)
    pdf.line(12, y + 1, pdf.w - 12, y + 1)
    pdf.set_xy(12, y + 4)
    pdf.set_text_color(107, 107, 107)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, content.number_label, align=align)
    pdf.set_xy(12, y + 9)
    pdf.set_text_color(31, 111, 85)
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_text_shaping(True, direction="ltr")  # a code reads left to right in both languages, as on the PNG
    pdf.cell(width, 9, content.number, align=align)
    pdf.set_text_shaping(True)

    qr_size = 46
    pdf.image(io.BytesIO(qr_png(content.qr_link)), x=(pdf.w - qr_size) / 2, y=pdf.h - qr_size - 16, w=qr_size)
    pdf.set_xy(12, pdf.h - 14)
    pdf.set_text_color(107, 107, 107)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, content.qr_caption, align="C")
    return bytes(pdf.output())
