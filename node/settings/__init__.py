"""Node settings: one typed object read from ``ENTRAIDE_*`` variables and an optional TOML file.

Precedence (highest first): explicit keyword arguments, environment variables, the TOML file named
by ``ENTRAIDE_CONFIG`` (or ``./entraide.toml`` when it exists), then the defaults below.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from federation.origin import domain_of
from node.settings.backends import (
    MAIL_SCHEMES,
    SMS_SCHEMES,
    check_backend,
    refuse_console_in_production,
)
from node.settings.files import DEFAULT_CONFIG_FILE, ENV_PREFIX, config_file_path
from node.settings.guide import GUIDE_CATEGORIES

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "ENV_PREFIX",
    "GUIDE_CATEGORIES",
    "Settings",
    "SettingsError",
    "config_file_path",
    "load_settings",
]


class Settings(BaseSettings):
    """Everything an operator can configure. Field ``x`` is read from ``ENTRAIDE_X``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", validate_default=True, frozen=True
    )

    base_url: str = Field(
        "http://127.0.0.1:8000", description="Public URL of the node, as users reach it"
    )
    data_dir: Path = Field(Path("data"), description="Directory for the SQLite file and keys")
    database_url: str = Field(
        "", description="sqlite://PATH or postgres://user:pass@host:port/db; default: SQLite file"
    )
    node_name: str = Field("Entraide", min_length=1, max_length=80)
    node_kind: Literal["city", "association"] = "city"
    node_icon_url: str | None = Field(
        None, description="The node's logo (PNG or JPEG URL) shown by fediverse servers"
    )
    default_language: Literal["fr", "en"] = "fr"
    country: str = Field(
        "FR", pattern=r"^[A-Z]{2}$", description="ISO 3166 country: the emergency numbers shown"
    )
    emergency_numbers: str = Field(
        "",
        max_length=1000,
        description="Emergency numbers shown for a danger report, as number=label,… "
        "(default: the country's)",
    )
    guide_categories: str = Field(
        "",
        max_length=1000,
        description="More categories for the solidarity guide, comma-separated words "
        "(besides food, shelter, shower, laundry, toilets, day_centre, health, dental, "
        "domiciliation, luggage, water, charging)",
    )
    reports_per_hour: int = Field(10, ge=1, le=1000, description="Reports a member may make")
    area_lat: float = Field(48.8566, ge=-90, le=90, description="Centre of the node's area")
    area_lon: float = Field(2.3522, ge=-180, le=180)
    area_radius_km: float = Field(10.0, gt=0, le=200)
    secret_key: SecretStr = Field(
        SecretStr(""), description="Signs tokens and links; generated in data_dir when empty"
    )
    sms_backend: str = "console"
    mail_backend: str = "console"
    mail_from: str = "Entraide <no-reply@localhost>"
    max_body_bytes: int = Field(1_048_576, ge=1024)
    http_header_timeout: float = Field(
        10, gt=0, le=300, description="Seconds a client has to send a request's headers"
    )
    http_body_timeout: float = Field(
        30, gt=0, le=3600, description="Seconds a client has to send a request's body (408)"
    )
    http_max_connections: int = Field(
        1000,
        ge=10,
        le=100_000,
        description="Requests in progress per server process; more are answered 503 at once",
    )
    rate_limit_per_minute: int = Field(10, ge=1, description="Sign-up, log-in and code requests")
    phone_change_delay_hours: int = Field(
        72,
        ge=0,
        le=720,
        description="Hours between a confirmed change of a lost phone number and its effect",
    )
    sms_per_hour: int = Field(
        300, ge=1, description="Verification SMS the whole node may send per hour"
    )
    calls_per_association_day: int = Field(
        3, ge=1, le=100, description="Calls for help one association may post per 24 hours"
    )
    calls_per_member_week: int = Field(
        3,
        ge=0,
        le=100,
        description="Calls a member is told about per 7 days outside the associations they follow",
    )
    urgent_calls_per_day: int = Field(
        2, ge=1, le=50, description="Urgent calls the node admins may send per 24 hours"
    )
    action_ttl_days: int = Field(30, ge=1, le=365, description="Open actions expire after this")
    round_auto_close_hours: float = Field(
        4, gt=0, le=48, description="Outreach rounds left open are closed after this"
    )
    encounter_retention_hours: float = Field(
        48, gt=0, le=720, description="Encounter details are purged this long after a round ends"
    )
    coordination_window_hours: float = Field(
        12, gt=0, le=72, description="Default window of the outreach coordination view"
    )
    map_tile_url: str = Field(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="Map tiles for the web pages ({z}/{x}/{y}); absolute, or a path on the node",
    )
    map_attribution: str = Field("© OpenStreetMap", max_length=200)
    gazetteer_file: Path | None = Field(
        None,
        description="CSV of place names members may type instead of a point (name,lat,lon,"
        "aliases); default: Paris and its first ring",
    )
    session_days: float = Field(14, gt=0, le=365, description="Web log-in sessions last this long")
    timezone: str = Field("Europe/Paris", description="Times shown in the web pages")
    quiet_hours: str = Field(
        "22:00-08:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Push and SMS wait until the end of these hours (node timezone), except urgent",
    )
    digest_delay_minutes: int = Field(
        15, ge=1, le=1440, description="An unread notification goes into a digest mail after this"
    )
    digest_max_per_day: int = Field(3, ge=1, le=24, description="Digest mails per member per day")
    guide_sms_secret: SecretStr = Field(
        SecretStr(""),
        description="Shared secret of the SMS gateway posting to /api/v1/sms/inbound; "
        "the webhook is off while empty",
    )
    guide_sms_per_hour: int = Field(
        6, ge=1, le=100, description="Guide questions answered per phone number per hour"
    )
    guide_sms_per_node_per_hour: int = Field(
        300, ge=1, description="Guide answers the whole node may send per hour"
    )
    sms_per_member_per_day: int = Field(3, ge=0, le=50, description="Notification SMS cap")
    sms_per_node_per_day: int = Field(200, ge=0, description="Notification SMS cap for the node")
    federation_allow_private: bool = False
    federation_allow_loopback: bool = Field(
        False,
        description="Allow federation with loopback addresses only (several nodes on one "
        "machine behind TLS); private ranges stay refused",
    )
    federation_ca_file: Path | None = Field(
        None,
        description="PEM file of extra certificate authorities trusted for federation "
        "(a private CA); the usual public ones stay trusted",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (rate limits count per client address)",
    )
    worker_in_process: bool = True
    # A worker holds the rows it claimed for this long; when its machine dies mid-send, another
    # worker takes them over once the lease has run out (the in-flight ones may go twice: the
    # receiving inboxes deduplicate by activity id).
    delivery_lease_seconds: int = Field(
        120,
        ge=1,
        le=3600,
        description="Seconds a worker holds the deliveries it claimed before another worker may "
        "take them over (a worker that died); longer than a batch can take (~70 s if every "
        "partner times out)",
    )
    worker_poll_seconds: float = Field(
        1.0,
        gt=0,
        le=60,
        description="Seconds an idle federation worker waits before looking for due rows again "
        "(work queued by another process is seen at the next poll)",
    )
    api_token_days: int = Field(
        30, ge=1, le=365, description="Days an API token lives before it must be refreshed"
    )
    # Argon2id costs (RFC 9106; argon2-cffi's defaults). A hash keeps its own parameters, so a
    # change applies to new passwords and to each account at its next log-in.
    password_time_cost: int = Field(3, ge=1, le=20, description="Argon2id passes over memory")
    password_memory_kib: int = Field(
        65536, ge=64, le=4 * 1024 * 1024, description="Argon2id memory per hash, in KiB"
    )
    password_parallelism: int = Field(4, ge=1, le=16, description="Argon2id lanes")
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token that may read /metrics (node admins always may)"
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as plain text or one JSON object per line"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file_path()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as https://entraide.example.org")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("must be the bare origin, without a path or query")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("sqlite", "postgres", "asyncpg", "psycopg"):
            raise ValueError("must start with sqlite:// or postgres://")
        return value

    @field_validator("node_icon_url")
    @classmethod
    def _icon(cls, value: str | None) -> str | None:
        if value and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname
        ):
            raise ValueError("must be an http(s) URL")
        return value or None

    @field_validator("map_tile_url")
    @classmethod
    def _tiles(cls, value: str) -> str:
        parts = urlsplit(value)
        absolute = parts.scheme in ("http", "https") and bool(parts.hostname)
        if not (absolute or (not parts.scheme and value.startswith("/"))):
            raise ValueError("must be an http(s) URL or a path starting with /")
        if not all(part in value for part in ("{z}", "{x}", "{y}")):
            raise ValueError("must contain {z}, {x} and {y}")
        return value

    @field_validator("gazetteer_file")
    @classmethod
    def _gazetteer(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a readable file")
        return value

    @property
    def place_categories(self) -> tuple[str, ...]:
        """The guide's categories: the standard list, then the node's own."""
        extra = [word.strip() for word in self.guide_categories.split(",") if word.strip()]
        return GUIDE_CATEGORIES + tuple(word for word in extra if word not in GUIDE_CATEGORIES)

    @field_validator("guide_categories")
    @classmethod
    def _guide_categories(cls, value: str) -> str:
        for word in value.split(","):
            if word.strip() and not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", word.strip()):
                raise ValueError(f"a category is a lowercase word: {word.strip()!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone; use a name such as Europe/Paris") from None
        return value

    @field_validator("sms_backend")
    @classmethod
    def _sms(cls, value: str, info: ValidationInfo) -> str:
        refuse_console_in_production(value, info, "codes and phone numbers", "an SMS gateway")
        return check_backend(value, SMS_SCHEMES, "SMS")

    @field_validator("mail_backend")
    @classmethod
    def _mail(cls, value: str, info: ValidationInfo) -> str:
        refuse_console_in_production(value, info, "links and addresses", "an SMTP server")
        return check_backend(value, MAIL_SCHEMES, "mail")

    @model_validator(mode="after")
    def _defaults_from_data_dir(self) -> Settings:
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite://{self.data_dir / 'entraide.sqlite3'}"
            )
        return self

    @property
    def domain(self) -> str:
        """The host (and port, when not the default) that names this node on the fediverse, in
        the normal form other nodes store it in (:func:`federation.origin.domain_of`)."""
        return domain_of(self.base_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def secret(self) -> bytes:
        """The node secret; read from data_dir (created once, 0600) when not configured."""
        configured = self.secret_key.get_secret_value()
        if configured:
            return configured.encode()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


class SettingsError(Exception):
    """Settings that cannot start a node; ``str()`` is one line naming the setting."""


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            lines.append(f"invalid setting {ENV_PREFIX}{name.upper()}: {error['msg']}")
        raise SettingsError("; ".join(lines)) from None
    except ValueError as exc:  # a malformed TOML file
        raise SettingsError(f"invalid settings file {config_file_path()}: {exc}") from None
