"""Settings in sections: defaults written once, every value checked, every problem told at once."""

from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from contact_centre.channels.counter.config import CounterSettings
from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.meetings.config import MeetingsSettings
from contact_centre.channels.patrol.config import PatrolSettings
from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.cli import main
from contact_centre.plugins import channel_sections, load_settings
from contact_centre.settings import (
    CORE_SECTIONS,
    AppSettings,
    QueueSettings,
    SettingsError,
    inspect_env,
    spec_of,
    without_password,
)


def test_defaults_are_the_embedded_ones(tmp_path: Path):
    settings = load_settings({"INSTANCE_PATH": str(tmp_path)}).resolved()
    assert settings.database.database_url == f"sqlite:///{tmp_path / 'espace-citoyen.sqlite3'}"
    assert settings.jobs.redis_url == "" and not settings.jobs.uses_redis
    # A development secret is generated once and reused, never committed.
    assert (
        settings.app.secret_key == load_settings({"INSTANCE_PATH": str(tmp_path)}).resolved().app.secret_key
    )
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_core_sections_defaults(tmp_path: Path):
    settings = load_settings({"INSTANCE_PATH": str(tmp_path)})
    app = settings.app
    assert (app.instance_path, app.secret_key, app.public_base_url) == (tmp_path, "", "http://127.0.0.1:5000")
    assert (app.timezone, app.holidays_subdiv, app.proxy_hops) == ("Europe/Paris", "", 0)
    assert (app.session_cookie_secure, app.allowed_origins, app.testing) == (False, (), False)
    assert settings.database.database_url == f"sqlite:///{tmp_path / 'espace-citoyen.sqlite3'}"
    assert (settings.jobs.redis_url, settings.jobs.rq_queue, settings.jobs.socketio_channel) == (
        "",
        "espace-citoyen",
        "espace-citoyen",
    )
    assert (settings.queue.claim_lease_seconds, settings.queue.sweep_interval_seconds) == (120, 10)
    assert settings.storage.attachments_dir == tmp_path / "attachments"
    assert settings.storage.max_attachment_bytes == 25 * 1024 * 1024
    assert settings.tracking.tracking_url == "{base}/suivi/{reference}?cle={key}"
    # A section is reached by its class as well, core or channel.
    assert settings.section(QueueSettings) is settings.queue and settings.section(AppSettings) is app


def test_channel_sections_defaults(tmp_path: Path):
    settings = load_settings({"INSTANCE_PATH": str(tmp_path)})
    phone = settings.section(PhoneSettings)
    assert (phone.twilio_auth_token, phone.twilio_number, phone.twilio_api_base_url) == (
        "",
        "+33326693838",
        "",
    )
    assert (phone.phone_max_wait_seconds, phone.phone_voicemail_max_seconds, phone.phone_transcriber) == (
        300,
        120,
        "none",
    )
    assert phone.phone_greeting.startswith("Bonjour") and "{next_opening}" in phone.phone_closed_message
    email = settings.section(EmailSettings)
    assert (email.imap_port, email.smtp_port, email.smtp_retry_seconds) == (0, 0, (5, 30, 120))
    assert (email.mail_from, email.mail_from_name, email.email_auto_limit, email.email_auto_period_hours) == (
        "",
        "Espace Citoyen",
        3,
        24,
    )
    mail = settings.section(MailSettings)
    assert (mail.mail_scan_dir, mail.mail_scan_max_pages, mail.ocr_timeout_seconds) == (
        tmp_path / "courrier",
        30,
        120,
    )
    counter = settings.section(CounterSettings)
    assert counter.counter_desks == ("Guichet 1", "Guichet 2", "Guichet 3")
    assert (counter.counter_reasons_file, counter.counter_device_key) == (None, "")
    meetings = settings.section(MeetingsSettings)
    assert meetings.neighbourhood_councils[0] == "Centre-ville" and "Verbeau" in meetings.gusp_sites
    patrol = settings.section(PatrolSettings)
    assert (patrol.patrol_max_photo_bytes, patrol.patrol_max_photos) == (10 * 1024 * 1024, 5)


def test_every_field_is_declared_once_with_a_variable_and_a_description():
    seen: set[str] = set()
    for kind in (*CORE_SECTIONS, *channel_sections()):
        for f in fields(kind):
            spec = spec_of(f)
            if spec is None:  # test-only fields (testing, flask_overrides)
                assert kind is AppSettings
                continue
            assert spec.env == f.name.upper() and spec.doc and spec.env not in seen
            seen.add(spec.env)
    assert len(seen) == 76  # 75 before issue 11 added MAX_IMAGE_PIXELS
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert [env for env in sorted(seen) if f"`{env}`" not in readme] == []


