"""The one way to produce user-visible text: jinja2 templates per language.

Messages live in `<lang>/<flow>/<event>.html` (autoescaped for HTML parse mode); short button and
menu labels live in `<lang>/labels.toml` (plain text, rendered with the same filters).
"""

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from domain.identity import Platform, person_label
from messages import formatting

LANGUAGES = ("fa", "en")
TEMPLATE_ROOT = Path(__file__).resolve().parent


@pass_context
def _messenger(context: Context) -> str:
    """The reader's messenger in the text's language: «تلگرام» or «بله»."""
    return _fixed_label(context["lang"], f"messenger.{_READER_MESSENGER.get() or _settings['messenger']}")


@pass_context
def _num(context: Context, value: int | float) -> str:
    return formatting.format_number(value, context["lang"])


@pass_context
def _digits(context: Context, value: object) -> str:
    return formatting.localize_digits(value, context["lang"])


@pass_context
def _permit(context: Context, value: object) -> str:
    return formatting.format_code(value, context["lang"])


@pass_context
def _postal(context: Context, value: object) -> str:
    return formatting.format_postal_code(value, context["lang"])


@pass_context
def _toman(context: Context, rials: int) -> str:
    return formatting.format_toman(rials, context["lang"])


@pass_context
def _jdate(context: Context, value: Any) -> str:
    return formatting.format_jalali(value, context["lang"], _settings["timezone"])


@pass_context
def _jmonth(context: Context, value: Any) -> str:
    return formatting.format_jalali_month(value, context["lang"], _settings["timezone"])


@pass_context
def _jdatetime(context: Context, value: Any) -> str:
    return formatting.format_jalali_datetime(value, context["lang"], _settings["timezone"])


def _person(value: int, viewer: str) -> str:
    """A person's id as someone on `viewer` types it back (domain/identity.py)."""
    return person_label(value, Platform(viewer))


# Characters that change how the rest of a line is shown (bidi embeddings, overrides, isolates) or that no
# sink shows at all (controls but tab and newline): a typed U+202E would turn a card or a message around.
_UNSHOWABLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """The one path every person-supplied string takes before it is shown, whatever shows it: templates (then
    HTML-escaped by autoescape, or not at all in plain-text mode and labels), chart labels and permit cards."""
    return _UNSHOWABLE.sub("", str(value))


def _finalize(value: Any) -> Any:
    """Every {{ value }} of every template and label goes through `clean` (numbers and Markup stay as they are)."""
    return clean(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_ROOT),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.globals["messenger"] = _messenger
    env.filters.update(num=_num, digits=_digits, toman=_toman, jdate=_jdate, jdatetime=_jdatetime,
                       jmonth=_jmonth, permit=_permit, postal=_postal, person=_person)
    return env


@cache
def _message_environment() -> Environment:
    return _environment(autoescape=True)


@cache
def _label_templates(lang: str) -> dict[str, Template]:
    with (TEMPLATE_ROOT / lang / "labels.toml").open("rb") as file:
        raw = _flatten(tomllib.load(file))
    env = _environment(autoescape=False)  # buttons and alerts are never parsed as HTML
    return {key: env.from_string(text) for key, text in raw.items()}


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


# Set once by the application factory from the settings (TIMEZONE, PLATFORM). Texts are rendered in Telegram's
# HTML for everyone; each bot turns them into what its client reads (bot/platform_bot.py: Bale's Markdown).
_settings: dict[str, Any] = {"timezone": formatting.TEHRAN, "messenger": "telegram"}
# The messenger of the person a text is for, where it is not the main bot's (an update from Bale, a courier
# delivery to someone on Bale): set around the work by `reading_on`.
_READER_MESSENGER: ContextVar[str | None] = ContextVar("reader_messenger", default=None)


def configure(*, timezone: ZoneInfo, messenger: str = "telegram") -> None:
    """timezone: the calendar day dates are shown in. messenger: the main bot's platform, named in texts
    (a `messenger.` label)."""
    _settings.update(timezone=timezone, messenger=messenger)


@contextmanager
def reading_on(messenger: str) -> Iterator[None]:
    """Texts rendered inside are for someone on `messenger` («verified by Bale»)."""
    token = _READER_MESSENGER.set(messenger)
    try:
        yield
    finally:
        _READER_MESSENGER.reset(token)


def render(lang: str, name: str, **context: Any) -> str:
    """The message `name` (e.g. "common/welcome") in `lang`, trimmed."""
    template = _message_environment().get_template(f"{lang}/{name}.html")
    text = template.render(lang=lang, **context).strip()
    return text


def label(lang: str, key: str, **context: Any) -> str:
    """A short plain-text label (button, menu entry, alert), e.g. label("fa", "menu.help")."""
    if not context:
        return _fixed_label(lang, key)
    return _label_templates(lang)[key].render(lang=lang, **context).strip()


@cache
def _fixed_label(lang: str, key: str) -> str:
    """Labels without variables are rendered once: keyboards use dozens per step."""
    return _label_templates(lang)[key].render(lang=lang).strip()


def label_keys(lang: str) -> set[str]:
    return set(_label_templates(lang))


def all_labels(key: str) -> set[str]:
    """The label in every language: what a menu button may say when it comes back as text."""
    return {label(lang, key) for lang in LANGUAGES}


def template_names(lang: str) -> set[str]:
    root = TEMPLATE_ROOT / lang
    return {str(path.relative_to(root).with_suffix("")) for path in root.rglob("*.html")}
