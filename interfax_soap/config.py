"""One frozen, typed settings tree: built-in default < TOML file < environment < flags."""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_type_hints

__all__ = ["ConfigError", "Settings", "load_settings"]

ENV_PREFIX = "INTERFAX_SOAP_"
CONFIG_ENV = "INTERFAX_SOAP_CONFIG"
DEFAULT_CONFIG_FILE = "interfax-soap.toml"


class ConfigError(Exception):
    """A setting is wrong; the message names the key path and where it came from."""


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    """Address the HTTP server binds to."""
    port: int = 8080
    """HTTP port; 0 picks a free port."""
    data_dir: str = "interfax-data"
    """Local data folder: the SQLite database and the blob store live here."""
    default_timezone: str = "UTC"
    """Time zone of users that have none of their own."""
    trusted_proxies: tuple[str, ...] = ()
    """Peers whose X-Forwarded-Proto/Host/For headers are honoured."""
    http_get_binding: bool = True
    """Offer the HTTP GET form binding (/dfs.asmx/Op?...)."""
    blob_store: str = "local"
    """Where documents and fax images live: ``local`` (the data folder) or ``database``
    (for several hosts without a shared disk)."""
    certificate: str = ""
    """PEM certificate: serve HTTPS instead of HTTP (with ``private_key``)."""
    private_key: str = ""
    """PEM private key of the certificate."""


@dataclasses.dataclass(frozen=True)
class DatabaseSettings:
    url: str = ""
    """SQLAlchemy URL; empty means SQLite in the data folder."""
    pool_threads: int = 0
    """Threads of the store's pool; 0 chooses (1 writer on SQLite, 8 on PostgreSQL)."""


@dataclasses.dataclass(frozen=True)
class LimitsSettings:
    max_request_mb: float = 30
    """Largest accepted HTTP request body; larger ones are refused before parsing."""
    outbound_retention_days: int = 14
    """Days outbound documents and images are kept."""
    inbound_retention_days: int = 90
    """Days received images are kept."""
    max_pages: int = 100
    """Pages per fax; more fails the fax with status 204001."""
    render_timeout_seconds: float = 120
    """Longest time one document may take to render."""
    render_memory_mb: int = 1024
    """Memory limit of one rendering process."""
    render_workers: int = 2
    """Rendering processes."""
    upload_chunk_mb: float = 3
    """Largest chunk UploadFileChunk accepts."""
    upload_total_mb: float = 20
    """Largest total of one upload session (-1063 beyond)."""
    upload_session_hours: float = 24
    """An upload session unused for this long is deleted."""
    max_chunk_mb: float = 10
    """Largest ChunkSize GetImageChunk accepts (-3005 beyond)."""


@dataclasses.dataclass(frozen=True)
class SecuritySettings:
    credential_cache_seconds: int = 300
    """Lifetime of a verified (username, password) pair in memory."""
    lockout_failures: int = 10
    """Consecutive failed logins from one address that lock the user for that address."""
    lockout_minutes: int = 60
    """How long such a lock lasts."""
    status_polls_per_minute: int = 0
    """Status polls allowed per user and minute; 0 = unlimited."""
    allow_private_callbacks: bool = False
    """Let result callbacks reach loopback and private addresses."""


@dataclasses.dataclass(frozen=True)
class NumbersSettings:
    default_country: str = ""
    """ISO region (e.g. JP) used for national numbers; empty = national numbers are refused."""


@dataclasses.dataclass(frozen=True)
class VirtualNetworkSettings:
    time_scale: float = 0.1
    """Scales every simulated wait (line time, retry intervals); 0 = no waiting."""
    csid: str = "VIRTUAL FAX"
    """CSID answered by ordinary virtual fax machines."""
    busy_retry_seconds: float = 180
    """Wait before the next attempt after a busy line."""
    retry_seconds: float = 300
    """Wait before the next attempt after any other failed call."""
    rules: dict[str, str] = dataclasses.field(default_factory=dict)
    """Extra or changed test numbers: national number -> ``ok[:CSID]``, ``fail:CODE``,
    ``drop:PAGES:CODE`` or ``slow:SECONDS`` (merged over the built-in 555 01XX table)."""


@dataclasses.dataclass(frozen=True)
class WorkerSettings:
    concurrency: int = 4
    """Faxes one worker process transmits at the same time."""
    poll_seconds: float = 1.0
    """How often an idle worker looks for due faxes (also woken directly in-process)."""
    lease_seconds: float = 30
    """A claimed fax whose worker stops renewing its claim for this long is taken over."""


