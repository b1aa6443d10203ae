"""The core's settings sections; each channel declares its own in `channels/<name>/config.py`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from contact_centre.settings.fields import (
    boolean,
    database_url,
    directory,
    holidays_subdivision,
    integer,
    origins,
    resolved_directory,
    setting,
    template,
    text,
    timezone,
    url,
    without_password,
)


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    title: ClassVar[str] = "Application"

    instance_path: Path = setting(
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

    attachments_dir: Path = setting(
        "ATTACHMENTS_DIR", directory, "dossier des pièces jointes",
        derive=lambda read: read["INSTANCE_PATH"] / "attachments",
    )  # fmt: skip
    max_attachment_bytes: int = setting(
        "MAX_ATTACHMENT_BYTES",
        integer(1),
        "taille maximale d'une pièce jointe, en octets",
        default=25 * 1024 * 1024,
    )
    # Checked from an image's header, before any decoding: a small file may declare a huge picture.
    max_image_pixels: int = setting(
        "MAX_IMAGE_PIXELS",
        integer(1_000_000),
        "largeur × hauteur au plus d'une image que l'application décode (photos, scans)",
        default=40_000_000,
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
