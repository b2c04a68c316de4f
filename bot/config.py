"""Settings from the environment (and an optional `.env`), validated once at start-up."""

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.platforms import API_URLS, FEATURES, Features, KeyboardEdits, Platform, TextFormat
from domain.identity import parse_person
from domain.lifecycle import Stage
from domain.training import Rollout, parse_rollout
from storage.catalog import Bank, CatalogError, parse_banks
from storage.postgres import mask_password

LANGUAGES = ("fa", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_API_URL, DEFAULT_FILE_API_URL = API_URLS[Platform.TELEGRAM]
DEFAULT_DATABASE = Path("data/bot.sqlite3")
DEFAULT_BANKS_FILE = Path(__file__).resolve().parent.parent / "data" / "banks.csv"
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable and how to fix it."""


@dataclass(frozen=True, slots=True)
class Rules:
    """Programme rules with no published official value (DOMAIN.md): defaults, overridable per deployment."""

    min_age_independent: int = 18
    min_age_supporter: int = 20
    supporter_min_experience_years: int = 5
    supporter_min_own_share_percent: int = 20
    max_workers: int = 100
    permit_number_format: str = "{province}-{year}-{seq:05d}-{check}"
    permit_validity_years: int = 5  # unverified: guild permits run 5 years under another law
    draft_ttl_days: int = 7
    max_open_applications: int = 3  # a person's applications in progress at once (each costs officers' time)
    # Loan ceilings change every Iranian year (1404: 200 M toman independent; support plans 4 bn toman).
    loan_ceiling_independent_toman: int = 200_000_000
    loan_ceiling_support_toman: int = 4_000_000_000
    assessment_retake_days: int = 7  # the readiness self-assessment may be taken again a week after the last


@dataclass(frozen=True, slots=True)
class StageTargets:
    """Days an application may wait for each officer step before it is overdue (⏰, the morning digest)."""

    supervision_days: int = 14  # from the permit
    eligibility_days: int = 14  # from supervision
    queue_days: int = 7  # from eligibility to the loan queue
    introduction_days: int = 30  # from the queue to a bank
    loan_days: int = 60  # from the bank introduction to the loan

    def by_stage(self) -> dict[Stage, int]:
        """The target of the step an application waits for, by the stage it waits at."""
        return {Stage.PERMIT_ISSUED: self.supervision_days, Stage.SUPERVISED: self.eligibility_days,
                Stage.ELIGIBLE: self.queue_days, Stage.QUEUED: self.introduction_days,
                Stage.INTRODUCED_TO_BANK: self.loan_days}


@dataclass(frozen=True, slots=True)
class BotSettings:
    """One messenger's bot: its token and where its Bot API lives."""

    platform: Platform
    token: str
    api_url: str
    file_api_url: str
    features: Features  # what the platform offers, as the settings override it

    def __repr__(self) -> str:  # the token stays out of every printout
        return f"BotSettings({self.platform}, api_url={self.api_url!r})"


@dataclass(frozen=True, slots=True)
class Config:
    token: str  # the main bot's (the only one, unless both messengers are served)
    api_url: str = DEFAULT_API_URL
    file_api_url: str = DEFAULT_FILE_API_URL
    platform: Platform = Platform.TELEGRAM  # the main bot's messenger
    features: Features = FEATURES[Platform.TELEGRAM]  # what the main bot's platform offers, as overridden
    other_bots: tuple[BotSettings, ...] = ()  # served beside the main bot, on the same store
    database_path: Path = DEFAULT_DATABASE
    database_url: str | None = None  # postgresql://…: PostgreSQL instead of the SQLite file
    database_pool: tuple[int, int] = (2, 10)  # PostgreSQL connections per process: (min, max)
    leader_poll_seconds: float = 2.0  # how often a standby tries to become the leader (PostgreSQL only)
    health_listen: tuple[str, int] | None = None  # an HTTP endpoint answering 200 only on the leader
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = ZoneInfo("Asia/Tehran")
    default_language: str = "fa"
    log_level: str = "INFO"
    rules: Rules = Rules()
    banks: tuple[Bank, ...] = ()
    stats_time: time = time(20, 0)  # local time of the daily channel posts
    targets: StageTargets = StageTargets()
    digest_time: time = time(8, 0)  # local time of each officer's morning digest
    permit_secret: str | None = None  # signs the permit QR codes; None: generated once, in a file beside the database
    flood_limit: int = 20  # updates a user may send per flood_window seconds before a quiet period
    flood_window: int = 10
    flood_cooldown: int = 30
    max_concurrent_updates: int = 256  # updates handled at once (each person's still one after another)
    webhook_url: str | None = None  # public HTTPS URL: run_webhook instead of polling
    webhook_listen: tuple[str, int] = ("127.0.0.1", 8443)  # behind a reverse proxy that terminates TLS
    webhook_secret: str | None = None  # Telegram's secret_token header, and a path segment for Bale
    retention_years: int = 5  # personal fields of applications closed longer ago are erased (daily job)
    advice_overdue_days: int = 3  # an advice question unanswered this long is listed in the officers' digest
    # Training before the money: where queueing waits for a required course by default (/newmodel overrides).
    training_before_queue: Rollout = Rollout()

    def __repr__(self) -> str:  # never print the token, even in a traceback or debug log
        return f"Config(platform={self.platform!r}, api_url={self.api_url!r}, database={self.database_label!r}, …)"

    @property
    def bots(self) -> tuple[BotSettings, ...]:
        """Every bot served: the main one first."""
        return (BotSettings(self.platform, self.token, self.api_url, self.file_api_url, self.features),
                *self.other_bots)

    def for_platform(self, platform: Platform) -> "Config":
        """The settings as they apply to the bot of `platform` (its token and URLs, its features)."""
        bot = next(bot for bot in self.bots if bot.platform is platform)
        return replace(self, token=bot.token, api_url=bot.api_url, file_api_url=bot.file_api_url,
                       platform=platform, features=bot.features, other_bots=())

    @property
    def database(self) -> Path | str:
        """What the store opens: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """The database as it may be printed: the password masked."""
        return mask_password(self.database_url) if self.database_url else str(self.database_path)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path = Path(".env")) -> "Config":
        """Read settings; the real environment wins over `.env`. Raises `ConfigError`."""
        env = _environment(environ, env_file)
        main, *others = _bots(env)
        return cls(
            token=main.token,
            api_url=main.api_url,
            file_api_url=main.file_api_url,
            platform=main.platform,
            features=main.features,
            other_bots=tuple(others),
            database_path=Path(env.get("DATABASE_PATH") or DEFAULT_DATABASE),
            database_url=_database_url(env.get("DATABASE_URL") or None),
            database_pool=_pool(env),
            leader_poll_seconds=_int(env, "LEADER_POLL_SECONDS", 2, 1, 60),
            health_listen=_listen(env["HEALTH_LISTEN"], "HEALTH_LISTEN") if env.get("HEALTH_LISTEN") else None,
            admin_ids=_admin_ids(env.get("ADMIN_IDS", ""), main.platform),
            timezone=_timezone(env.get("TIMEZONE") or "Asia/Tehran"),
            default_language=_choice(env, "DEFAULT_LANGUAGE", "fa", LANGUAGES, str.lower),
            log_level=_choice(env, "LOG_LEVEL", "INFO", LOG_LEVELS, str.upper),
            rules=_rules(env),
            banks=_banks(Path(env.get("BANKS_FILE") or DEFAULT_BANKS_FILE)),
            stats_time=_clock_time(env.get("STATS_TIME") or "20:00"),
            targets=_targets(env),
            digest_time=_clock_time(env.get("DIGEST_TIME") or "08:00", "DIGEST_TIME"),
            permit_secret=_secret(env.get("PERMIT_SECRET") or None),
            flood_limit=_int(env, "FLOOD_LIMIT", 20, 1, 10_000),
            flood_window=_int(env, "FLOOD_WINDOW_SECONDS", 10, 1, 3600),
            flood_cooldown=_int(env, "FLOOD_COOLDOWN_SECONDS", 30, 1, 86_400),
            max_concurrent_updates=_int(env, "MAX_CONCURRENT_UPDATES", 256, 1, 100_000),
            webhook_url=_webhook_url(env.get("WEBHOOK_URL") or None),
            webhook_listen=_listen(env.get("WEBHOOK_LISTEN") or "127.0.0.1:8443"),
            webhook_secret=_webhook_secret(env.get("WEBHOOK_SECRET") or None),
            retention_years=_int(env, "RETENTION_YEARS", 5, 1, 100),
            advice_overdue_days=_int(env, "ADVICE_OVERDUE_DAYS", 3, 1, 365),
            training_before_queue=_rollout(env.get("TRAINING_BEFORE_QUEUE") or "none"),
        )._shared_settings_checked()

    def _shared_settings_checked(self) -> "Config":
        if self.other_bots and self.webhook_url:
            raise ConfigError("WEBHOOK_URL serves one bot: with TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN both set, the"
                              " bots poll (unset WEBHOOK_URL)")
        # Processes on several hosts share one PostgreSQL: a secret generated beside one host's file would differ.
        if self.database_url and self.webhook_url and not self.webhook_secret:
            raise ConfigError("WEBHOOK_SECRET must be set when DATABASE_URL is: every process must give Telegram"
                              " the same webhook URL")
        return self


def _rollout(raw: str) -> Rollout:
    rollout = parse_rollout(raw)
    if rollout is None:
        raise ConfigError("TRAINING_BEFORE_QUEUE must be none, all, or comma-separated province codes "
                          f"(IR-15,IR-29 or 15,29); got {raw!r}")
    return rollout


def _features(env: Mapping[str, str], defaults: Features) -> Features:
    """The platform's features, each overridable: Bale changes, and a local Bot API server may differ."""
    return Features(
        text_format=TextFormat(_choice(env, "PARSE_MODE", defaults.text_format, tuple(TextFormat), str.lower)),
        request_users=_switch(env, "REQUEST_USERS", defaults.request_users),
        command_menus=_switch(env, "COMMAND_MENUS", defaults.command_menus),
        secret_token_header=defaults.secret_token_header,
        keyboard_edits=KeyboardEdits(_choice(env, "EDIT_KEYBOARDS", defaults.keyboard_edits, tuple(KeyboardEdits),
                                             str.lower)),
        poll_interval=_seconds(env, "POLL_INTERVAL", defaults.poll_interval, 0, 60),
    )


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    return _choice(env, name, "on" if default else "off", ("on", "off"), str.lower) == "on"


def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name) or f"{default:g}"
    if not re.fullmatch(r"[0-9]{1,5}(\.[0-9]{1,3})?", raw) or not low <= float(raw) <= high:
        raise ConfigError(f"{name} must be a number of seconds from {low:g} to {high:g}, such as 1 or 0.5; "
                          f"got {raw!r}")
    return float(raw)


