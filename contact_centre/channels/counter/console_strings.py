"""This channel's entries of the console's string catalogue (my desk in the bar, the visit's ticket in the panel); the console
merges them with its own (`console.strings`), so its panel templates and its module use `t('key')` as the
console's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CONSOLE_STRINGS: Final[Mapping[str, LazyString]] = {
    "counter.desk": _l("Mon guichet"),
    "counter.no_desk": _l("— Aucun —"),
    "counter.call_next": _l("Appeler le suivant"),
    "counter.choose_desk": _l("Choisissez d’abord votre guichet."),
    "counter.called": _l("Ticket {ticket} appelé au {desk}."),
    "counter.recalled": _l("Ticket {ticket} appelé de nouveau."),
    "counter.closed_no_show": _l("Ticket {ticket} clos : personne absente."),
    "counter.heading": _l("Accueil au guichet"),
    "counter.ticket": _l("Ticket"),
    "counter.reason": _l("Motif"),
    "counter.desk_shown": _l("Guichet"),
    "counter.waited": _l("Attente avant l’appel"),
    "counter.waited_minutes": _l("{m} min"),
    "counter.recalls": _l("Rappels"),
    "counter.recall": _l("Rappeler le ticket"),
    "counter.no_show": _l("Absent : clore le ticket"),
}
