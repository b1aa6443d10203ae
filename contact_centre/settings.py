"""Settings in sections, read once from the environment and checked before anything starts.

A section is a frozen dataclass whose fields are declared once with `setting(...)`: the environment
variable, the default, the parser that checks a value, whether it is a secret, and a one-line French
description (`contact-centre check-config` prints it). The core sections are typed attributes of
`Settings` (`settings.app.timezone`); each channel declares its own section in
`channels/<name>/config.py`, the loader is given them, and they are read with
`settings.section(EmailSettings)`. Every value is checked and every problem is collected: a
`SettingsError` carries one French line per variable. Nothing else reads os.environ.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

S = TypeVar("S")


class SettingsError(ValueError):
    """The environment holds unusable values: one French line per variable, all of them."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(self.errors))


class Invalid(ValueError):
    """A parser's refusal; its message says what is expected (« un entier … est attendu »)."""


@dataclass(frozen=True)
class Spec:
    """How one field is read from the environment and shown by check-config."""

    env: str
    parse: Callable[[str], Any]
    doc: str
    secret: bool = False
    # An empty variable counts as unset (the default applies), except where empty means something.
    blank_is_default: bool = True
    # A default computed from settings read before it (by variable name), e.g. under INSTANCE_PATH.
    derive: Callable[[Mapping[str, Any]], Any] | None = None
    # How check-config prints the value when it is not a plain secret (a URL without its password).
    show: Callable[[Any], str] | None = None


def setting(
    env: str,
    parse: Callable[[str], Any],
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    derive: Callable[[Mapping[str, Any]], Any] | None = None,
    secret: bool = False,
    blank_is_default: bool = True,
    show: Callable[[Any], str] | None = None,
) -> Any:
    """Declare a section's field: its variable, its default (written here only), its check.

    Ruff's RUF009 does not know this is a dataclasses.field: fields of a mutable type say `# noqa`."""
    spec = Spec(env, parse, doc, secret, blank_is_default, derive, show)
    if derive is not None:
        return field(metadata={"setting": spec})
    return field(default=default, metadata={"setting": spec})


def spec_of(f: dataclasses.Field[Any]) -> Spec | None:
    spec = f.metadata.get("setting")
    return spec if isinstance(spec, Spec) else None


# --- Parsers: each turns a variable's text into its value, or says what was expected. -------------


def text(raw: str) -> str:
    return raw


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    if minimum is not None and maximum is not None:
        expected = f"un entier entre {minimum} et {maximum} est attendu"
    elif minimum is not None:
        expected = f"un entier supérieur ou égal à {minimum} est attendu"
    else:
        expected = "un entier est attendu"

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise Invalid(expected) from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise Invalid(expected)
        return value

    return parse


def port(raw: str) -> int:
    """A TCP port, or 0 for the usual port of the security mode."""
    expected = "un entier entre 1 et 65535 (ou 0, le port habituel) est attendu"
    try:
        value = int(raw.strip())
    except ValueError:
        raise Invalid(expected) from None
    if not 0 <= value <= 65535:
        raise Invalid(expected)
    return value


_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux"}


def boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise Invalid("true ou false est attendu (ou oui/non, 1/0)")


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise Invalid(f"{_one_of(allowed)} est attendu")
        return value

    return parse


def _one_of(allowed: Sequence[str]) -> str:
    return ", ".join(allowed[:-1]) + f" ou {allowed[-1]}" if len(allowed) > 1 else allowed[0]


def integers(minimum: int = 0) -> Callable[[str], tuple[int, ...]]:
    def parse(raw: str) -> tuple[int, ...]:
        try:
            values = tuple(int(part) for part in raw.split(",") if part.strip())
        except ValueError:
            raise Invalid("une liste d'entiers séparés par des virgules est attendue") from None
        if any(v < minimum for v in values):
            raise Invalid(f"une liste d'entiers supérieurs ou égaux à {minimum} est attendue")
        return values

    return parse


