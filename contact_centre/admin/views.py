from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from contact_centre.domain.closures import closure_days
from contact_centre.domain.enums import Role
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.services.closures import add_closure, remove_closure
from contact_centre.web.access import roles_required
from contact_centre.web.errors import error_text

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(Role.ADMIN, Role.HEAD)


class ClosureForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    label = StringField(_l("Motif"), validators=[Length(max=120)])


class DeleteForm(FlaskForm):
    day = HiddenField(validators=[DataRequired()])


@bp.route("/closures", methods=["GET", "POST"])
@admin_only
def closures() -> ResponseReturnValue:
    rt = runtime()
    form = ClosureForm()
    if form.validate_on_submit():
        day: date = form.day.data
        with rt.uow() as uow:
            try:
                add_closure(uow, day, form.label.data or "", current_user.id)
            except DomainError as exc:
                flash(error_text(exc), "error")
            else:
                uow.commit()
                flash(_("Fermeture exceptionnelle ajoutée."), "info")
        return redirect(url_for("admin.closures"))
    status = 400 if form.errors else 200
    calendar = rt.calendar(rt.session())
    return render_template(
        "admin/closures.html",
        form=form,
        delete_form=DeleteForm(),
        closures=closure_days(rt.session()),
        holiday_name=calendar.holiday_name,
    ), status


@bp.post("/closures/delete")
@admin_only
def delete_closure() -> ResponseReturnValue:
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            day = date.fromisoformat(form.day.data or "")
        except ValueError:
            flash(_("Date invalide."), "error")
            return redirect(url_for("admin.closures"))
        with runtime().uow() as uow:
            if remove_closure(uow, day, current_user.id):
                uow.commit()
                flash(_("Fermeture supprimée."), "info")
    return redirect(url_for("admin.closures"))
