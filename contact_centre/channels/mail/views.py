"""The console's side of scanned mail: upload, a letter's pages and text, search over letters' text."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.mail.intake import (
    parse_day,
    reception_instant,
    record_letter,
)
from contact_centre.channels.mail.scans import ScanRejected, check_scan
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.letters import LetterPage, LetterScan, ScanStatus
from contact_centre.runtime import runtime
from contact_centre.services import letters
from contact_centre.services.shapes import iso
from contact_centre.web.errors import error_text, json_error

bp = Blueprint("mail", __name__, url_prefix="/mail")

MAX_FILES = 20


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    limit = runtime().settings.section(MailSettings).mail_scan_max_bytes // (1024 * 1024)
    return json_error(
        _(
            "L'envoi dépasse la taille maximale (%(limit)s Mo par courrier) : envoyez les fichiers un par un.",
            limit=limit,
        ),
        400,
        "invalid_input",
    )


@bp.post("/letters")
def upload() -> ResponseReturnValue:
    """One letter per file; every file is checked before any is recorded, so a refusal records nothing."""
    rt = runtime()
    files = [f for f in request.files.getlist("files") if f and (f.filename or f.content_length)]
    if not files:
        raise InvalidInput(N_("Choisissez au moins un fichier numérisé (PDF, JPEG, PNG ou TIFF)."))
    if len(files) > MAX_FILES:
        raise InvalidInput(N_("Envoyez au plus {limit} fichiers à la fois."), limit=MAX_FILES)
    checked, refused = [], []
    for upload in files:
        try:
            checked.append(
                check_scan(
                    upload.filename or "courrier",
                    upload.read(rt.settings.section(MailSettings).mail_scan_max_bytes + 1),
                    max_bytes=rt.settings.section(MailSettings).mail_scan_max_bytes,
                    max_pages=rt.settings.section(MailSettings).mail_scan_max_pages,
                    max_pixels=rt.settings.storage.max_image_pixels,
                )
            )
        except ScanRejected as exc:
            refused.append(error_text(exc))
    if refused:
        prefix = _("Aucun courrier n'a été enregistré.") if len(files) > 1 else ""
        return json_error(" ".join([*refused, prefix]).strip(), 400, "invalid_input")
    with rt.uow() as uow:
        received_at = reception_instant(
            parse_day(request.form.get("received_on", "")), rt.calendar(uow.session)
        )
        recorded = [
            record_letter(
                rt, uow, scan, received_at=received_at, source="upload", created_by_id=current_user.id
            )
            for scan in checked
        ]
        uow.commit()
    body = {
        "letters": [
            {
                "filename": r.filename,
                "contact_id": r.contact_id,
                "queue_item_id": r.queue_item_id,
                "scan_id": r.scan_id,
                "created": r.created,
            }
            for r in recorded
        ]
    }
    return jsonify(body), 201 if any(r.created for r in recorded) else 200


def _page_url(page: LetterPage) -> str:
    return url_for("console_api.mail.page_image", page_id=page.id)


def _letter_json(scan: LetterScan) -> dict[str, Any]:
    contact = scan.contact
    return {
        "id": scan.id,
        "contact_id": scan.contact_id,
        "received_at": iso(contact.received_at),
        "source": contact.payload.get("source"),
        "filename": scan.attachment.filename,
        "kind": scan.kind,
        "page_count": scan.page_count,
        "status": scan.status.value,
        "error": scan.error or None,
        "text": scan.text,
        "references": scan.references,
        "request": contact.request.reference if contact.request else None,
        "pages": [
            {"number": p.number, "width": p.width, "height": p.height, "text": p.text, "url": _page_url(p)}
            for p in scan.pages
        ],
    }


@bp.get("/items/<int:item_id>/letter")
def item_letters(item_id: int) -> ResponseReturnValue:
    """The letters shown by an item: its own contact's and any that joined it, oldest first."""
    scans = letters.scans_of_item(runtime().session(), item_id)
    return jsonify(
        {
            "item_id": item_id,
            "pending": any(s.status is ScanStatus.PENDING for s in scans),
            "letters": [_letter_json(s) for s in scans],
        }
    )


@bp.get("/pages/<int:page_id>")
def page_image(page_id: int) -> ResponseReturnValue:
    rt = runtime()
    page = rt.session().get(LetterPage, page_id)
    if page is None:
        return json_error(_("Page introuvable."), 404, "not_found")
    # Shown inline, unlike attachments: this PNG was drawn by the app from decoded pixels.
    response = send_file(rt.storage.path(page.image_key), mimetype="image/png", max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.get("/letters")
def search() -> ResponseReturnValue:
    hits = letters.search_letters(runtime().session(), request.args.get("q", ""))
    return jsonify(
        [
            {
                "scan_id": h.scan.id,
                "contact_id": h.scan.contact_id,
                "queue_item_id": h.item_id,
                "received_at": iso(h.scan.contact.received_at),
                "filename": h.scan.attachment.filename,
                "status": h.scan.status.value,
                "request": h.scan.contact.request.reference if h.scan.contact.request else None,
                "snippet": h.snippet,
            }
            for h in hits
        ]
    )
