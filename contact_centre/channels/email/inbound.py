"""A fetched message → an InboundContact through the one way in, then the acknowledgement."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from contact_centre.channels.email.automatic import automatic_reason
from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.notify import (
    acknowledge_receipt,
    acknowledgement_note,
)
from contact_centre.channels.email.parse import ParsedMessage, parse_message
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel
from contact_centre.domain.errors import DomainError
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import runtime
from contact_centre.services.intake import (
    CitizenHints,
    InboundContact,
    IncomingAttachment,
    RecordedContact,
)
from contact_centre.settings import Settings

log = logging.getLogger(__name__)
ORIGINAL_NAME = "message-original.eml"
MAX_BODY_CHARS = 1_000_000
AUTOMATIC_PRIORITY = 4  # recorded for the record, after what people wrote


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " Mo"


def warnings_for(parsed: ParsedMessage, settings: Settings) -> list[str]:
    """What the ambassador must know about what was not taken from the message, in French."""
    out = []
    if parsed.too_large:
        out.append(
            f"Message de {_megabytes(parsed.size)}, au-delà de la taille maximale "
            f"({_megabytes(settings.section(EmailSettings).email_max_message_bytes)}) : il n'a pas été découpé, "
            f"son contenu complet est dans « {ORIGINAL_NAME} »."
        )
    for part in parsed.dropped:
        out.append(
            f"Pièce jointe « {part.filename} » ({_megabytes(part.size)}) au-delà de la taille maximale "
            f"({_megabytes(settings.section(EmailSettings).email_max_attachment_bytes)}) : non enregistrée à part, elle reste "
            f"dans « {ORIGINAL_NAME} »."
        )
    if parsed.defects and not parsed.too_large:
        out.append(
            f"Message mal formé : ce qui a pu être lu est affiché, l'original est dans « {ORIGINAL_NAME} »."
        )
    if len(parsed.text) > MAX_BODY_CHARS:
        out.append(f"Texte tronqué à {MAX_BODY_CHARS} caractères ; l'original est dans « {ORIGINAL_NAME} ».")
    return out


def to_inbound(
    parsed: ParsedMessage,
    raw: bytes,
    settings: Settings,
    *,
    received_at: datetime | None,
    automatic: str | None,
    source: Mapping[str, Any] | None = None,
) -> InboundContact:
    warnings = warnings_for(parsed, settings)
    keep_original = bool(warnings) or not settings.section(EmailSettings).imap_keep_originals
    body = parsed.text[:MAX_BODY_CHARS]
    if warnings:
        body = "\n".join(f"[Espace Citoyen] {w}" for w in warnings) + ("\n\n" + body if body else "")
    return InboundContact(
        channel=Channel.EMAIL,
        citizen=CitizenHints(name=parsed.from_name, email=parsed.reply_address),
        subject=parsed.subject,
        body=body,
        attachments=tuple(IncomingAttachment(a.filename, a.content_type, a.data) for a in parsed.attachments),
        original=IncomingAttachment(ORIGINAL_NAME, "message/rfc822", raw) if keep_original else None,
        payload={
            "message_id": parsed.message_id,
            "from": parsed.from_raw,
            "from_address": parsed.from_address,
            "reply_to": parsed.reply_to,
            "to": list(parsed.to),
            "cc": list(parsed.cc),
            "date": parsed.date.isoformat() if parsed.date else None,
            "in_reply_to": list(parsed.in_reply_to),
            "references": list(parsed.references),
            "size": parsed.size,
            "automatic": automatic,
            "html": parsed.html,
            "inline": [a.filename for a in parsed.attachments if a.inline],
            "dropped": [{"filename": d.filename, "size": d.size} for d in parsed.dropped],
            "defects": list(parsed.defects[:20]),
            "warnings": warnings,
            "mailbox": dict(source or {}),
        },
        received_at=received_at,
        external_id=parsed.external_id,
        priority=AUTOMATIC_PRIORITY if automatic else None,
        in_reply_to=parsed.thread_ids,
    )


def own_addresses(settings: Settings) -> tuple[str, ...]:
    return tuple(a for a in (settings.section(EmailSettings).from_address, settings.section(EmailSettings).imap_user) if "@" in a)


def ingest_into(
    uow: UnitOfWork,
    raw: bytes,
    received_at: datetime | None = None,
    source: Mapping[str, Any] | None = None,
    calendar: BusinessCalendar | None = None,
) -> RecordedContact:
    """Records one message (nothing new if it was already recorded) and queues its acknowledgement,
    in the caller's transaction (the watcher records a fetched batch in one). Never refuses a message: what the intake rejects is recorded again bare, with the original kept.
    `calendar`: the business calendar, when the caller read it once for many messages."""
    rt = runtime()
    settings = rt.settings
    parsed = parse_message(
        raw,
        max_attachment_bytes=min(settings.section(EmailSettings).email_max_attachment_bytes, settings.storage.max_attachment_bytes),
        max_message_bytes=settings.section(EmailSettings).email_max_message_bytes,
    )
    automatic = automatic_reason(parsed, own_addresses(settings))
    inbound = to_inbound(parsed, raw, settings, received_at=received_at, automatic=automatic, source=source)
    ack = acknowledgement_note(uow, parsed, automatic)
    inbound = replace(inbound, payload={**inbound.payload, "acknowledgement": ack})
    try:
        # The intake refuses (DomainError) before it writes anything: no savepoint needed here.
        recorded = rt.intake.record(uow, inbound, calendar)
    except DomainError as exc:
        log.warning("message %s refused by the intake (%s); recorded bare", parsed.external_id, exc)
        note = f"[Espace Citoyen] Message enregistré sans ses détails ({exc}) ; l'original est dans « {ORIGINAL_NAME} »."
        inbound = replace(
            inbound,
            citizen=CitizenHints(name=parsed.from_name or parsed.from_raw[:200]),
            body=f"{note}\n\n{inbound.body}",
            attachments=(),
            original=IncomingAttachment(ORIGINAL_NAME, "message/rfc822", raw),
            in_reply_to=(),
        )
        recorded = rt.intake.record(uow, inbound, calendar)
    if recorded.created and ack["status"] == "queued":
        acknowledge_receipt(uow, recorded, parsed, ack["message_id"])
    return recorded