@dataclasses.dataclass(frozen=True)
class MailGatewaySettings:
    enabled: bool = True
    """Accept fax requests by e-mail (SMTP) on the server's reactor."""
    host: str = ""
    """Address the SMTP server binds to; empty = the HTTP server's."""
    port: int = 2525
    """SMTP port (STARTTLS offered when a certificate is set); 0 picks a free port."""
    tls_port: int = -1
    """Implicit-TLS SMTP port; -1 = off, 0 = a free port."""
    fax_domain: str = "fax.localhost"
    """Recipients ``<fax number>@fax_domain`` become fax destinations; others are refused."""
    max_recipients: int = 50
    """Fax destinations per mail."""
    max_message_mb: float = 20
    """Largest request mail."""
    certificate: str = ""
    """PEM certificate for STARTTLS and the TLS port."""
    private_key: str = ""
    """PEM private key of the certificate."""
    client_networks: tuple[str, ...] = ()
    """Only clients in these networks may send (empty = any)."""
    require_auth: bool = False
    """Require SMTP AUTH with the user's web-service credentials before MAIL FROM."""


@dataclasses.dataclass(frozen=True)
class SmtpRelaySettings:
    host: str = "127.0.0.1"
    """Relay that outgoing mail (forwarded faxes, notifications) goes through."""
    port: int = 25
    security: str = "none"
    """``none``, ``starttls`` or ``tls`` (implicit TLS)."""
    username: str = ""
    """Login at the relay (empty = none)."""
    password: str = ""
    password_file: str = ""
    """A file holding the password (instead of ``password``)."""
    from_address: str = "fax@localhost"
    """Envelope sender and From: of outgoing mail."""
    timeout_seconds: float = 30
    retry_seconds: float = 60
    """First wait after a temporary failure; doubled each time, at most an hour."""
    give_up_hours: float = 24
    """Temporary failures are retried for this long, then recorded as failed."""


@dataclasses.dataclass(frozen=True)
class BillingSettings:
    prices: dict[str, str] = dataclasses.field(default_factory=dict)
    """Price of one Unit by destination country-code prefix (the longest matching prefix
    wins), e.g. ``{"1" = "0.10", "81" = "0.15"}``; decimal strings."""
    default_price: str = "0.10"
    """Price of one Unit to destinations no prefix in ``prices`` matches."""
    currency: str = "USD"
    """CurrencyCode of accounts that set none of their own."""
    date_format: str = "MM/dd/yyyy"
    """DateFormat of accounts that set none of their own (a .NET format string)."""


@dataclasses.dataclass(frozen=True)
class RestSettings:
    fetch_urls: bool = False
    """Fax web pages and files named by a REST ``Content-Location`` URL (off: such sends are
    refused with -123)."""
    fetch_private_urls: bool = False
    """Let those fetches reach loopback and private addresses."""
    fetch_timeout_seconds: float = 30
    """Longest wait for one fetched document."""


@dataclasses.dataclass(frozen=True)
class Settings:
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    limits: LimitsSettings = LimitsSettings()
    security: SecuritySettings = SecuritySettings()
    numbers: NumbersSettings = NumbersSettings()
    virtual_network: VirtualNetworkSettings = VirtualNetworkSettings()
    worker: WorkerSettings = WorkerSettings()
    smtp_relay: SmtpRelaySettings = SmtpRelaySettings()
    mail_gateway: MailGatewaySettings = MailGatewaySettings()
    rest: RestSettings = RestSettings()
    billing: BillingSettings = BillingSettings()

    @property
    def data_path(self) -> Path:
        return Path(self.server.data_dir)

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_path / 'interfax.db').resolve()}"


# The two short environment names CONVENTIONS.md promises, besides SECTION__KEY.
_SHORT_ENV = {
    "INTERFAX_SOAP_DATA_DIR": ("server", "data_dir"),
    "INTERFAX_SOAP_DATABASE_URL": ("database", "url"),
}


def _coerce(value: Any, kind: Any, path: str, source: str) -> Any:
    """Turns a TOML or environment value into the field's type, or raises ConfigError."""
    text = isinstance(value, str)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if text and value.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if text and value.strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind is int:
            # A TOML float (``port = 80.5``) must not be truncated silently.
            if isinstance(value, (bool, float)):
                raise ValueError(value)
            return int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if kind is str:
            if not text:
                raise ValueError(value)
            return value
        if kind == dict[str, str]:
            if text:
                pairs = (p.partition("=") for p in value.split(",") if p.strip())
                return {k.strip(): v.strip() for k, _, v in pairs}
            if isinstance(value, Mapping):
                return {str(k): str(v) for k, v in value.items()}
            raise ValueError(value)
        if kind == tuple[str, ...]:
            if text:
                return tuple(p.strip() for p in value.split(",") if p.strip())
            return tuple(str(v) for v in value)
    except (TypeError, ValueError):
        pass
    type_name = getattr(kind, "__name__", kind)
    raise ConfigError(f"{path}: {value!r} from {source} is not a valid {type_name}")


