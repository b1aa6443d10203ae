"""This channel's entries of the console's string catalogue (the scanned letters' upload and search in the queue column, a letter in the panel); the console
merges them with its own (`console.strings`), so its panel templates and its module use `t('key')` as the
console's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CONSOLE_STRINGS: Final[Mapping[str, LazyString]] = {
    "letters.heading": _l("Courrier numérisé"),
    "letters.upload": _l("Enregistrer un courrier scanné"),
    "letters.upload.files": _l("Fichiers numérisés"),
    "letters.upload.files_hint": _l(
        "PDF, JPEG, PNG ou TIFF, une ou plusieurs pages : un fichier par courrier."
    ),
    "letters.upload.received_on": _l("Date de réception (facultatif)"),
    "letters.upload.received_on_hint": _l(
        "Laissée vide : aujourd’hui. Le délai de l’accusé de réception court depuis cette date."
    ),
    "letters.upload.submit": _l("Enregistrer le courrier"),
    "letters.upload.sending": _l("Envoi en cours…"),
    "letters.upload.no_file": _l("Choisissez au moins un fichier numérisé (PDF, JPEG, PNG ou TIFF)."),
    "letters.upload.recorded": _l("Courrier enregistré : élément n° {ids}. Lecture du texte en cours."),
    "letters.upload.recorded_many": _l(
        "{n} courriers enregistrés : éléments n° {ids}. Lecture du texte en cours."
    ),
    "letters.upload.already": _l("Ce courrier était déjà enregistré (élément n° {ids})."),
    "letters.search.label": _l("Rechercher dans le texte des courriers"),
    "letters.search.submit": _l("Rechercher"),
    "letters.search.empty": _l("Tapez un ou plusieurs mots."),
    "letters.search.none": _l("Aucun courrier ne contient ces mots."),
    "letters.search.found": _l("{n} courrier(s) trouvé(s)."),
    "letters.search.item": _l("élément n° {id}"),
    "letters.loading": _l("Chargement du courrier…"),
    "letters.pending": _l("Lecture du courrier en cours… Le texte s’affichera ici dès qu’il sera lu."),
    "letters.still_pending": _l("La lecture du courrier n’est pas terminée. Rouvrez l’élément plus tard."),
    "letters.done": _l("Texte lu sur {n} page(s)."),
    "letters.failed": _l("La lecture n’a pas abouti : {error}"),
    "letters.no_text": _l("Aucun texte n’a été reconnu sur cette page."),
    "letters.attached": _l("Référence trouvée dans le courrier : rattaché à la demande {reference}."),
    "letters.unknown_reference": _l(
        "Référence(s) lue(s) dans le courrier, sans demande correspondante : {references}."
    ),
    "letters.page": _l("Page {n} sur {total}"),
    "letters.page_image": _l("Page {n} du courrier « {name} » (image numérisée)"),
    "letters.page_text": _l("Texte de la page {n}"),
    "letters.received": _l("Reçu le {date}"),
    "letters.open_scan": _l("Ouvrir l’image en grand"),
}