def _bots(env: Mapping[str, str]) -> list[BotSettings]:
    """The bots to serve, Telegram's first: TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN (both: both messengers at
    once), or BOT_TOKEN for the one bot of PLATFORM. BOT_API_URL and BOT_FILE_API_URL move PLATFORM's bot;
    TELEGRAM_API_URL and BALE_API_URL move each bot (a local Bot API server, a test stand-in). The feature
    settings (PARSE_MODE, EDIT_KEYBOARDS, …) change PLATFORM's bot; another bot has its platform's defaults."""
    single_platform = Platform(_choice(env, "PLATFORM", "telegram", tuple(Platform), str.lower))
    tokens: dict[Platform, str] = {}
    for platform in Platform:
        name = f"{platform.upper()}_BOT_TOKEN"
        if env.get(name):
            tokens[platform] = _token(env[name], name)
    if env.get("BOT_TOKEN"):
        if single_platform in tokens:
            raise ConfigError(f"BOT_TOKEN and {single_platform.upper()}_BOT_TOKEN name the same bot: set one")
        tokens[single_platform] = _token(env["BOT_TOKEN"], "BOT_TOKEN")
    if not tokens:
        where = "Bale's @botfather" if single_platform is Platform.BALE else "@BotFather"
        raise ConfigError(
            f"BOT_TOKEN is not set: get a token from {where} and run with BOT_TOKEN=123456:ABC… "
            "(or put it in .env; TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN serve both messengers at once)"
        )
    bots = []
    for platform, token in sorted(tokens.items(), key=lambda item: list(Platform).index(item[0])):
        default_api, default_file = API_URLS[platform]
        if platform is single_platform and env.get("BOT_API_URL"):
            default_api = _url(env, "BOT_API_URL", default_api)
            default_file = _file_url_for(default_api)
        if platform is single_platform and env.get("BOT_FILE_API_URL"):
            default_file = _url(env, "BOT_FILE_API_URL", default_file)
        api_name = f"{platform.upper()}_API_URL"
        api_url = _url(env, api_name, default_api)
        file_url = _file_url_for(api_url, api_name) if env.get(api_name) else default_file
        features = _features(env, FEATURES[platform]) if platform is single_platform else FEATURES[platform]
        bots.append(BotSettings(platform, token, api_url, file_url, features))
    return bots


