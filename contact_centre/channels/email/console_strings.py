"""This channel's entries of the console's string catalogue (an item's e-mail thread and the reply form); the console
merges them with its own (`console.strings`), so its panel templates and its module use `t('key')` as the
console's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CONSOLE_STRINGS: Final[Mapping[str, LazyString]] = {
    "email.heading": _l("Échanges par courriel"),
    "email.reply": _l("Votre réponse"),
    "email.reply_hint": _l("Envoyée depuis l’adresse de la mairie, dans le fil du message du citoyen."),
    "email.reply_files": _l("Pièces jointes (facultatif)"),
    "email.reply_to": _l("Destinataire (facultatif)"),
    "email.reply_to_hint": _l("Laissé vide : l’expéditeur du message."),
    "email.reply_send": _l("Envoyer la réponse"),
    "email.reply_sent": _l("Réponse mise en envoi."),
    "email.reply_empty": _l("Écrivez votre réponse avant de l’envoyer."),
    "email.from": _l("Reçu de {from}"),
    "email.to": _l("Envoyé à {to}"),
    "email.automatic": _l("Message automatique : aucun accusé de réception envoyé."),
    "email.attachments": _l("Pièces jointes :"),
    "email.resend": _l("Renvoyer"),
    "email.resent": _l("Message remis en envoi."),
}