def _apply(
    base: Any, section: str, values: Mapping[str, Any], source: str, sources: dict[str, str]
) -> Any:
    hints = get_type_hints(type(base))
    changes = {}
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"{section}.{key}: unknown setting (from {source})")
        changes[key] = _coerce(value, hints[key], f"{section}.{key}", source)
        sources[f"{section}.{key}"] = source
    return dataclasses.replace(base, **changes)


def _layer(
    settings: Settings,
    tree: Mapping[str, Mapping[str, Any]],
    source: str,
    sources: dict[str, str],
) -> Settings:
    sections = {f.name for f in dataclasses.fields(Settings)}
    changes = {}
    for section, values in tree.items():
        if section not in sections:
            raise ConfigError(f"{section}: unknown section (from {source})")
        if not isinstance(values, Mapping):
            raise ConfigError(f"{section}: must be a table (from {source})")
        changes[section] = _apply(getattr(settings, section), section, values, source, sources)
    return dataclasses.replace(settings, **changes)


def _env_tree(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    tree: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if name in _SHORT_ENV:
            section, key = _SHORT_ENV[name]
        elif name.startswith(ENV_PREFIX) and "__" in name:
            section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        else:
            continue
        tree.setdefault(section, {})[key] = value
    return tree


def load_settings(
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Builds the settings from defaults, the TOML file, the environment and flags.

    Args:
        config_file: ``--config`` value; else ``$INTERFAX_SOAP_CONFIG``, else
            ``./interfax-soap.toml`` when it exists.
        environ: the environment (defaults to ``os.environ``).
        overrides: values from command-line flags, ``{section: {key: value}}``.

    Raises:
        ConfigError: a file that cannot be read, or a key or value that is wrong.
    """
    environ = os.environ if environ is None else environ
    settings = Settings()
    sources: dict[str, str] = {}  # key path -> where its value came from, for range errors
    path = config_file or environ.get(CONFIG_ENV)
    if not path and Path(DEFAULT_CONFIG_FILE).exists():
        path = DEFAULT_CONFIG_FILE
    if path:
        try:
            with open(path, "rb") as handle:
                tree = tomllib.load(handle)
        except OSError as exc:
            raise ConfigError(f"config file {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path}: {exc}") from exc
        settings = _layer(settings, tree, path, sources)
    settings = _layer(settings, _env_tree(environ), "environment", sources)
    if overrides:
        settings = _layer(settings, overrides, "command line", sources)
    _validate(settings, sources)
    return settings


def _validate(settings: Settings, sources: Mapping[str, str]) -> None:
    """Cross-field and range checks, before anything starts; errors name the value's source."""

    def fail(path: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: {problem} (from {sources.get(path, 'the defaults')})")

    if settings.server.blob_store not in ("local", "database"):
        store = settings.server.blob_store
        raise fail("server.blob_store", f"{store!r} is not local or database")
    if not 0 <= settings.server.port <= 65535:
        raise fail("server.port", "must be 0 to 65535")
    if settings.virtual_network.time_scale < 0:
        raise fail("virtual_network.time_scale", "must be 0 or more")
    if settings.worker.concurrency < 1:
        raise fail("worker.concurrency", "must be 1 or more")
    if settings.smtp_relay.security not in ("none", "starttls", "tls"):
        security = settings.smtp_relay.security
        raise fail("smtp_relay.security", f"{security!r} is not none, starttls or tls")
    if bool(settings.server.certificate) != bool(settings.server.private_key):
        raise ConfigError("server: HTTPS needs both certificate and private_key")
    gateway = settings.mail_gateway
    if (gateway.tls_port >= 0 or gateway.certificate) and not (
        gateway.certificate and gateway.private_key
    ):
        raise ConfigError("mail_gateway: TLS needs both certificate and private_key")
    if settings.limits.max_request_mb <= 0:
        raise fail("limits.max_request_mb", "must be more than 0")
    _validate_billing(settings.billing, fail)


def _validate_billing(billing: BillingSettings, fail: Any) -> None:
    """Prices are decimal strings of at least 0; prefixes are country-code digits."""
    from decimal import Decimal, InvalidOperation

    def price(path: str, text: str) -> None:
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise fail(path, f"{text!r} is not a decimal number") from None
        if not value.is_finite() or value < 0 or value >= 10**8:
            raise fail(path, f"{text!r} must be 0 or more (and under 100000000)")

    price("billing.default_price", billing.default_price)
    for prefix, text in billing.prices.items():
        if not prefix.isdigit() or len(prefix) > 6:
            raise fail("billing.prices", f"{prefix!r} is not a country-code prefix (digits)")
        price("billing.prices", text)
    if not billing.currency.strip() or len(billing.currency) > 8:
        raise fail("billing.currency", "must be 1 to 8 characters")
    if len(billing.date_format) > 32:
        raise fail("billing.date_format", "must be at most 32 characters")
