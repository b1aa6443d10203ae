import pytest

from contact_centre.settings import Settings, SettingsError


def test_email_defaults_send_nothing_and_keep_originals():
    settings = Settings.from_env({})
    assert not settings.imap_host and not settings.sends_mail
    assert (settings.imap_security, settings.smtp_security, settings.imap_folder) == (
        "ssl",
        "starttls",
        "INBOX",
    )
    assert settings.imap_keep_originals and settings.email_auto_ack
    assert settings.email_max_attachment_bytes == settings.max_attachment_bytes == 25 * 1024 * 1024


def test_email_environment_overrides():
    settings = Settings.from_env({
        "IMAP_HOST": "imap.ville.fr", "IMAP_SECURITY": "STARTTLS", "IMAP_KEEP_ORIGINALS": "non",
        "IMAP_PROCESSED_FOLDER": "Traités", "SMTP_HOST": "smtp.ville.fr", "MAIL_FROM": "mairie@ville.fr",
        "SMTP_RETRY_SECONDS": "1, 2", "EMAIL_AUTO_ACK": "false", "EMAIL_AUTO_LIMIT": "5",
        "MAX_ATTACHMENT_BYTES": "1000", "EMAIL_AUTO_ACK_TEXT": "Reçu : {subject}",
    })  # fmt: skip
    assert settings.imap_security == "starttls" and not settings.imap_keep_originals
    assert settings.imap_processed_folder == "Traités" and settings.sends_mail
    assert settings.smtp_retry_seconds == (1, 2) and settings.email_auto_limit == 5
    assert not settings.email_auto_ack and settings.email_auto_ack_text == "Reçu : {subject}"
    assert settings.email_max_attachment_bytes == 1000  # follows the general limit unless set


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IMAP_SECURITY": "tls"}, "IMAP_SECURITY doit valoir ssl, starttls, none"),
        ({"SMTP_SECURITY": "oui"}, "SMTP_SECURITY doit valoir"),
        ({"SMTP_RETRY_SECONDS": "5,trente"}, "SMTP_RETRY_SECONDS doit être une liste d'entiers"),
        ({"EMAIL_AUTO_LIMIT": "trois"}, "EMAIL_AUTO_LIMIT doit être un entier"),
    ],
)
def test_bad_email_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)
