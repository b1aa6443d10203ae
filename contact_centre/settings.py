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


SECURITY_MODES = ("ssl", "starttls", "none")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    return default if raw == "" else raw in _TRUE


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = (env.get(name) or default).strip().lower()
    if raw not in allowed:
        raise SettingsError(f"{name} doit valoir {', '.join(allowed)} ; reçu {raw!r}")
    return raw


def _ints(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(
            f"{name} doit être une liste d'entiers séparés par des virgules, reçu {raw!r}"
        ) from exc


def _names(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of names, blanks dropped (empty when unset)."""
    return tuple(n.strip() for n in env.get(name, "").split(",") if n.strip())


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "")
    return Path(raw) if raw else None


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
    # Scanned postal mail: the mail-room scanner's folder (`contact-centre mail watch`) and where its
    # files go once taken; empty processed/quarantine folders default to subfolders of the watched one.
    mail_scan_dir: Path = Path("instance/courrier")
    mail_scan_processed_dir: Path | None = None
    mail_scan_quarantine_dir: Path | None = None
    mail_scan_max_bytes: int = 20 * 1024 * 1024
    mail_scan_max_pages: int = 30
    # A file younger than this may still be being written by the scanner: it is taken at a later poll.
    mail_scan_settle_seconds: int = 5
    mail_scan_poll_seconds: int = 5
    # Tesseract: language(s) as its -l option, rendering resolution, and threads per OCR process
    # (OMP_THREAD_LIMIT; 1 lets a worker per core run without oversubscription).
    ocr_lang: str = "fra"
    ocr_dpi: int = 300
    ocr_threads: int = 1
    ocr_timeout_seconds: int = 120
    # Counter: the desks ambassadors call tickets to, the kiosk's reasons, and the key that
    # lets a kiosk or a waiting-room screen in (empty: the pages are open, for the town hall's network).
    counter_desks: tuple[str, ...] = ("Guichet 1", "Guichet 2", "Guichet 3")
    counter_reasons_file: Path | None = None
    counter_device_key: str = ""
    # E-mail channel: the city's mailbox over IMAP in, SMTP out. Without IMAP_HOST nothing is fetched,
    # without SMTP_HOST nothing is sent (replies and acknowledgements stay queued, marked failed).
    imap_host: str = ""
    imap_port: int = 0  # 0: 993 with ssl, 143 otherwise
    imap_security: str = "ssl"  # ssl, starttls or none
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    # Empty: processed messages stay where they are, flagged \Seen and $GrcTraite; else moved there.
    imap_processed_folder: str = ""
    # False: processed messages are deleted from the server (the raw message is then kept by the app).
    imap_keep_originals: bool = True
    imap_batch_size: int = 50
    # The longest wait between two looks at the mailbox, IDLE or not (a dropped IDLE is caught by it).
    imap_poll_seconds: int = 60
    # Extra CA certificates to trust (a city server with an internal CA), on top of the system's;
    # the certificate and the host name are always checked.
    imap_ca_file: Path | None = None
    smtp_host: str = ""
    smtp_port: int = 0  # 0: 465 with ssl, 587 with starttls, 25 with none
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_ca_file: Path | None = None  # as imap_ca_file
    # The city's address (never answered automatically) and the name shown with it.
    mail_from: str = ""
    mail_from_name: str = "Espace Citoyen"
    # Waits before each new try of a failed send; after the last one the message is marked failed.
    smtp_retry_seconds: tuple[int, ...] = (5, 30, 120)
    email_max_attachment_bytes: int = 25 * 1024 * 1024
    # Past this size a message is not taken apart: an item with a note, the original kept whole.
    email_max_message_bytes: int = 50 * 1024 * 1024
    email_auto_ack: bool = True
    email_auto_ack_text: str = (
        "Bonjour,\n\n"
        "Nous avons bien reçu votre message « {subject} » du {received}.\n"
        "{follow_up}\n\n"
        "Ce courriel est envoyé automatiquement. Si vous nous répondez, gardez l'objet du message : "
        "votre réponse sera rattachée à votre demande.\n\n"
        "L'Espace Citoyen de la Ville"
    )
    # At most this many automatic messages to one address per period; the next ones are not sent.
    email_auto_limit: int = 3
    email_auto_period_hours: int = 24
    # The public page where a citizen follows a request; {base} is PUBLIC_BASE_URL.
    tracking_url: str = "{base}/suivi/{reference}?cle={key}"
    # Other doors: the neighbourhood councils and GUSP sites staff choose from when entering a contact,
    # and the patroller's photos (checked by content; larger or more are refused with a message).
    neighbourhood_councils: tuple[str, ...] = (
        "Centre-ville", "Rive Gauche", "Croix-Dampierre", "Verbeau", "Schmit", "Vallée Saint-Pierre",
    )  # fmt: skip
    gusp_sites: tuple[str, ...] = ("Croix-Dampierre", "Verbeau", "Rive Gauche", "Schmit", "Vallée Saint-Pierre")  # fmt: skip
    patrol_max_photo_bytes: int = 10 * 1024 * 1024
    patrol_max_photos: int = 5
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
            mail_scan_dir=Path(env.get("MAIL_SCAN_DIR") or instance / "courrier"),
            mail_scan_processed_dir=_path(env, "MAIL_SCAN_PROCESSED_DIR"),
            mail_scan_quarantine_dir=_path(env, "MAIL_SCAN_QUARANTINE_DIR"),
            mail_scan_max_bytes=_int(env, "MAIL_SCAN_MAX_BYTES", 20 * 1024 * 1024),
            mail_scan_max_pages=_int(env, "MAIL_SCAN_MAX_PAGES", 30),
            mail_scan_settle_seconds=_int(env, "MAIL_SCAN_SETTLE_SECONDS", 5),
            mail_scan_poll_seconds=_int(env, "MAIL_SCAN_POLL_SECONDS", 5),
            ocr_lang=env.get("OCR_LANG") or "fra",
            ocr_dpi=_int(env, "OCR_DPI", 300),
            ocr_threads=_int(env, "OCR_THREADS", 1),
            ocr_timeout_seconds=_int(env, "OCR_TIMEOUT_SECONDS", 120),
            counter_desks=tuple(d.strip() for d in env.get("COUNTER_DESKS", "").split(",") if d.strip())
            or cls.counter_desks,
            counter_reasons_file=Path(env["COUNTER_REASONS_FILE"]) if env.get("COUNTER_REASONS_FILE") else None,
            counter_device_key=env.get("COUNTER_DEVICE_KEY", ""),
            allowed_origins=tuple(o.strip() for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip()),
            imap_host=env.get("IMAP_HOST", ""),
            imap_port=_int(env, "IMAP_PORT", 0),
            imap_security=_choice(env, "IMAP_SECURITY", "ssl", SECURITY_MODES),
            imap_user=env.get("IMAP_USER", ""),
            imap_password=env.get("IMAP_PASSWORD", ""),
            imap_folder=env.get("IMAP_FOLDER") or "INBOX",
            imap_processed_folder=env.get("IMAP_PROCESSED_FOLDER", ""),
            imap_keep_originals=_bool(env, "IMAP_KEEP_ORIGINALS", True),
            imap_batch_size=max(1, _int(env, "IMAP_BATCH_SIZE", 50)),
            imap_poll_seconds=max(1, _int(env, "IMAP_POLL_SECONDS", 60)),
            imap_ca_file=_path(env, "IMAP_CA_FILE"),
            smtp_host=env.get("SMTP_HOST", ""),
            smtp_port=_int(env, "SMTP_PORT", 0),
            smtp_security=_choice(env, "SMTP_SECURITY", "starttls", SECURITY_MODES),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_ca_file=_path(env, "SMTP_CA_FILE"),
            mail_from=env.get("MAIL_FROM", ""),
            mail_from_name=env.get("MAIL_FROM_NAME") or cls.mail_from_name,
            smtp_retry_seconds=_ints(env, "SMTP_RETRY_SECONDS", cls.smtp_retry_seconds),
            email_max_attachment_bytes=_int(
                env, "EMAIL_MAX_ATTACHMENT_BYTES", _int(env, "MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
            ),
            email_max_message_bytes=_int(env, "EMAIL_MAX_MESSAGE_BYTES", 50 * 1024 * 1024),
            email_auto_ack=_bool(env, "EMAIL_AUTO_ACK", True),
            email_auto_ack_text=env.get("EMAIL_AUTO_ACK_TEXT") or cls.email_auto_ack_text,
            email_auto_limit=_int(env, "EMAIL_AUTO_LIMIT", 3),
            email_auto_period_hours=_int(env, "EMAIL_AUTO_PERIOD_HOURS", 24),
            tracking_url=env.get("TRACKING_URL") or cls.tracking_url,
            neighbourhood_councils=_names(env, "NEIGHBOURHOOD_COUNCILS") or cls.neighbourhood_councils,
            gusp_sites=_names(env, "GUSP_SITES") or cls.gusp_sites,
            patrol_max_photo_bytes=_int(env, "PATROL_MAX_PHOTO_BYTES", 10 * 1024 * 1024),
            patrol_max_photos=max(1, _int(env, "PATROL_MAX_PHOTOS", 5)),
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

    @property
    def sends_mail(self) -> bool:
        return bool(self.smtp_host and self.mail_from)


def _instance_secret(instance: Path) -> str:
    """A development secret generated once and kept out of the repository.

    Production sets SECRET_KEY; this only spares a new user from inventing one.
    """
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
