"""Sending over SMTP (TLS, STARTTLS or plain per settings), as a job with retries. The message's
outbound contact records every outcome, so the console shows a failed send."""

from __future__ import annotations

import logging
import smtplib
import ssl
import time

from contact_centre.channels.email.compose import build_email
from contact_centre.channels.email.config import EmailSettings
from contact_centre.domain.base import utcnow
from contact_centre.runtime import runtime
from contact_centre.services.emails import outbound_mail, update_mail
from contact_centre.services.shapes import iso
from contact_centre.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


class MailNotConfigured(RuntimeError):
    pass


def failure_text(exc: BaseException) -> str:
    """What the console shows for a failed send: in French, with the server's own words."""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"Le serveur de courrier a refusé le message ({exc.smtp_code} {said})."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "Le serveur de courrier a refusé l'adresse du destinataire."
    if isinstance(exc, MailNotConfigured):
        return "L'envoi de courriels n'est pas configuré (SMTP_HOST, MAIL_FROM)."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"Le certificat du serveur de courrier n'est pas reconnu ({exc.verify_message}) ; "
            "vérifiez SMTP_HOST et SMTP_CA_FILE."
        )
    if isinstance(exc, OSError):
        return f"Serveur de courrier injoignable : {exc}."
    return f"Envoi impossible : {exc}."


def smtp_connection(settings: Settings, timeout: float = 30) -> smtplib.SMTP:
    if not settings.section(EmailSettings).sends_mail:
        raise MailNotConfigured("SMTP_HOST et MAIL_FROM ne sont pas définis")
    port = settings.section(EmailSettings).smtp_port or DEFAULT_PORTS[settings.section(EmailSettings).smtp_security]
    context = ssl.create_default_context()  # verifies the certificate and the host name
    if settings.section(EmailSettings).smtp_ca_file:
        context.load_verify_locations(cafile=settings.section(EmailSettings).smtp_ca_file)
    smtp: smtplib.SMTP
    if settings.section(EmailSettings).smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.section(EmailSettings).smtp_host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.section(EmailSettings).smtp_host, port, timeout=timeout)
    try:
        if settings.section(EmailSettings).smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.section(EmailSettings).smtp_user:
            smtp.login(settings.section(EmailSettings).smtp_user, settings.section(EmailSettings).smtp_password)
    except BaseException:
        smtp.close()  # a refused certificate or login must not leave the socket open
        raise
    return smtp


def _permanent(exc: Exception) -> bool:
    """A 5xx answer will not change by trying again; a network error or a 4xx may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(exc, MailNotConfigured) or (isinstance(code, int) and code >= 500)


def send_mail(contact_id: int) -> str:
    """Job: sends one queued message; returns its final status (« sent » or « failed »)."""
    rt = runtime()
    with rt.new_uow() as uow:
        contact = outbound_mail(uow.session, contact_id)
        payload = dict(contact.payload)
        if payload.get("status") == "sent":
            return "sent"  # a job run twice must not send twice
        files = [(a.filename, a.content_type, rt.storage.read(a.storage_key)) for a in contact.attachments]
        body, subject = contact.body, contact.subject
    attempts = int(payload.get("attempts", 0))
    delays = (0, *rt.settings.section(EmailSettings).smtp_retry_seconds)
    error = ""
    for delay in delays:
        time.sleep(delay)
        attempts += 1
        try:
            message = build_email(
                rt.settings,
                to=payload["to"],
                to_name=payload.get("to_name", ""),
                subject=subject,
                body=body,
                message_id=payload["message_id"],
                in_reply_to=payload.get("in_reply_to", ""),
                thread=payload.get("references", []),
                automatic=bool(payload.get("automatic")),
                attachments=files,
            )
            with smtp_connection(rt.settings) as smtp:
                smtp.send_message(message, from_addr=rt.settings.section(EmailSettings).from_address, to_addrs=[payload["to"]])
        except (smtplib.SMTPException, OSError, MailNotConfigured, ValueError) as exc:
            error = failure_text(exc)[:500]
            log.warning("sending mail %s failed (attempt %s): %r", contact_id, attempts, exc)
            if _permanent(exc):
                break
            continue
        with rt.new_uow() as uow:
            update_mail(
                uow,
                contact_id,
                {"status": "sent", "attempts": attempts, "sent_at": iso(utcnow()), "error": ""},
            )
            uow.commit()
        return "sent"
    with rt.new_uow() as uow:
        update_mail(uow, contact_id, {"status": "failed", "attempts": attempts, "error": error})
        uow.commit()
    return "failed"
