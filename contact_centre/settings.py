"""One typed settings object, read once from the environment.

Every variable is documented in the README's table; nothing else reads os.environ.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on", "oui"}


class SettingsError(ValueError):
    """A variable is present but unusable; the message names it."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} doit être un entier, reçu {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    instance_path: Path = Path("instance")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    # Claimed items return to the queue this long after their ambassador's last console disconnects.
    claim_lease_seconds: int = 120
    # How often each process sweeps expired leases and stale console connections.
    sweep_interval_seconds: int = 10
    timezone: str = "Europe/Paris"
    # Comma-separated holiday subdivision (e.g. "57" for Moselle), empty for metropolitan France.
    holidays_subdiv: str = ""
    attachments_dir: Path = Path("instance/attachments")
    max_attachment_bytes: int = 25 * 1024 * 1024
    public_base_url: str = "http://127.0.0.1:5000"
    socketio_channel: str = "espace-citoyen"
    rq_queue: str = "espace-citoyen"
    session_cookie_secure: bool = False
    # Extra origins allowed to open a Socket.IO connection (the app's own origin always is).
    allowed_origins: tuple[str, ...] = ()
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    proxy_hops: int = 0
    # Phone channel (Twilio Programmable Voice). Without an auth token every webhook is refused.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_api_key: str = ""
    twilio_api_secret: str = ""
    twilio_twiml_app_sid: str = ""
    twilio_number: str = "+33326693838"
    # Empty for api.twilio.com; set to a staging or test double of Twilio's REST API.
    twilio_api_base_url: str = ""
    phone_greeting: str = "Bonjour, vous êtes bien à l'Espace Citoyen de la Ville. Un ambassadeur va vous répondre, merci de patienter."
    phone_greeting_audio_url: str = ""
    phone_closed_message: str = (
        "Bonjour, l'Espace Citoyen est ouvert du lundi au vendredi de 9 heures à 17 heures. "
        "Nous rouvrirons {next_opening}. Laissez-nous un message après le bip, nous vous rappellerons."
    )
    phone_hold_music_url: str = ""
    phone_max_wait_seconds: int = 300
    phone_voicemail_max_seconds: int = 120
    # Name of the voicemail transcriber (channels/phone/transcription.py); "none" keeps no transcript.
    phone_transcriber: str = "none"
    # Counter: the desks ambassadors call tickets to, the kiosk's reasons, and the key that
    # lets a kiosk or a waiting-room screen in (empty: the pages are open, for the town hall's network).
    counter_desks: tuple[str, ...] = ("Guichet 1", "Guichet 2", "Guichet 3")
    counter_reasons_file: Path | None = None
    counter_device_key: str = ""
    testing: bool = False
    # Extra Flask config, for tests only (e.g. WTF_CSRF_ENABLED).
    flask_overrides: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("INSTANCE_PATH") or "instance").resolve()
        secret = env.get("SECRET_KEY", "")
        return cls(
            instance_path=instance,
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL", ""),
            secret_key=secret,
            claim_lease_seconds=_int(env, "CLAIM_LEASE_SECONDS", 120),
            sweep_interval_seconds=_int(env, "SWEEP_INTERVAL_SECONDS", 10),
            timezone=env.get("TIMEZONE", "Europe/Paris"),
            holidays_subdiv=env.get("HOLIDAYS_SUBDIV", ""),
            attachments_dir=Path(env.get("ATTACHMENTS_DIR") or instance / "attachments"),
            max_attachment_bytes=_int(env, "MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024),
            public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            socketio_channel=env.get("SOCKETIO_CHANNEL", "espace-citoyen"),
            rq_queue=env.get("RQ_QUEUE", "espace-citoyen"),
            session_cookie_secure=env.get("SESSION_COOKIE_SECURE", "").lower() in _TRUE,
            proxy_hops=_int(env, "PROXY_HOPS", 0),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            twilio_api_key=env.get("TWILIO_API_KEY", ""),
            twilio_api_secret=env.get("TWILIO_API_SECRET", ""),
            twilio_twiml_app_sid=env.get("TWILIO_TWIML_APP_SID", ""),
            twilio_number=env.get("TWILIO_NUMBER", "+33326693838"),
            twilio_api_base_url=env.get("TWILIO_API_BASE_URL", ""),
            phone_greeting=env.get("PHONE_GREETING") or cls.phone_greeting,
            phone_greeting_audio_url=env.get("PHONE_GREETING_AUDIO_URL", ""),
            phone_closed_message=env.get("PHONE_CLOSED_MESSAGE") or cls.phone_closed_message,
            phone_hold_music_url=env.get("PHONE_HOLD_MUSIC_URL", ""),
            phone_max_wait_seconds=_int(env, "PHONE_MAX_WAIT_SECONDS", 300),
            phone_voicemail_max_seconds=_int(env, "PHONE_VOICEMAIL_MAX_SECONDS", 120),
            phone_transcriber=env.get("PHONE_TRANSCRIBER") or "none",
            counter_desks=tuple(d.strip() for d in env.get("COUNTER_DESKS", "").split(",") if d.strip())
            or cls.counter_desks,
            counter_reasons_file=Path(env["COUNTER_REASONS_FILE"]) if env.get("COUNTER_REASONS_FILE") else None,
            counter_device_key=env.get("COUNTER_DEVICE_KEY", ""),
            allowed_origins=tuple(o.strip() for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip()),
        )

    def resolved(self) -> Settings:
        """Fill the embedded defaults: SQLite under the instance folder, a secret kept there."""
        self.instance_path.mkdir(parents=True, exist_ok=True)
        updates: dict[str, Any] = {}
        if not self.database_url:
            updates["database_url"] = f"sqlite:///{self.instance_path / 'espace-citoyen.sqlite3'}"
        if not self.secret_key:
            updates["secret_key"] = _instance_secret(self.instance_path)
        return replace(self, **updates) if updates else self

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)


def _instance_secret(instance: Path) -> str:
    """A development secret generated once and kept out of the repository.

    Production sets SECRET_KEY; this only spares a new user from inventing one.
    """
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
