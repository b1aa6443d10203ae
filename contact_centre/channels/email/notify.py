"""The city's automatic messages and ambassadors' replies: drafted here, recorded as outbound
contacts, sent by a job once the transaction has committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask import has_app_context

from contact_centre.channels.email.automatic import NO_REPLY
from contact_centre.channels.email.compose import (
    acknowledgement_text,
    french_day,
    new_message_id,
    references,
    reply_subject,
    request_created_text,
)
from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.parse import ParsedMessage, checked_address
from contact_centre.channels.email.sending import send_mail
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Direction
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue
from contact_centre.runtime import Runtime, runtime
from contact_centre.services.emails import (
    MailDraft,
    automatic_mails_since,
    email_thread,
    item_of_contact,
    latest_inbound,
    outbound_mail,
    queue_mail,
    update_mail,
)
from contact_centre.services.intake import IncomingAttachment, RecordedContact


def _skip_reason(rt: Runtime, uow: UnitOfWork, address: str, automatic: str | None) -> str | None:
    settings = rt.settings
    if not settings.section(EmailSettings).email_auto_ack:
        return "accusés de réception désactivés (EMAIL_AUTO_ACK)"
    if not settings.section(EmailSettings).sends_mail:
        return "envoi non configuré (SMTP_HOST, MAIL_FROM)"
    if automatic:
        return automatic
    if not address or NO_REPLY.match(address):
        return "adresse qui n'accepte pas de réponse"
    since = utcnow() - timedelta(hours=settings.section(EmailSettings).email_auto_period_hours)
    if automatic_mails_since(uow.session, address, since) >= settings.section(EmailSettings).email_auto_limit:
        return (
            f"limite de {settings.section(EmailSettings).email_auto_limit} messages automatiques en "
            f"{settings.section(EmailSettings).email_auto_period_hours} h atteinte pour cette adresse"
        )
    return None


def _queue(
    rt: Runtime,
    uow: UnitOfWork,
    item_id: int,
    actor_id: int | None,
    draft: MailDraft,
    item: QueueItem | None = None,
) -> Contact:
    contact = queue_mail(
        uow,
        item_id,
        actor_id,
        draft,
        sender=rt.settings.section(EmailSettings).from_address,
        storage=rt.storage,
        max_attachment_bytes=rt.settings.storage.max_attachment_bytes,
        item=item,
    )
    uow.enqueue(send_mail, contact.id)
    return contact


def _note_on(contact: Contact, key: str, value: dict[str, object]) -> None:
    contact.payload = {**contact.payload, key: value}


def acknowledgement_note(uow: UnitOfWork, parsed: ParsedMessage, automatic: str | None) -> dict[str, str]:
    """What the contact will say of its acknowledgement: why none is sent, or the Message-ID it
    will carry. Decided before the message is recorded, so the note is written with it."""
    rt = runtime()
    skip = _skip_reason(rt, uow, parsed.reply_address, automatic)
    if skip:
        return {"status": "skipped", "reason": skip}
    return {"status": "queued", "message_id": new_message_id(rt.settings)}


def acknowledge_receipt(
    uow: UnitOfWork, recorded: RecordedContact, parsed: ParsedMessage, message_id: str
) -> None:
    """« Votre message a bien été reçu », with the request's reference when the message joined one;
    `message_id` is the one `acknowledgement_note` promised."""
    rt = runtime()
    contact = recorded.contact or uow.session.get(Contact, recorded.contact_id)
    assert contact is not None
    address = parsed.reply_address
    reference = contact.request.reference if contact.request else None
    draft = MailDraft(
        to=address,
        to_name=parsed.from_name if parsed.from_address == address else "",
        subject=reply_subject(parsed.subject, reference),
        body=acknowledgement_text(rt.settings, parsed.subject, contact.received_at, reference),
        message_id=message_id,
        kind="acknowledgement",
        in_reply_to=parsed.message_id,
        references=references(parsed.references, parsed.message_id),
        automatic=True,
    )
    _queue(rt, uow, recorded.queue_item_id, None, draft, item=recorded.item)


def acknowledge_request(uow: UnitOfWork, request: ServiceRequest, contact: Contact) -> None:
    """Hook on request creation: a request opened from an e-mail sends its reference to the citizen."""
    if (
        not has_app_context()
        or contact.channel is not Channel.EMAIL
        or contact.direction is not Direction.INBOUND
    ):
        return
    rt = runtime()
    address = checked_address(str(contact.payload.get("reply_to") or contact.hints.get("email") or ""))
    skip = _skip_reason(rt, uow, address, contact.payload.get("automatic"))
    if skip:
        _note_on(contact, "request_notice", {"status": "skipped", "reason": skip})
        return
    item = item_of_contact(uow.session, contact.id)
    if item is None:
        return
    message_id = str(contact.payload.get("message_id") or "")
    draft = MailDraft(
        to=address,
        to_name=str(contact.hints.get("name") or ""),
        subject=f"Votre demande {request.reference} : {request.subject}"[:250],
        body=request_created_text(
            rt.settings,
            request.subject,
            request.reference,
            request.service.name,
            french_day(request.due_on),
        ),
        message_id=new_message_id(rt.settings),
        kind="request_created",
        in_reply_to=message_id,
        references=references(contact.payload.get("references") or [], message_id),
        automatic=True,
    )
    _queue(rt, uow, item.id, request.created_by_id, draft)
    _note_on(contact, "request_notice", {"status": "queued", "message_id": draft.message_id})


def reply_from_console(
    uow: UnitOfWork,
    item_id: int,
    actor_id: int,
    text: str,
    files: Sequence[IncomingAttachment] = (),
    to: str = "",
) -> Contact:
    """An ambassador's answer on the item they hold, threaded on the citizen's latest message."""
    rt = runtime()
    item = queue.claimed_item(uow.session, item_id, actor_id)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(N_("Le message est vide."))
    if not rt.settings.section(EmailSettings).sends_mail:
        raise InvalidInput(N_("L'envoi de courriels n'est pas configuré (SMTP_HOST, MAIL_FROM)."))
    thread = email_thread(uow.session, item.id)
    last = latest_inbound(thread)
    address = checked_address(to) if to.strip() else ""
    if to.strip() and not address:
        raise InvalidInput(N_("Adresse de courriel invalide : « {to} »."), to=to)
    if not address and last is not None:
        address = checked_address(str(last.payload.get("reply_to") or last.hints.get("email") or ""))
    if not address and item.citizen is not None and item.citizen.emails:
        address = item.citizen.emails[0].address
    if not address:
        raise InvalidInput(N_("Aucune adresse de courriel connue pour ce citoyen : saisissez-en une."))
    last_id = str(last.payload.get("message_id") or "") if last is not None else ""
    reference = item.request.reference if item.request else None
    draft = MailDraft(
        to=address,
        to_name=str(last.hints.get("name") or "") if last is not None else "",
        subject=reply_subject(last.subject if last is not None else item.summary, reference),
        body=text,
        message_id=new_message_id(rt.settings),
        kind="reply",
        in_reply_to=last_id,
        references=references(last.payload.get("references") or [], last_id) if last is not None else (),
        attachments=tuple(files),
    )
    return _queue(rt, uow, item.id, actor_id, draft)


def resend(uow: UnitOfWork, contact_id: int) -> Contact:
    """A failed message, sent again on an ambassador's request."""
    contact = outbound_mail(uow.session, contact_id)
    if contact.payload.get("status") != "failed":
        raise InvalidInput(N_("Seul un envoi en échec peut être relancé."))
    update_mail(uow, contact_id, {"status": "queued", "error": ""})
    uow.enqueue(send_mail, contact_id)
    return contact
