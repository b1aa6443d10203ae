"""The e-mail channel's settings: the city's mailbox over IMAP in, SMTP out, automatic replies.

Without IMAP_HOST nothing is fetched; without SMTP_HOST and MAIL_FROM nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import ClassVar

from contact_centre.settings import (
    address,
    boolean,
    choice,
    existing_file,
    integer,
    integers,
    port,
    setting,
    template,
    text,
)

SECURITY_MODES = ("ssl", "starttls", "none")


@dataclass(frozen=True, kw_only=True)
class EmailSettings:
    title: ClassVar[str] = "Courriel (IMAP, SMTP, réponses automatiques)"

    imap_host: str = setting(
        "IMAP_HOST", text, "serveur IMAP de la boîte de la ville ; vide : rien n'est relevé", default=""
    )
    imap_port: int = setting("IMAP_PORT", port, "port IMAP ; 0 : 993 en ssl, 143 sinon", default=0)
    imap_security: str = setting("IMAP_SECURITY", choice(*SECURITY_MODES), "chiffrement IMAP", default="ssl")
    imap_user: str = setting("IMAP_USER", text, "compte IMAP", default="")
    imap_password: str = setting("IMAP_PASSWORD", text, "mot de passe IMAP", default="", secret=True)
    # Extra CA certificates trusted besides the system's; the certificate and host name are always checked.
    imap_ca_file: Path | None = setting(
        "IMAP_CA_FILE",
        existing_file,
        "certificats d'autorité (PEM) reconnus en plus du système",
        default=None,
    )
    imap_folder: str = setting("IMAP_FOLDER", text, "dossier relevé", default="INBOX")
    # Empty: processed messages stay where they are, flagged \Seen and $GrcTraite; else moved there.
    imap_processed_folder: str = setting(
        "IMAP_PROCESSED_FOLDER",
        text,
        "dossier où ranger les messages traités ; vide : ils restent, marqués",
        default="",
    )
    # False: processed messages are deleted from the server (the raw message is then kept by the app).
    imap_keep_originals: bool = setting(
        "IMAP_KEEP_ORIGINALS", boolean, "garder les messages traités sur le serveur", default=True
    )
    imap_batch_size: int = setting("IMAP_BATCH_SIZE", integer(1), "messages relevés à la fois", default=50)
    # The longest wait between two looks at the mailbox, IDLE or not (a dropped IDLE is caught by it).
    imap_poll_seconds: int = setting(
        "IMAP_POLL_SECONDS", integer(1), "attente maximale entre deux relèves", default=60
    )
    smtp_host: str = setting("SMTP_HOST", text, "serveur d'envoi ; vide : rien n'est envoyé", default="")
    smtp_port: int = setting(
        "SMTP_PORT", port, "port SMTP ; 0 : 465 en ssl, 587 en starttls, 25 sinon", default=0
    )
    smtp_security: str = setting(
        "SMTP_SECURITY", choice(*SECURITY_MODES), "chiffrement SMTP", default="starttls"
    )
    smtp_user: str = setting("SMTP_USER", text, "identifiant SMTP, si le serveur en demande un", default="")
    smtp_password: str = setting("SMTP_PASSWORD", text, "mot de passe SMTP", default="", secret=True)
    smtp_ca_file: Path | None = setting(
        "SMTP_CA_FILE", existing_file, "comme IMAP_CA_FILE, pour le serveur d'envoi", default=None
    )
    # The city's address (never answered automatically): bare, or with the name shown with it.
    mail_from: str = setting(
        "MAIL_FROM", address, "adresse de la ville (grc@ville.fr ou Mairie <grc@ville.fr>)", default=""
    )
    mail_from_name: str = setting(
        "MAIL_FROM_NAME",
        text,
        "nom affiché avec MAIL_FROM quand elle n'en porte pas",
        default="Espace Citoyen",
    )
    # Waits before each new try of a failed send; after the last one the message is marked failed.
    smtp_retry_seconds: tuple[int, ...] = setting(
        "SMTP_RETRY_SECONDS", integers(0), "attentes avant chaque nouvel essai d'un envoi échoué ; vide : aucun",
        default=(5, 30, 120), blank_is_default=False,
    )  # fmt: skip
    email_max_attachment_bytes: int = setting(
        "EMAIL_MAX_ATTACHMENT_BYTES", integer(1), "taille maximale d'une pièce jointe gardée à part ; défaut : MAX_ATTACHMENT_BYTES",
        derive=lambda read: read["MAX_ATTACHMENT_BYTES"],
    )  # fmt: skip
    # Past this size a message is not taken apart: an item with a note, the original kept whole.
    email_max_message_bytes: int = setting(
        "EMAIL_MAX_MESSAGE_BYTES",
        integer(1),
        "taille maximale d'un message décomposé",
        default=50 * 1024 * 1024,
    )
    email_auto_ack: bool = setting(
        "EMAIL_AUTO_ACK", boolean, "accusés de réception automatiques", default=True
    )
    email_auto_ack_text: str = setting(
        "EMAIL_AUTO_ACK_TEXT", template("subject", "received", "follow_up", "reference"), "texte de l'accusé de réception",
        default=(
            "Bonjour,\n\n"
            "Nous avons bien reçu votre message « {subject} » du {received}.\n"
            "{follow_up}\n\n"
            "Ce courriel est envoyé automatiquement. Si vous nous répondez, gardez l'objet du message : "
            "votre réponse sera rattachée à votre demande.\n\n"
            "L'Espace Citoyen de la Ville"
        ),
    )  # fmt: skip
    # At most this many automatic messages to one address per period; the next ones are not sent.
    email_auto_limit: int = setting(
        "EMAIL_AUTO_LIMIT", integer(0), "messages automatiques au plus à une adresse par période", default=3
    )
    email_auto_period_hours: int = setting(
        "EMAIL_AUTO_PERIOD_HOURS", integer(1), "durée de cette période, en heures", default=24
    )

    @property
    def from_address(self) -> str:
        """The bare address of MAIL_FROM (envelope sender, Message-ID domain, loop protection)."""
        return parseaddr(self.mail_from)[1]

    @property
    def from_name(self) -> str:
        """The name shown in From: MAIL_FROM's own when it carries one, else MAIL_FROM_NAME."""
        return parseaddr(self.mail_from)[0] or self.mail_from_name

    @property
    def sends_mail(self) -> bool:
        return bool(self.smtp_host and self.mail_from)