def names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of names, blanks dropped."""
    values = tuple(n.strip() for n in raw.split(",") if n.strip())
    if not values:
        raise Invalid("une liste de noms séparés par des virgules est attendue")
    return values


def path(raw: str) -> Path:
    if "\x00" in raw:
        raise Invalid("un chemin de fichier est attendu")
    return Path(raw)


def directory(raw: str) -> Path:
    value = path(raw)
    if value.exists() and not value.is_dir():
        raise Invalid("un dossier est attendu (ce chemin est un fichier)")
    return value


def resolved_directory(raw: str) -> Path:
    return directory(raw).resolve()


def existing_file(raw: str) -> Path:
    value = path(raw)
    if not value.is_file():
        raise Invalid("un fichier existant est attendu")
    return value


def url(*schemes: str, strip_slash: bool = False) -> Callable[[str], str]:
    expected = f"une URL {' ou '.join(s + '://…' for s in schemes)} est attendue"

    def parse(raw: str) -> str:
        value = raw.strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            raise Invalid(expected) from None
        if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "unix"):
            raise Invalid(expected)
        return value.rstrip("/") if strip_slash else value

    return parse


def origins(raw: str) -> tuple[str, ...]:
    """Origins a browser sends (scheme://host[:port]), comma-separated."""
    values = tuple(o.strip() for o in raw.split(",") if o.strip())
    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise Invalid("des origines https://hôte[:port] séparées par des virgules sont attendues")
    return tuple(v.rstrip("/") for v in values)


def template(*allowed: str, required: Sequence[str] = ()) -> Callable[[str], str]:
    """A text with {placeholders}: only the known ones, and the required ones present."""
    known = ", ".join("{" + a + "}" for a in allowed)

    def parse(raw: str) -> str:
        try:
            fields = {name for _lit, name, _spec, _conv in string.Formatter().parse(raw) if name is not None}
        except ValueError:
            raise Invalid(f"un texte aux accolades équilibrées est attendu (champs : {known})") from None
        unknown = sorted(fields - set(allowed))
        if unknown or not set(required) <= fields:
            wanted = ", ".join("{" + r + "}" for r in required)
            need = f" et contenant {wanted}" if required else ""
            raise Invalid(f"un texte dont les champs sont parmi {known or 'aucun'}{need} est attendu")
        return raw

    return parse


def timezone(raw: str) -> str:
    value = raw.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("un fuseau horaire IANA est attendu (ex. Europe/Paris)") from None
    return value


def holidays_subdivision(raw: str) -> str:
    from holidays import country_holidays

    value = raw.strip()
    try:
        country_holidays("FR", subdiv=value)
    except NotImplementedError:
        raise Invalid("une subdivision française de la bibliothèque holidays est attendue (ex. 57)") from None
    return value


def address(raw: str) -> str:
    """An e-mail address, bare (grc@ville.fr) or with a name (Mairie <grc@ville.fr>); kept as written."""
    from email_validator import EmailNotValidError, validate_email

    value = raw.strip()
    _name, addr = parseaddr(value)
    try:
        if not addr or "\n" in value or "\r" in value:
            raise EmailNotValidError("vide")
        validate_email(addr, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid("une adresse électronique est attendue (grc@ville.fr ou Nom <grc@ville.fr>)") from None
    return value


E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def e164(raw: str) -> str:
    value = raw.strip().replace(" ", "")
    if not E164.match(value):
        raise Invalid("un numéro au format E.164 est attendu (ex. +33326693838)")
    return value


def database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    value = raw.strip()
    try:
        make_url(value)
    except (ArgumentError, ValueError):
        raise Invalid("une URL SQLAlchemy est attendue (ex. postgresql+psycopg://grc@db/grc)") from None
    return value


def without_password(value: str) -> str:
    """A URL as check-config prints it: the password replaced by ***."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "***"
    if parts.password is None:
        return value
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


# --- Sections -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    title: ClassVar[str] = "Application"

    instance_path: Path = setting(  # noqa: RUF009
        "INSTANCE_PATH", resolved_directory, "dossier de l'instance (SQLite, secret généré, pièces jointes)",
        derive=lambda _read: Path("instance").resolve(),
    )  # fmt: skip
    secret_key: str = setting(
        "SECRET_KEY", text, "signe les sessions et les jetons CSRF ; généré dans l'instance si vide",
        default="", secret=True,
    )  # fmt: skip
    public_base_url: str = setting(
        "PUBLIC_BASE_URL", url("http", "https", strip_slash=True),
        "adresse publique de l'application (liens des messages, signature Twilio)", default="http://127.0.0.1:5000",
    )  # fmt: skip
    timezone: str = setting(
        "TIMEZONE", timezone, "fuseau des horaires d'ouverture et des échéances", default="Europe/Paris"
    )
    holidays_subdiv: str = setting(
        "HOLIDAYS_SUBDIV", holidays_subdivision, "jours fériés locaux (ex. 57 pour la Moselle) ; vide : métropole",
        default="",
    )  # fmt: skip
    proxy_hops: int = setting(
        "PROXY_HOPS", integer(0), "proxys inverses dont les en-têtes X-Forwarded-* sont crus", default=0
    )
    session_cookie_secure: bool = setting(
        "SESSION_COOKIE_SECURE", boolean, "cookies de session réservés à HTTPS", default=False
    )
    allowed_origins: tuple[str, ...] = setting(
        "ALLOWED_ORIGINS", origins, "autres origines admises pour la console temps réel", default=()
    )
    testing: bool = False
    # Extra Flask config, for tests only (e.g. WTF_CSRF_ENABLED).
    flask_overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    title: ClassVar[str] = "Base de données"

    database_url: str = setting(
        "DATABASE_URL", database_url, "URL SQLAlchemy de la base ; défaut : SQLite dans l'instance",
        derive=lambda read: f"sqlite:///{read['INSTANCE_PATH'] / 'espace-citoyen.sqlite3'}", show=without_password,
    )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class JobsSettings:
    title: ClassVar[str] = "Tâches de fond et temps réel"

    redis_url: str = setting(
        "REDIS_URL", url("redis", "rediss", "unix"), "Redis des tâches RQ et des événements Socket.IO ; vide : un seul processus",
        default="", show=without_password,
    )  # fmt: skip
    rq_queue: str = setting("RQ_QUEUE", text, "nom de la file RQ", default="espace-citoyen")
    socketio_channel: str = setting(
        "SOCKETIO_CHANNEL",
        text,
        "canal Redis partagé par les processus d'une installation",
        default="espace-citoyen",
    )

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)


@dataclass(frozen=True, kw_only=True)
class QueueSettings:
    title: ClassVar[str] = "File d'attente"

    claim_lease_seconds: int = setting(
        "CLAIM_LEASE_SECONDS", integer(1), "délai avant que les éléments d'un ambassadeur parti retournent dans la file",
        default=120,
    )  # fmt: skip
    sweep_interval_seconds: int = setting(
        "SWEEP_INTERVAL_SECONDS", integer(1), "intervalle du balayage des baux expirés et des consoles mortes",
        default=10,
    )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class StorageSettings:
    title: ClassVar[str] = "Pièces jointes"

    attachments_dir: Path = setting(  # noqa: RUF009
        "ATTACHMENTS_DIR", directory, "dossier des pièces jointes",
        derive=lambda read: read["INSTANCE_PATH"] / "attachments",
    )  # fmt: skip
    max_attachment_bytes: int = setting(
        "MAX_ATTACHMENT_BYTES",
        integer(1),
        "taille maximale d'une pièce jointe, en octets",
        default=25 * 1024 * 1024,
    )


@dataclass(frozen=True, kw_only=True)
class TrackingSettings:
    title: ClassVar[str] = "Suivi des demandes"

    tracking_url: str = setting(
        "TRACKING_URL", template("base", "reference", "key", required=("reference",)),
        "lien « Suivre ma demande » donné aux citoyens", default="{base}/suivi/{reference}?cle={key}",
    )  # fmt: skip


CORE_SECTIONS: tuple[type, ...] = (
    AppSettings, DatabaseSettings, JobsSettings, QueueSettings, StorageSettings, TrackingSettings,
)  # fmt: skip


# --- Loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One variable as check-config shows it."""

    env: str
    shown: str
    doc: str
    from_env: bool
    problem: str = ""


@dataclass(frozen=True)
class SectionReport:
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Report:
    sections: tuple[SectionReport, ...]
    problems: tuple[str, ...]
    settings: Settings | None


def _quote(raw: str) -> str:
    one_line = " ".join(raw.split())
    return one_line if len(one_line) <= 60 else one_line[:59] + "…"


def _show(spec: Spec, value: Any) -> str:
    if spec.secret:
        return "********" if value else "(vide)"
    if spec.show is not None:
        return spec.show(value) if value else "(vide)"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) if value else "(vide)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return "(vide)"
    return _quote(str(value))


def inspect_env(
    env: Mapping[str, str] | None = None, channels: Iterable[type] = (), **overrides: Any
) -> Report:
    """Read every section, collecting each variable's value and every problem (nothing raised)."""
    env = os.environ if env is None else env
    kinds = (*CORE_SECTIONS, *channels)
    names_seen: dict[str, type] = {}
    read: dict[str, Any] = {}
    problems: list[str] = []
    reports: list[SectionReport] = []
    built: dict[type, Any] = {}
    for kind in kinds:
        values: dict[str, Any] = {}
        entries: list[Entry] = []
        broken = False
        for f in dataclasses.fields(kind):
            if f.name in names_seen:
                raise TypeError(f"{f.name} est déclaré par {names_seen[f.name].__name__} et {kind.__name__}")
            names_seen[f.name] = kind
            spec = spec_of(f)
            if spec is None:
                if f.name in overrides:
                    values[f.name] = overrides[f.name]
                continue
            raw = env.get(spec.env)
            given = raw is not None and not (spec.blank_is_default and raw.strip() == "")
            problem = ""
            if f.name in overrides:
                value = overrides[f.name]
            elif given:
                assert raw is not None
                try:
                    value = spec.parse(raw)
                except Invalid as exc:
                    shown = "********" if spec.secret else _quote(raw)
                    problem = f"{spec.env} : {exc}, reçu « {shown} »"
                    problems.append(problem)
                    entries.append(Entry(spec.env, shown, spec.doc, True, problem))
                    broken = True
                    continue
            elif spec.derive is not None:
                try:
                    value = spec.derive(read)
                except KeyError:  # what it derives from was refused, and already reported
                    broken = True
                    continue
            else:
                value = f.default
            read[spec.env] = values[f.name] = value
            entries.append(Entry(spec.env, _show(spec, value), spec.doc, given))
        reports.append(SectionReport(getattr(kind, "title", kind.__name__), tuple(entries)))
        if not broken:
            built[kind] = kind(**values)
    unknown = sorted(set(overrides) - set(names_seen))
    if unknown:
        raise TypeError(f"réglages inconnus : {', '.join(unknown)}")
    settings = None
    if not problems and len(built) == len(kinds):
        settings = Settings(
            app=built[AppSettings],
            database=built[DatabaseSettings],
            jobs=built[JobsSettings],
            queue=built[QueueSettings],
            storage=built[StorageSettings],
            tracking=built[TrackingSettings],
            channels={kind: built[kind] for kind in channels},
        )
    return Report(tuple(reports), tuple(problems), settings)


@dataclass(frozen=True)
class Settings:
    app: AppSettings
    database: DatabaseSettings
    jobs: JobsSettings
    queue: QueueSettings
    storage: StorageSettings
    tracking: TrackingSettings
    # The channels' own sections, by class: `settings.section(PhoneSettings)`.
    channels: Mapping[type, Any] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, channels: Iterable[type] = (), **overrides: Any
    ) -> Settings:
        """Every section read from `env` (os.environ by default); SettingsError lists every problem.

        `overrides` set fields by name to values already typed (tests)."""
        report = inspect_env(env, channels, **overrides)
        if report.settings is None:
            raise SettingsError(report.problems)
        return report.settings

    def section(self, kind: type[S]) -> S:
        """A section by its class: a channel's (`PhoneSettings`) or a core one (`QueueSettings`)."""
        found = self.channels.get(kind) or next((c for c in self._core().values() if type(c) is kind), None)
        if not isinstance(found, kind):
            raise LookupError(f"section {kind.__name__} non chargée (absente de CHANNEL_SECTIONS ?)")
        return found

    def _core(self) -> dict[str, Any]:
        return {
            "app": self.app, "database": self.database, "jobs": self.jobs, "queue": self.queue,
            "storage": self.storage, "tracking": self.tracking,
        }  # fmt: skip

    def replace(self, **changes: Any) -> Settings:
        """A copy with fields changed by name, whatever their section (tests)."""
        core = self._core()
        channels = dict(self.channels)
        for name, value in changes.items():
            for attribute, section in core.items():
                if name in {f.name for f in dataclasses.fields(section)}:
                    core[attribute] = dataclasses.replace(section, **{name: value})
                    break
            else:
                for kind, section in channels.items():
                    if name in {f.name for f in dataclasses.fields(section)}:
                        channels[kind] = dataclasses.replace(section, **{name: value})
                        break
                else:
                    raise TypeError(f"réglage inconnu : {name}")
        return Settings(**core, channels=channels)

    def resolved(self) -> Settings:
        """Make the instance folder, and a secret kept there when SECRET_KEY is not set."""
        instance = self.app.instance_path
        instance.mkdir(parents=True, exist_ok=True)
        return self if self.app.secret_key else self.replace(secret_key=_instance_secret(instance))


def _instance_secret(instance: Path) -> str:
    """A development secret generated once and kept out of the repository.

    Production sets SECRET_KEY; this only spares a new user from inventing one.
    """
    secret_path = instance / "secret_key"
    if not secret_path.exists():
        secret_path.write_text(secrets.token_hex(32))
        secret_path.chmod(0o600)
    return secret_path.read_text().strip()
