"""/console/saisie: ambassadors enter what was asked at a neighbourhood council or a GUSP meeting."""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from contact_centre.channels.meetings.config import MeetingsSettings
from contact_centre.channels.meetings.entry import (
    COUNCIL,
    DOORS,
    Door,
    MeetingEntry,
    record_entry,
)
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.services.citizens import checked_email, checked_phone
from contact_centre.services.intake import CitizenHints
from contact_centre.web.access import roles_required
from contact_centre.web.errors import error_text

bp = Blueprint("meetings", __name__, url_prefix="/console/saisie")
staff_only = roles_required(*CONSOLE_ROLES)
KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _domain_check(check: Any) -> Any:
    """A WTForms validator from a domain check, with the domain's French message."""

    def validator(_form: FlaskForm, field: Field) -> None:
        if (field.data or "").strip():
            try:
                check(field.data)
            except DomainError as exc:
                raise ValidationError(error_text(exc)) from exc

    return validator


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("%(limit)s caractères au plus.", limit=limit))


class EntryForm(FlaskForm):
    entry_key = HiddenField()
    place = SelectField(validate_choice=False)
    meeting_date = DateField(
        validators=[InputRequired(message=_l("Indiquez la date (jj/mm/aaaa)."))],
    )
    citizen_name = StringField(_l("Nom et prénom"), validators=[_length(200)])
    citizen_phone = StringField(_l("Téléphone"), validators=[_length(40), _domain_check(checked_phone)])
    citizen_email = StringField(_l("Courriel"), validators=[_length(254), _domain_check(checked_email)])
    subject = StringField(
        _l("Objet"), validators=[DataRequired(message=_l("Indiquez l’objet de la demande.")), _length(255)]
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(message=_l("Décrivez ce qui a été demandé.")), _length(10_000)],
    )
    address = StringField(_l("Adresse concernée"), validators=[_length(255)])

    def validate_place(self, field: Field) -> None:
        if field.data not in [value for value, _label in field.choices]:
            raise ValidationError(_("Choisissez dans la liste."))

    def validate_meeting_date(self, field: Field) -> None:
        if field.data and field.data > _today():
            raise ValidationError(
                _("Cette date est dans le futur : indiquez celle où la demande a été exprimée.")
            )


def _today() -> date:
    rt = runtime()
    return rt.clock().astimezone(rt.base_calendar.zone).date()


def _form(door: Door) -> EntryForm:
    settings = runtime().settings
    places = settings.section(MeetingsSettings).neighbourhood_councils if door is COUNCIL else settings.section(MeetingsSettings).gusp_sites
    form = EntryForm()
    form.place.choices = [("", _("— Choisissez —")), *((p, p) for p in places)]
    form.place.label.text = _("Conseil de quartier") if door is COUNCIL else _("Site ou quartier GUSP")
    form.meeting_date.label.text = _("Date de la réunion") if door is COUNCIL else _("Date de la rencontre")
    if request.method == "GET":
        form.meeting_date.data = form.meeting_date.data or _today()
    if not KEY_RE.fullmatch(form.entry_key.data or ""):
        form.entry_key.data = secrets.token_urlsafe(24)
    return form


@bp.get("")
@staff_only
def index() -> ResponseReturnValue:
    return render_template("meetings/index.html", doors=DOORS.values())


def _saved(door: Door) -> Contact | None:
    """The contact just recorded, for the success message (a stale or foreign id shows nothing)."""
    raw = request.args.get("enregistre", "")
    contact = runtime().session().get(Contact, int(raw)) if raw.isdigit() else None
    return contact if contact is not None and contact.channel is door.channel else None


@bp.route("/<door_slug>", methods=["GET", "POST"])
@staff_only
def entry(door_slug: str) -> ResponseReturnValue:
    door = DOORS.get(door_slug) or abort(404)
    rt = runtime()
    form = _form(door)
    error = None
    if form.validate_on_submit():
        try:
            with rt.uow() as uow:
                recorded = record_entry(
                    rt,
                    uow,
                    MeetingEntry(
                        door=door,
                        place=form.place.data,
                        meeting_date=form.meeting_date.data,
                        citizen=CitizenHints(
                            name=(form.citizen_name.data or "").strip(),
                            phone=(form.citizen_phone.data or "").strip(),
                            email=(form.citizen_email.data or "").strip(),
                        ),
                        subject=form.subject.data or "",
                        description=form.description.data or "",
                        address=" ".join((form.address.data or "").split()),
                        entry_key=form.entry_key.data or "",
                        staff_id=current_user.id,
                    ),
                )
                uow.commit()
        except DomainError as exc:
            error = error_text(exc)
        else:
            saved: dict[str, Any] = {"enregistre": recorded.contact_id} | (
                {} if recorded.created else {"deja": 1}
            )
            return redirect(url_for("meetings.entry", door_slug=door.slug, **saved))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "meetings/entry.html",
            form=form,
            door=door,
            doors=DOORS.values(),
            error=error,
            saved=None if request.method == "POST" else _saved(door),
            again=request.args.get("deja") == "1",
        ),
        status,
        {"Cache-Control": "no-store"},
    )