def test_environment_overrides(tmp_path: Path):
    settings = load_settings({
        "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql+psycopg://u@h/db", "REDIS_URL": "redis://h:6379/0",
        "SECRET_KEY": "s", "CLAIM_LEASE_SECONDS": "30", "ALLOWED_ORIGINS": "https://a.fr, https://b.fr",
        "SESSION_COOKIE_SECURE": "oui", "PUBLIC_BASE_URL": "https://grc.ville.fr/", "HOLIDAYS_SUBDIV": "57",
        "COUNTER_DESKS": "A, B", "TWILIO_NUMBER": "+33 3 26 69 38 38",
    }).resolved()  # fmt: skip
    assert (
        settings.jobs.uses_redis
        and settings.app.secret_key == "s"
        and settings.queue.claim_lease_seconds == 30
    )
    assert settings.app.allowed_origins == ("https://a.fr", "https://b.fr")
    assert settings.app.session_cookie_secure and settings.app.public_base_url == "https://grc.ville.fr"
    assert settings.app.holidays_subdiv == "57" and settings.section(CounterSettings).counter_desks == (
        "A",
        "B",
    )
    assert settings.section(PhoneSettings).twilio_number == "+33326693838"


def test_tests_change_fields_by_name_whatever_their_section():
    settings = load_settings({}, claim_lease_seconds=1, smtp_port=2525)
    assert settings.queue.claim_lease_seconds == 1 and settings.section(EmailSettings).smtp_port == 2525
    changed = settings.replace(counter_device_key="cle", sweep_interval_seconds=3)
    assert (
        changed.section(CounterSettings).counter_device_key == "cle"
        and changed.queue.sweep_interval_seconds == 3
    )
    assert settings.section(CounterSettings).counter_device_key == ""  # a copy
    with pytest.raises(TypeError, match="smtp_prot"):
        settings.replace(smtp_prot=25)


def test_a_section_not_loaded_says_so():
    core_only = inspect_env({}).settings  # the core loader alone, given no channel section
    assert core_only is not None
    with pytest.raises(LookupError, match="PhoneSettings"):
        core_only.section(PhoneSettings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIM_LEASE_SECONDS": "deux minutes"}, "CLAIM_LEASE_SECONDS : un entier supérieur ou égal à 1 est attendu, reçu « deux minutes »"),
        ({"SWEEP_INTERVAL_SECONDS": "0"}, "SWEEP_INTERVAL_SECONDS : un entier supérieur ou égal à 1 est attendu, reçu « 0 »"),
        ({"PROXY_HOPS": "-1"}, "PROXY_HOPS : un entier supérieur ou égal à 0 est attendu, reçu « -1 »"),
        ({"MAX_ATTACHMENT_BYTES": "25 Mo"}, "MAX_ATTACHMENT_BYTES : un entier supérieur ou égal à 1 est attendu, reçu « 25 Mo »"),
        ({"SESSION_COOKIE_SECURE": "si"}, "SESSION_COOKIE_SECURE : true ou false est attendu (ou oui/non, 1/0), reçu « si »"),
        ({"TIMEZONE": "Paris"}, "TIMEZONE : un fuseau horaire IANA est attendu (ex. Europe/Paris), reçu « Paris »"),
        ({"HOLIDAYS_SUBDIV": "99"}, "HOLIDAYS_SUBDIV : une subdivision française de la bibliothèque holidays est attendue (ex. 57), reçu « 99 »"),
        ({"PUBLIC_BASE_URL": "grc.ville.fr"}, "PUBLIC_BASE_URL : une URL http://… ou https://… est attendue, reçu « grc.ville.fr »"),
        ({"ALLOWED_ORIGINS": "https://a.fr/console"}, "ALLOWED_ORIGINS : des origines https://hôte[:port] séparées par des virgules sont attendues, reçu « https://a.fr/console »"),
        ({"DATABASE_URL": "postgres pas une url"}, "DATABASE_URL : une URL SQLAlchemy est attendue (ex. postgresql+psycopg://grc@db/grc), reçu « postgres pas une url »"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL : une URL redis://… ou rediss://… ou unix://… est attendue, reçu « http://cache:6379 »"),
        ({"TRACKING_URL": "https://ville.fr/suivi"}, "TRACKING_URL : un texte dont les champs sont parmi {base}, {reference}, {key} et contenant {reference} est attendu, reçu « https://ville.fr/suivi »"),
        ({"INSTANCE_PATH": "/etc/hostname"}, "INSTANCE_PATH : un dossier est attendu (ce chemin est un fichier), reçu « /etc/hostname »"),
        ({"TWILIO_NUMBER": "03 26 69 38 38"}, "TWILIO_NUMBER : un numéro au format E.164 est attendu (ex. +33326693838), reçu « 03 26 69 38 38 »"),
        ({"TWILIO_API_BASE_URL": "localhost:8080"}, "TWILIO_API_BASE_URL : une URL http://… ou https://… est attendue, reçu « localhost:8080 »"),
        ({"PHONE_CLOSED_MESSAGE": "Fermé, réouverture {reouverture}"}, "PHONE_CLOSED_MESSAGE : un texte dont les champs sont parmi {next_opening} est attendu"),
        ({"PHONE_MAX_WAIT_SECONDS": "5 min"}, "PHONE_MAX_WAIT_SECONDS : un entier supérieur ou égal à 1 est attendu, reçu « 5 min »"),
        ({"PHONE_TRANSCRIBER": "whisper"}, "PHONE_TRANSCRIBER : un transcripteur connu est attendu (none), reçu « whisper »"),
        ({"MAIL_SCAN_MAX_PAGES": "trente"}, "MAIL_SCAN_MAX_PAGES : un entier supérieur ou égal à 1 est attendu, reçu « trente »"),
        ({"OCR_LANG": "français"}, "OCR_LANG : des langues Tesseract séparées par + sont attendues (ex. fra ou fra+eng), reçu « français »"),
        ({"COUNTER_REASONS_FILE": "/nulle/part.csv"}, "COUNTER_REASONS_FILE : un fichier existant est attendu, reçu « /nulle/part.csv »"),
        ({"COUNTER_DESKS": " , "}, "COUNTER_DESKS : une liste de noms séparés par des virgules est attendue, reçu « , »"),
        ({"PATROL_MAX_PHOTOS": "0"}, "PATROL_MAX_PHOTOS : un entier supérieur ou égal à 1 est attendu, reçu « 0 »"),
        ({"EMAIL_AUTO_PERIOD_HOURS": "1j"}, "EMAIL_AUTO_PERIOD_HOURS : un entier supérieur ou égal à 1 est attendu, reçu « 1j »"),
    ],
)  # fmt: skip
def test_every_bad_value_is_one_french_line_naming_the_variable(env, message):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert refused.value.errors[0].startswith(message)
    assert refused.value.errors == (refused.value.errors[0],) and "\n" not in refused.value.errors[0]


