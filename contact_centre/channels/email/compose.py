"""The messages the city sends: French texts, and MIME with the headers mail clients thread on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.parse import single_line
from contact_centre.domain.base import utcnow
from contact_centre.domain.errors import N_
from contact_centre.services.tracking import tracking_key
from contact_centre.settings import Settings

_REPLY_PREFIX = re.compile(r"^\s*((re|tr|fw|fwd|réf|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

FOLLOW_UP_WITH_REFERENCE = N_(
    "Il est rattaché à votre demande {reference}, que vous pouvez suivre à l'adresse {link}."
)
FOLLOW_UP_WITHOUT_REFERENCE = N_(
    "Un ambassadeur de l'Espace Citoyen va l'étudier. Dès que votre demande sera enregistrée, "
    "nous vous enverrons sa référence pour la suivre."
)
REQUEST_CREATED_TEXT = N_(
    "Bonjour,\n\n"
    "Votre demande « {subject} » est enregistrée sous la référence {reference}.\n"
    "Elle est confiée au service {service}, qui s'engage à vous répondre d'ici le {due_on}.\n"
    "Vous pouvez la suivre à l'adresse {link}.\n\n"
    "Ce courriel est envoyé automatiquement. Si vous nous répondez, gardez la référence dans l'objet.\n\n"
    "L'Espace Citoyen de la Ville"
)


class _Lenient(dict[str, str]):
    """A customised text with an unknown {placeholder} keeps it as written instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, **values: str) -> str:
    try:
        return template.format_map(_Lenient(values))
    except (ValueError, IndexError):  # stray braces in a customised text
        return template


def french_date(when: datetime, timezone: str) -> str:
    local = when.astimezone(ZoneInfo(timezone))
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


def french_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def tracking_link(settings: Settings, reference: str) -> str:
    key = tracking_key(settings.app.secret_key, reference)
    return fill(settings.tracking.tracking_url, base=settings.app.public_base_url, reference=reference, key=key)


def new_message_id(settings: Settings) -> str:
    domain = settings.section(EmailSettings).from_address.rpartition("@")[2] or "espace-citoyen.invalid"
    return make_msgid(domain=domain)[1:-1]


def reply_subject(subject: str, reference: str | None = None) -> str:
    """« Re: » once, and the request's reference so a reply finds its request even without headers.
    One line: whatever a citizen put in a subject cannot add a header to ours."""
    base = single_line(_REPLY_PREFIX.sub("", single_line(subject)), 200) or "Votre message"
    if reference and reference not in base:
        base = f"{base} [{reference}]"
    return f"Re: {base}"


def references(previous: Iterable[str], message_id: str) -> tuple[str, ...]:
    """The thread so far plus the message answered, bounded (RFC 5322 allows trimming the middle)."""
    ids = [i for i in (*previous, message_id) if i and " " not in i]
    ids = list(dict.fromkeys(ids))
    return tuple(ids[:1] + ids[1:][-9:]) if len(ids) > 10 else tuple(ids)


def acknowledgement_text(
    settings: Settings, subject: str, received_at: datetime, reference: str | None
) -> str:
    follow_up = (
        fill(FOLLOW_UP_WITH_REFERENCE, reference=reference, link=tracking_link(settings, reference))
        if reference
        else FOLLOW_UP_WITHOUT_REFERENCE
    )
    return fill(
        settings.section(EmailSettings).email_auto_ack_text,
        subject=single_line(subject, 200) or "(sans objet)",
        received=french_date(received_at, settings.app.timezone),
        follow_up=follow_up,
        reference=reference or "",
    )


def request_created_text(settings: Settings, subject: str, reference: str, service: str, due_on: str) -> str:
    return fill(
        REQUEST_CREATED_TEXT,
        subject=single_line(subject, 200),
        reference=reference,
        service=service,
        due_on=due_on,
        link=tracking_link(settings, reference),
    )


def build_email(
    settings: Settings,
    *,
    to: str,
    to_name: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    thread: Iterable[str] = (),
    automatic: bool = False,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    sent_at: datetime | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = Address(single_line(settings.section(EmailSettings).from_name, 100), addr_spec=settings.section(EmailSettings).from_address)
    msg["To"] = Address(single_line(to_name, 100), addr_spec=to)
    msg["Subject"] = single_line(subject, 250)
    msg["Date"] = format_datetime(sent_at or utcnow())
    msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    ids = [i for i in thread if i]
    if ids:
        msg["References"] = " ".join(f"<{i}>" for i in ids)
    if automatic:
        # RFC 3834: other responders must not answer this one; Exchange reads the second header.
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(body)
    for filename, content_type, data in attachments:
        maintype, _sep, subtype = content_type.partition("/")
        # Forwarded messages and oddities travel as plain files: the bytes are what matters.
        if not subtype or maintype in ("multipart", "message"):
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