def _token(token: str, name: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise ConfigError(f"{name} looks malformed: it should look like 123456789:AAH… as @BotFather (or Bale's"
                          " @BotFather) gives it")
    return token


def _database_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("postgresql", "postgres") or port == -1 or not (parts.hostname or "host=" in value):
        raise ConfigError(f"DATABASE_URL must look like postgresql://user:password@host:5432/database; "
                          f"got {mask_password(value)!r}")
    return value


def _pool(env: Mapping[str, str]) -> tuple[int, int]:
    low = _int(env, "DATABASE_POOL_MIN", 2, 1, 100)
    high = _int(env, "DATABASE_POOL_MAX", 10, 1, 100)
    if high < low:
        raise ConfigError(f"DATABASE_POOL_MAX ({high}) must be at least DATABASE_POOL_MIN ({low})")
    return low, high


def _webhook_url(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"https://[^\s/]+(/\S*)?", value):
        raise ConfigError(f"WEBHOOK_URL must be the public https:// address Telegram posts to; got {value!r}")
    return value.rstrip("/") if value else None


def _listen(value: str, name: str = "WEBHOOK_LISTEN") -> tuple[str, int]:
    match = re.fullmatch(r"\[?([0-9A-Za-z.:-]+?)\]?:([0-9]{1,5})", value)
    if match is None or not 0 < int(match.group(2)) < 65536:
        raise ConfigError(f"{name} must be host:port, such as 127.0.0.1:8443; got {value!r}")
    return match.group(1), int(match.group(2))


def _webhook_secret(value: str | None) -> str | None:
    # Telegram allows 1-256 characters A-Z a-z 0-9 _ - in secret_token; the same secret is a URL path segment.
    if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
        raise ConfigError("WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or - (or unset, to generate one)")
    return value


def database_path_from_env(environ: Mapping[str, str] | None = None, env_file: Path = Path(".env")) -> Path:
    """DATABASE_PATH alone, for commands that need no token (`main.py backup`)."""
    return Path(_environment(environ, env_file).get("DATABASE_PATH") or DEFAULT_DATABASE)


def _environment(environ: Mapping[str, str] | None, env_file: Path) -> dict[str, str]:
    """The given settings, or `.env` overlaid by the real environment; values trimmed."""
    if environ is None:
        file_values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
        environ = {**file_values, **os.environ}
    return {key: value.strip() for key, value in environ.items()}


def _secret(value: str | None) -> str | None:
    if value is not None and len(value) < 16:
        raise ConfigError("PERMIT_SECRET must be at least 16 characters (or unset, to generate one)")
    return value


def _targets(env: Mapping[str, str]) -> StageTargets:
    defaults = StageTargets()
    return StageTargets(**{field: _int(env, f"TARGET_{field.upper()}", getattr(defaults, field), 1, 3650)
                           for field in StageTargets.__dataclass_fields__})


def _clock_time(raw: str, name: str = "STATS_TIME") -> time:
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", raw)
    if match is None:
        raise ConfigError(f"{name} must be a 24-hour local time such as 20:00; got {raw!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _banks(path: Path) -> tuple[Bank, ...]:
    try:
        return parse_banks(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"BANKS_FILE {str(path)!r} cannot be read ({error.strerror})") from None
    except CatalogError as error:
        raise ConfigError(f"BANKS_FILE {str(path)!r} {error}: columns are code,name_fa,name_en") from None


def _rules(env: Mapping[str, str]) -> Rules:
    defaults = Rules()
    permit_format = env.get("PERMIT_NUMBER_FORMAT") or defaults.permit_number_format
    try:
        sample = permit_format.format(province="15", year=1405, seq=1, check=0)
    except (KeyError, IndexError, ValueError):
        sample = ""
    # The number travels in a t.me deep link (start parameters allow only A-Z a-z 0-9 _ -).
    if "{seq" not in permit_format or not re.fullmatch(r"[A-Za-z0-9-]{1,32}", sample):
        raise ConfigError(
            "PERMIT_NUMBER_FORMAT must be a Python format string over {province}, {year}, {seq} and {check} "
            "that includes {seq} and gives at most 32 letters, digits or dashes, "
            "e.g. {province}-{year}-{seq:05d}-{check}"
        )
    return Rules(
        min_age_independent=_int(env, "MIN_AGE_INDEPENDENT", defaults.min_age_independent, 15, 70),
        min_age_supporter=_int(env, "MIN_AGE_SUPPORTER", defaults.min_age_supporter, 15, 70),
        supporter_min_experience_years=_int(
            env, "SUPPORTER_MIN_EXPERIENCE_YEARS", defaults.supporter_min_experience_years, 0, 40
        ),
        supporter_min_own_share_percent=_int(
            env, "SUPPORTER_MIN_OWN_SHARE_PERCENT", defaults.supporter_min_own_share_percent, 0, 100
        ),
        max_workers=_int(env, "MAX_WORKERS", defaults.max_workers, 1, 10000),
        permit_number_format=permit_format,
        permit_validity_years=_int(env, "PERMIT_VALIDITY_YEARS", defaults.permit_validity_years, 1, 99),
        draft_ttl_days=_int(env, "DRAFT_TTL_DAYS", defaults.draft_ttl_days, 1, 365),
        max_open_applications=_int(env, "MAX_OPEN_APPLICATIONS", defaults.max_open_applications, 1, 100),
        loan_ceiling_independent_toman=_int(env, "LOAN_CEILING_INDEPENDENT_TOMAN",
                                            defaults.loan_ceiling_independent_toman, 1, 10**12),
        loan_ceiling_support_toman=_int(env, "LOAN_CEILING_SUPPORT_TOMAN", defaults.loan_ceiling_support_toman,
                                        1, 10**13),
        assessment_retake_days=_int(env, "ASSESSMENT_RETAKE_DAYS", defaults.assessment_retake_days, 0, 365),
    )


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name) or str(default)
    if not re.fullmatch(r"[0-9]{1,14}", raw) or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}; got {raw!r}")
    return int(raw)


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    if not re.fullmatch(r"https?://\S+", value):
        raise ConfigError(f"{name} must be an http(s) URL such as https://api.telegram.org/bot, got {value!r}")
    return value.rstrip("/")