def test_credentials_inside_urls_are_hidden():
    report = inspect_env({"REDIS_URL": "redis://:motdepasse@cache:6379/0"})
    shown = {e.env: e.shown for s in report.sections for e in s.entries}
    assert shown["REDIS_URL"] == "redis://:***@cache:6379/0"
    assert (
        without_password("postgresql+psycopg://grc:s3cret@db:5432/grc")
        == "postgresql+psycopg://grc:***@db:5432/grc"
    )


def test_every_problem_is_reported_at_once():
    with pytest.raises(SettingsError) as refused:
        load_settings({
            "SMTP_PORT": "abc", "IMAP_SECURITY": "tls", "MAIL_FROM": "grc@", "CLAIM_LEASE_SECONDS": "x",
            "MAX_ATTACHMENT_BYTES": "gros",  # EMAIL_MAX_ATTACHMENT_BYTES derives from it: not reported twice
        })  # fmt: skip
    named = [line.split(" : ")[0] for line in refused.value.errors]
    assert named == ["CLAIM_LEASE_SECONDS", "MAX_ATTACHMENT_BYTES", "IMAP_SECURITY", "SMTP_PORT", "MAIL_FROM"]
    assert str(refused.value).count("\n") == 4


def test_check_config_masks_secrets_and_exits_2_on_a_bad_value(tmp_path: Path):
    env = {
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "cle-tres-secrete", "SMTP_PASSWORD": "mdp-smtp",
        "TWILIO_AUTH_TOKEN": "jeton-twilio", "DATABASE_URL": "postgresql+psycopg://grc:mdp-base@db/grc",
        "REDIS_URL": "redis://:mdp-redis@cache:6379/0", "SMTP_PORT": "abc",
        "MAIL_FROM": "Mairie de Châlons <grc@chalons.fr>",
    }  # fmt: skip
    result = CliRunner(env=env).invoke(main, ["check-config"])
    assert result.exit_code == 2
    for secret in ("cle-tres-secrete", "mdp-smtp", "jeton-twilio", "mdp-base", "mdp-redis"):
        assert secret not in result.output
    assert (
        "[Application]" in result.output and "[Courriel (IMAP, SMTP, réponses automatiques)]" in result.output
    )
    assert "SECRET_KEY" in result.output and "postgresql+psycopg://grc:***@db/grc" in result.output
    assert "MAIL_FROM" in result.output and "Mairie de Châlons <grc@chalons.fr>" in result.output
    assert (
        "SMTP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu, reçu « abc »"
        in result.output
    )
    assert "Traceback" not in result.output
    fixed = CliRunner(env={**env, "SMTP_PORT": "587"}).invoke(main, ["check-config"])
    assert fixed.exit_code == 0 and "Configuration valide." in fixed.output
    assert not (tmp_path / "espace-citoyen.sqlite3").exists()


def test_any_command_stops_at_a_bad_value_with_exit_status_2(tmp_path: Path):
    result = CliRunner(env={"INSTANCE_PATH": str(tmp_path), "IMAP_SECURITY": "tls"}).invoke(
        main, ["create-token", "sophie"]
    )
    assert result.exit_code == 2 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert "IMAP_SECURITY : ssl, starttls ou none est attendu, reçu « tls »" in result.output
    assert not (tmp_path / "espace-citoyen.sqlite3").exists()


def test_help_stays_readable_with_a_broken_configuration(tmp_path: Path):
    runner = CliRunner(env={"INSTANCE_PATH": str(tmp_path), "SMTP_PORT": "abc"})
    for args in (["serve", "--help"], ["mail", "watch", "--help"], ["--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output
    assert runner.invoke(main, ["mail", "watch", "--once"]).exit_code == 2
