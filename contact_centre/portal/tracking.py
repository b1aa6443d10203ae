"""« Suivre ma demande »: the page the acknowledgement links to, and a way back to it."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from contact_centre.runtime import runtime
from contact_centre.services.tracking import key_matches, owner_confirms, public_view, tracking_key

bp = Blueprint("tracking", __name__, url_prefix="/suivi")
NOT_FOUND = (
    "Aucune demande ne correspond à ces informations. Vérifiez la référence et l’adresse ou le numéro."
)


@bp.after_request
def _private(response):  # type: ignore[no-untyped-def]
    # A citizen's request: never kept by a shared cache, never sent on as a referrer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/", methods=["GET", "POST"])
def lookup() -> ResponseReturnValue:
    """For a citizen without the link: the reference and the e-mail or phone they gave us."""
    error = None
    reference = request.form.get("reference", "").strip().upper()
    if request.method == "POST":
        rt = runtime()
        if owner_confirms(rt.session(), reference, request.form.get("contact", "")):
            key = tracking_key(rt.settings.app.secret_key, reference)
            return redirect(url_for("tracking.follow", reference=reference, cle=key))
        error = NOT_FOUND
    return render_template("portal/lookup.html", error=error, reference=reference), 400 if error else 200


@bp.get("/<reference>")
def follow(reference: str) -> ResponseReturnValue:
    rt = runtime()
    if not key_matches(rt.settings.app.secret_key, reference, request.args.get("cle", "")):
        abort(404)
    found = public_view(rt.session(), reference)
    if found is None:
        abort(404)
    return render_template("portal/tracking.html", req=found)
