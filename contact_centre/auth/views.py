from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from contact_centre.domain.audit import record_event
from contact_centre.domain.enums import CONSOLE_ROLES, Role
from contact_centre.queue import presence
from contact_centre.runtime import NAMESPACE, runtime
from contact_centre.services.staff import authenticate

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Identifiant"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=256)])


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect would make our login page a phishing relay.
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        rt = runtime()
        with rt.uow() as uow:
            user = authenticate(uow, form.username.data or "", form.password.data or "")
            if user is not None:
                record_event(
                    uow.session,
                    actor_id=user.id,
                    action="staff.login",
                    entity_type="staff_user",
                    entity_id=user.id,
                )
                uow.commit()
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        flash(_("Identifiant ou mot de passe incorrect."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    rt = runtime()
    with rt.uow() as uow:
        sockets = presence.sids_of(uow.session, current_user.id)
        presence.logged_out(uow, current_user.id, timedelta(seconds=rt.settings.queue.claim_lease_seconds))
        user = uow.session.merge(current_user._get_current_object())
        user.session_version += 1  # every other session cookie of this user dies too
        record_event(
            uow.session, actor_id=user.id, action="staff.logout", entity_type="staff_user", entity_id=user.id
        )
        uow.commit()
    # Close the user's open consoles, in whichever process holds them (through Redis if several).
    for sid in sockets:
        rt.socketio.server.disconnect(sid, namespace=NAMESPACE)
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    if current_user.role in CONSOLE_ROLES:
        return redirect(url_for("console.index"))
    if current_user.role is Role.PATROLLER:
        return redirect(url_for("patrol.report"))  # the tablet page is the patroller's whole space
    return render_template("auth/home.html")
