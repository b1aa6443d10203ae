"""Is this message one a machine sent? Such messages are recorded but never answered, so the city
never feeds a loop with an auto-responder, a mailing list, a bounce or itself (RFC 3834)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from contact_centre.channels.email.parse import ParsedMessage

NO_REPLY = re.compile(
    r"^(no[-_.]?reply|ne[-_.]?pas[-_.]?repondre|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|bounces?)"
    r"([-+_.].*)?@",
    re.IGNORECASE,
)
# Headers whose mere presence says a machine or a list sent the message.
_MARKERS = {
    "list-id": "liste de diffusion",
    "list-unsubscribe": "liste de diffusion",
    "list-post": "liste de diffusion",
    "x-auto-response-suppress": "réponses automatiques refusées",
    "x-autoreply": "réponse automatique",
    "x-autorespond": "réponse automatique",
    "feedback-id": "envoi en nombre",
}


def automatic_reason(message: ParsedMessage, own_addresses: Iterable[str] = ()) -> str | None:
    """Why the message must not be answered automatically, in French for the ambassador; None
    when a person wrote it to the city."""
    h = message.headers
    auto_submitted = h.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"message automatique (Auto-Submitted: {auto_submitted[:40]})"
    precedence = h.get("precedence", "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"envoi en nombre (Precedence: {precedence})"
    # A bounce: the null envelope sender (RFC 5321), a delivery report, or the mail system itself.
    return_path = h.get("return-path")
    sender_local = message.from_address.split("@")[0].lower()
    if (
        (return_path is not None and return_path.strip() in ("<>", ""))
        or "multipart/report" in h.get("content-type", "").lower()
        or sender_local in ("mailer-daemon", "postmaster")
    ):
        return "avis de non-remise"
    for name, reason in _MARKERS.items():
        if name in h:
            return reason
    if "x-loop" in h:
        return "boucle (X-Loop)"
    own = {a.strip().lower() for a in own_addresses if a and a.strip()}
    if not message.reply_address:
        return "expéditeur sans adresse valide"
    if message.reply_address in own or message.from_address in own:
        return "message de l'adresse de la Ville"
    if NO_REPLY.match(message.reply_address):
        return "adresse qui n'accepte pas de réponse"
    return None
