"""How a settings field is declared (`setting`), and the parsers that check a variable's text.

A parser turns the text of an environment variable into its value, or raises `Invalid` saying in
French what was expected; the loader adds the variable's name and what it received.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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

    It returns a dataclasses.field; pyproject.toml tells ruff (RUF009) that it is no shared default."""
    spec = Spec(env, parse, doc, secret, blank_is_default, derive, show)
    if derive is not None:
        return field(metadata={"setting": spec})
    return field(default=default, metadata={"setting": spec})


def spec_of(f: dataclasses.Field[Any]) -> Spec | None:
    spec = f.metadata.get("setting")
    return spec if isinstance(spec, Spec) else None


# --- Parsers ----------------------------------------------------------------------------------


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
