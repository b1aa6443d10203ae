"""Reading the sections from the environment: every value checked, every problem collected."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from contact_centre.settings.core import (
    CORE_SECTIONS,
    AppSettings,
    DatabaseSettings,
    JobsSettings,
    QueueSettings,
    StorageSettings,
    TrackingSettings,
)
from contact_centre.settings.fields import Invalid, SettingsError, Spec, spec_of

S = TypeVar("S")


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
    channels = tuple(channels)
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
                    entries.append(Entry(spec.env, "(non calculé)", spec.doc, False))
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
            raise LookupError(f"section {kind.__name__} non chargée (aucun plug-in ne la déclare ?)")
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
