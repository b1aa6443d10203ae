"""This channel's entries of the console's string catalogue (the item's calls and the browser phone); the console
merges them with its own (`console.strings`), so its panel templates and its module use `t('key')` as the
console's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CONSOLE_STRINGS: Final[Mapping[str, LazyString]] = {
    "phone.heading": _l("Téléphone"),
    "phone.answer": _l("Décrocher"),
    "phone.callbacks": _l("Rappels"),
    "phone.voicemail": _l("Message vocal"),
    "phone.call_back_number": _l("Numéro à rappeler (facultatif)"),
    "phone.call_back": _l("Rappeler depuis le numéro unique"),
    "phone.waiting": _l("Appel en attente : décrochez pour parler à l’appelant."),
    "phone.answered": _l("Appel pris par {name}."),
    "phone.ended": _l("Appel terminé ({status})."),
    "phone.callback_placed": _l("Rappel en cours vers {to} : décrochez votre poste."),
    "phone.answer_placed": _l("L’appelant vous est transféré."),
    "phone.callback_line": _l("{time} vers {to} par {by} — {state}"),
    "phone.talk": _l("{state}, conversation {duration}"),
    "phone.status.queued": _l("en attente"),
    "phone.status.ringing": _l("sonnerie"),
    "phone.status.in-progress": _l("en cours"),
    "phone.status.completed": _l("raccroché"),
    "phone.status.busy": _l("occupé"),
    "phone.status.failed": _l("échec"),
    "phone.status.no-answer": _l("pas de réponse"),
    "phone.status.canceled": _l("annulé"),
    "browser_phone.accept": _l("Accepter l’appel"),
    "browser_phone.mute": _l("Couper le micro"),
    "browser_phone.unmute": _l("Rétablir le micro"),
    "browser_phone.hang_up": _l("Raccrocher"),
    "browser_phone.connecting": _l("Téléphone du navigateur : connexion…"),
    "browser_phone.ready": _l("Téléphone du navigateur : prêt"),
    "browser_phone.offline": _l("Téléphone du navigateur : hors ligne, nouvel essai en cours"),
    "browser_phone.unsupported": _l("Téléphone du navigateur : ce navigateur ne permet pas les appels"),
    "browser_phone.ringing": _l("Appel entrant sur le navigateur"),
    "browser_phone.in_call": _l("En communication"),
    "browser_phone.muted": _l("En communication, micro coupé"),
    "browser_phone.leave": _l("Un appel est en cours : quitter la page y mettra fin."),
}