def _file_url_for(api_url: str, name: str = "BOT_API_URL") -> str:
    """https://host/bot -> https://host/file/bot, the layout of Telegram, Bale and the local Bot API server."""
    base = api_url.rstrip("/")
    if not base.endswith("/bot"):
        raise ConfigError(
            f"BOT_FILE_API_URL is not set and cannot be derived from {name}={api_url!r} "
            "(it does not end in /bot): set BOT_FILE_API_URL too" if name == "BOT_API_URL" else
            f"{name} must end in /bot (its file URL is derived from it); got {api_url!r}"
        )
    return base[: -len("/bot")] + "/file/bot"


def _admin_ids(raw: str, main: Platform) -> frozenset[int]:
    """Numeric user ids on the main bot's messenger; `bale:123` or `telegram:123` for the other one."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    ids = [parse_person(part, main) for part in parts]
    bad = [part for part, person in zip(parts, ids, strict=True) if person is None]
    if bad:
        raise ConfigError(
            f"ADMIN_IDS must be comma-separated numeric user ids (e.g. 12345,67890, or bale:12345 for a Bale"
            f" admin beside a Telegram bot); {bad[0]!r} is not one"
        )
    return frozenset(person for person in ids if person is not None)


def _timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {name!r} is not a known time zone: use a name such as Asia/Tehran") from None


def _choice(
    env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...], fold: Callable[[str], str]
) -> str:
    value = fold(env.get(name) or default)
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {env.get(name)!r}")
    return value
