"""/patrol: the patroller's tablet page. Only translates the form into a PatrolReport."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from contact_centre.channels.patrol.config import PatrolSettings
from contact_centre.channels.patrol.photos import ACCEPTED, PhotoLimits, check_photos
from contact_centre.channels.patrol.report import (
    Category,
    PatrolReport,
    active_categories,
    check_location,
    record_report,
    uploaded,
)
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.web.access import roles_required
from contact_centre.web.errors import error_text

bp = Blueprint("patrol", __name__)
patrol_roles = roles_required(Role.PATROLLER, Role.HEAD, Role.ADMIN)
KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class PatrolForm(FlaskForm):
    report_key = HiddenField()
    # Rendered by the template (options grouped by service); checked against the catalogue.
    category = StringField(_l("Catégorie"))
    description = TextAreaField(
        _l("Ce que vous avez constaté"),
        validators=[
            DataRequired(message=_l("Décrivez ce que vous avez constaté.")),
            Length(max=5000, message=_l("La description dépasse 5 000 caractères.")),
        ],
    )
    address = StringField(
        _l("Adresse ou lieu"), validators=[Length(max=255, message=_l("L'adresse dépasse 255 caractères."))]
    )
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    photos = MultipleFileField(_l("Photos"))


def _limits() -> PhotoLimits:
    settings = runtime().settings
    patrol = settings.section(PatrolSettings)
    return PhotoLimits(
        max_bytes=patrol.patrol_max_photo_bytes,
        max_count=patrol.patrol_max_photos,
        max_pixels=settings.storage.max_image_pixels,
    )


def _page(form: PatrolForm, categories: list[Category], errors: dict[str, str], status: int) -> Any:
    if not KEY_RE.fullmatch(form.report_key.data or ""):
        form.report_key.data = secrets.token_urlsafe(24)
    groups: dict[str, list[Category]] = {}
    for category in categories:
        groups.setdefault(category.service, []).append(category)
    limits = _limits()
    response = render_template(
        "patrol/report.html",
        form=form,
        groups=groups,
        errors=errors,
        accepted=ACCEPTED,
        max_photo_mb=max(1, limits.max_bytes // (1024 * 1024)),
        max_photos=limits.max_count,
    )
    # Never from the cache: coming back to the page must give a new report key, not the last one's.
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/patrol", methods=["GET", "POST"])
@patrol_roles
def report() -> ResponseReturnValue:
    rt = runtime()
    categories = active_categories(rt.session())
    form = PatrolForm()
    errors: dict[str, str] = {}
    if request.method == "GET":
        return _page(form, categories, errors, 200)
    # Every check runs, so the patroller sees all that is wrong at once.
    valid = form.validate_on_submit()
    key = form.report_key.data or ""
    category = next((c for c in categories if c.code == (form.category.data or "").strip()), None)
    if not KEY_RE.fullmatch(key):
        errors["form"] = _("Le formulaire a expiré : vérifiez les informations puis envoyez de nouveau.")
    if category is None:
        errors["category"] = _(
            "Choisissez une catégorie dans la liste : celle-ci n'existe pas ou n'est plus proposée."
        )
    files = uploaded([(f.filename or "", f.read()) for f in request.files.getlist(form.photos.name)])
    try:
        location = check_location(
            form.address.data or "",
            form.latitude.data or "",
            form.longitude.data or "",
            form.accuracy.data or "",
            with_photos=bool(files),
        )
    except DomainError as exc:
        errors["location"] = error_text(exc)
    try:
        photos = check_photos(files, _limits())
    except DomainError as exc:
        errors["photos"] = error_text(exc)
    if not valid or errors or category is None:
        return _page(form, categories, errors, 400)

    try:
        with rt.uow() as uow:
            recorded = record_report(
                rt,
                uow,
                PatrolReport(
                    category=category,
                    description=form.description.data or "",
                    location=location,
                    photos=photos,
                    report_key=key,
                    patroller_id=current_user.id,
                ),
            )
            uow.commit()
    except DomainError as exc:
        errors["form"] = error_text(exc)
        return _page(form, categories, errors, exc.http_status)
    receipt: dict[str, Any] = {"contact_id": recorded.contact_id} | ({} if recorded.created else {"deja": 1})
    return redirect(url_for("patrol.receipt", **receipt))


@bp.get("/patrol/signalements/<int:contact_id>")
@patrol_roles
def receipt(contact_id: int) -> ResponseReturnValue:
    contact = runtime().session().get(Contact, contact_id)
    if (
        contact is None
        or contact.channel is not Channel.PATROL
        or (contact.created_by_id != current_user.id and current_user.role is Role.PATROLLER)
    ):
        abort(404)
    return render_template(
        "patrol/receipt.html",
        contact=contact,
        payload=contact.payload,
        photos=len(contact.attachments),
        again=request.args.get("deja") == "1",
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    # The whole upload was refused before it could be read: nothing typed can be shown again.
    limit = max(1, (request.max_content_length or 0) // (1024 * 1024))
    errors = {
        "photos": _(
            "L'envoi dépasse %(limit)s Mo au total : rien n'a été enregistré. Envoyez moins de photos, ou des photos plus légères.",
            limit=limit,
        )
    }
    return _page(PatrolForm(formdata=None), active_categories(runtime().session()), errors, 413)
