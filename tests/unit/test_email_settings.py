from email import message_from_bytes, policy

import pytest

from contact_centre.channels.email.compose import build_email, new_message_id
from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.inbound import own_addresses
from contact_centre.plugins import load_settings
from contact_centre.settings import SettingsError


def test_email_defaults_send_nothing_and_keep_originals():
    settings = load_settings({})
    email = settings.section(EmailSettings)
    assert not email.imap_host and not email.sends_mail
    assert (email.imap_security, email.smtp_security, email.imap_folder) == ("ssl", "starttls", "INBOX")
    assert email.imap_keep_originals and email.email_auto_ack
    assert email.email_max_attachment_bytes == settings.storage.max_attachment_bytes == 25 * 1024 * 1024


def test_email_environment_overrides():
    email = load_settings({
        "IMAP_HOST": "imap.ville.fr", "IMAP_SECURITY": "STARTTLS", "IMAP_KEEP_ORIGINALS": "non",
        "IMAP_PROCESSED_FOLDER": "Traités", "SMTP_HOST": "smtp.ville.fr", "MAIL_FROM": "mairie@ville.fr",
        "SMTP_RETRY_SECONDS": "1, 2", "EMAIL_AUTO_ACK": "false", "EMAIL_AUTO_LIMIT": "5",
        "MAX_ATTACHMENT_BYTES": "1000", "EMAIL_AUTO_ACK_TEXT": "Reçu : {subject}",
    }).section(EmailSettings)  # fmt: skip
    assert email.imap_security == "starttls" and not email.imap_keep_originals
    assert email.imap_processed_folder == "Traités" and email.sends_mail
    assert email.smtp_retry_seconds == (1, 2) and email.email_auto_limit == 5
    assert not email.email_auto_ack and email.email_auto_ack_text == "Reçu : {subject}"
    assert email.email_max_attachment_bytes == 1000  # follows the general limit unless set
    # Set but empty: no retry at all (unset keeps the default waits).
    assert load_settings({"SMTP_RETRY_SECONDS": ""}).section(EmailSettings).smtp_retry_seconds == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IMAP_SECURITY": "tls"}, "IMAP_SECURITY : ssl, starttls ou none est attendu, reçu « tls »"),
        ({"SMTP_SECURITY": "oui"}, "SMTP_SECURITY : ssl, starttls ou none est attendu, reçu « oui »"),
        (
            {"SMTP_RETRY_SECONDS": "5,trente"},
            "SMTP_RETRY_SECONDS : une liste d'entiers séparés par des virgules est attendue, reçu « 5,trente »",
        ),
        ({"EMAIL_AUTO_LIMIT": "trois"}, "EMAIL_AUTO_LIMIT : un entier supérieur ou égal à 0 est attendu"),
        (
            {"SMTP_PORT": "abc"},
            "SMTP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu, reçu « abc »",
        ),
        (
            {"IMAP_PORT": "70000"},
            "IMAP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu",
        ),
        ({"IMAP_KEEP_ORIGINALS": "peut-être"}, "IMAP_KEEP_ORIGINALS : true ou false est attendu"),
        (
            {"IMAP_BATCH_SIZE": "0"},
            "IMAP_BATCH_SIZE : un entier supérieur ou égal à 1 est attendu, reçu « 0 »",
        ),
        ({"IMAP_CA_FILE": "/nulle/part/ca.pem"}, "IMAP_CA_FILE : un fichier existant est attendu"),
        ({"MAIL_FROM": "grc@"}, "MAIL_FROM : une adresse électronique est attendue"),
        ({"MAIL_FROM": "Mairie <pas une adresse>"}, "MAIL_FROM : une adresse électronique est attendue"),
        (
            {"EMAIL_AUTO_ACK_TEXT": "Reçu {sujet}"},
            "EMAIL_AUTO_ACK_TEXT : un texte dont les champs sont parmi",
        ),
    ],
)
def test_bad_email_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert len(refused.value.errors) == 1
    assert refused.value.errors[0].startswith(message)


@pytest.mark.parametrize(
    ("mail_from", "name"),
    [
        ("grc@chalons.fr", "Espace Citoyen"),
        ("Mairie de Châlons <grc@chalons.fr>", "Mairie de Châlons"),
        ('"Mairie de Châlons, GRC" <grc@chalons.fr>', "Mairie de Châlons, GRC"),
    ],
)
def test_both_address_forms_are_sent_from(mail_from, name):
    """The display-name form once crashed every acknowledgement (« Invalid addr_spec »)."""
    settings = load_settings({"MAIL_FROM": mail_from, "SMTP_HOST": "smtp.chalons.fr"})
    email = settings.section(EmailSettings)
    assert email.sends_mail and (email.from_address, email.from_name) == ("grc@chalons.fr", name)
    assert own_addresses(settings) == ("grc@chalons.fr",)
    assert new_message_id(settings).endswith("@chalons.fr")
    msg = build_email(
        settings,
        to="jean@example.fr",
        to_name="Jean",
        subject="Accusé",
        body="Bonjour",
        message_id="m@chalons.fr",
    )
    sent = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert sent["From"].addresses[0].addr_spec == "grc@chalons.fr"
    assert sent["From"].addresses[0].display_name == name
