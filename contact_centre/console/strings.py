"""Every string the console shows, in one catalogue: the page's template and its scripts both read it.
A channel's own strings are in its package (`console_strings` of its plug-in), merged with these.

Entries are `lazy_gettext`, so they go through the translation catalogue with the rest of the app
(babel.cfg extracts `lazy_gettext`) and are rendered in the request's language. Placeholders are
`{name}`, the same for Jinja (`t('key', name=…)`) and for the scripts (`t('key', {name: …})`).
A key ending in `.one` is the singular of the key without it (French: 0 and 1 take the singular).
`phone.status.<status>` and `timeline.<action>` are looked up with a value received from the server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from contact_centre.web.plugin import ConsoleParts

STRINGS: Final[Mapping[str, LazyString]] = {
    # The page
    "page.title": _l("Console"),
    "page.heading": _l("Console des ambassadeurs"),
    "page.noscript": _l("La console a besoin de JavaScript pour fonctionner."),
    "none": _l("—"),
    # My status and the team (presence)
    "status.label": _l("Mon statut"),
    "status.available": _l("Disponible"),
    "status.pause": _l("En pause"),
    "status.busy": _l("Occupé·e"),
    "status.changed": _l("Votre statut : {status}."),
    "team.heading": _l("Équipe"),
    "team.you": _l("vous"),
    "team.claimed": _l("{n} en cours"),
    "team.none": _l("Aucun agent."),
    # Connection to the server, opening hours, messages
    "connection.connecting": _l("Connexion…"),
    "connection.connected": _l("Connecté"),
    "connection.reconnecting": _l("Connexion perdue, nouvelle tentative…"),
    "connection.refused": _l("Connexion refusée : reconnectez-vous"),
    "connection.server_closed": _l("La connexion a été fermée par le serveur : reconnectez-vous"),
    "connection.login_link": _l("Se reconnecter"),
    "opening.open": _l("Service ouvert jusqu’à {time}"),
    "opening.closed": _l("Service fermé — réouverture {when}"),
    "messages.close": _l("Fermer"),
    "messages.close_what": _l("le message d’erreur"),
    "errors.session_expired": _l("Votre session a expiré : reconnectez-vous."),
    "errors.network": _l("Le serveur ne répond pas. Vérifiez la connexion et réessayez."),
    "errors.generic": _l("Une erreur est survenue."),
    "errors.not_connected": _l("Pas de connexion au serveur : action impossible pour le moment."),
    # The queue
    "queue.heading": _l("File d’attente"),
    "queue.channel_filter": _l("Canal"),
    "queue.all_channels": _l("Tous les canaux"),
    "queue.keys": _l("Raccourcis clavier :"),
    "queue.keys.browse": _l("parcourir la file"),
    "queue.keys.enter": _l("Entrée"),
    "queue.keys.take": _l("prendre ou ouvrir"),
    "queue.keys.escape": _l("Échap"),
    "queue.keys.back": _l("revenir du panneau à la file"),
    "queue.loading": _l("Chargement de la file…"),
    "queue.empty": _l("La file est vide."),
    "queue.empty_filtered": _l("Aucun élément pour ce canal."),
    "queue.count": _l("{n} éléments"),
    "queue.count.one": _l("{n} élément"),
    "queue.count_filtered": _l("{n} sur {total}"),
    "queue.claim": _l("Prendre"),
    "queue.open": _l("Ouvrir"),
    "queue.claimed_by": _l("Pris par {name}"),
    "queue.claimed_by_you": _l("Pris par vous"),
    "queue.unknown_citizen": _l("Inconnu"),
    "queue.citizen_label": _l("Citoyen :"),
    "queue.late": _l("en retard"),
    "queue.waiting_label": _l("Attente :"),
    "queue.priority": _l("Priorité {priority}"),
    "queue.lease_until": _l("agent déconnecté, rendu à la file à {time}"),
    "queue.call_position": _l("Position {position} — environ {minutes} min"),
    "queue.announce": _l("Nouvel élément dans la file : {channel}, {summary}"),
    "queue.announce_many": _l("{n} nouveaux éléments dans la file."),
    "duration.seconds": _l("{s} s"),
    "duration.minutes": _l("{m} min {s} s"),
    "duration.hours": _l("{h} h {m}"),
    "duration.days": _l("{d} j {h} h"),
    "size.bytes": _l("{n} o"),
    "size.kilobytes": _l("{n} Ko"),
    "size.megabytes": _l("{n} Mo"),
    # The item panel and its contact section
    "panel.heading": _l("Élément en cours"),
    "panel.empty": _l("Aucun élément ouvert. Prenez un élément de la file pour le traiter."),
    "panel.loading": _l("Chargement de l’élément…"),
    "panel.title": _l("Élément n° {id} — {channel}"),
    "panel.item_lost": _l("Cet élément ne vous est plus attribué."),
    "panel.done_elsewhere": _l("Cet élément a été traité."),
    "contact.heading": _l("Contact"),
    "contact.channel": _l("Canal"),
    "contact.received": _l("Reçu le"),
    "contact.subject": _l("Objet"),
    "contact.hints": _l("Coordonnées données"),
    "contact.message": _l("Message"),
    "contact.attachments": _l("Pièces jointes"),
    # The citizen card
    "citizen.heading": _l("Citoyen"),
    "citizen.phone": _l("Téléphone"),
    "citizen.email": _l("E-mail"),
    "citizen.address": _l("Adresse"),
    "citizen.open_requests": _l("Demandes en cours"),
    "citizen.open_requests_none": _l("Aucune demande en cours."),
    "citizen.open_request_due": _l("échéance {date}"),
    "citizen.change": _l("Associer un autre citoyen"),
    "citizen.search": _l("Rechercher un citoyen"),
    "citizen.search_hint": _l("Nom et prénom, numéro de téléphone ou adresse e-mail."),
    "citizen.create": _l("Créer une nouvelle fiche citoyen"),
    "citizen.first_name": _l("Prénom"),
    "citizen.last_name": _l("Nom"),
    "citizen.postcode": _l("Code postal"),
    "citizen.city": _l("Ville"),
    "citizen.create_submit": _l("Créer et associer"),
    "citizen.associate": _l("Associer"),
    "citizen.results": _l("{n} citoyens trouvés."),
    "citizen.results.one": _l("{n} citoyen trouvé."),
    "citizen.no_result": _l("Aucun citoyen trouvé."),
    "citizen.linked": _l("Citoyen associé : {name}."),
    "citizen.created": _l("Fiche créée et associée : {name}."),
    "citizen.name_required": _l("Indiquez au moins le nom ou le prénom."),
    # Qualification: the catalogue search, the request, attaching to a request
    "request.heading": _l("Qualification"),
    "request.label": _l("Demande"),
    "request.process": _l("Démarche"),
    "request.status": _l("Statut"),
    "request.service": _l("Service"),
    "request.referent": _l("Référent"),
    "request.due": _l("Échéance"),
    "request.place": _l("Lieu"),
    "request.timeline": _l("Historique de la demande"),
    "request.subject": _l("Objet de la demande"),
    "request.location": _l("Adresse du lieu concerné (facultatif)"),
    "request.description": _l("Description (facultatif)"),
    "request.description_hint": _l("Laissée vide, elle reprend le message du citoyen."),
    "request.create": _l("Créer la demande"),
    "request.created": _l("Demande {reference} créée."),
    "request.attached": _l("Contact rattaché à la demande {reference}."),
    "request.no_referent": _l("Aucun référent désigné"),
    "process.search": _l("Démarche du catalogue"),
    "process.search_hint": _l("Tapez un mot-clé ou un code, puis flèche bas pour parcourir les résultats."),
    "process.chosen_label": _l("Démarche choisie :"),
    "process.change": _l("Changer de démarche"),
    "process.results": _l("{n} démarches trouvées. Flèche bas pour les parcourir."),
    "process.results.one": _l("{n} démarche trouvée. Flèche bas pour la choisir."),
    "process.no_result": _l("Aucune démarche trouvée."),
    "process.chosen": _l("Démarche choisie : {title}."),
    "process.required": _l("Choisissez d’abord une démarche du catalogue."),
    "process.working_days": _l("{n} j ouvrés"),
    "process.working_days.one": _l("{n} j ouvré"),
    "process.patroller_visit": _l("Visite patrouilleur"),
    "attach.heading": _l("Rattacher à une demande existante"),
    "attach.reference": _l("Référence de la demande"),
    "attach.reference_hint": _l("Format GRC-AAAA-NNNNNN."),
    "attach.submit": _l("Rattacher"),
    "attach.reference_required": _l("Indiquez la référence de la demande."),
    "timeline.queue.added": _l("Arrivée dans la file"),
    "timeline.queue.claimed": _l("Pris en charge"),
    "timeline.queue.released": _l("Remis dans la file"),
    "timeline.queue.transferred": _l("Transféré"),
    "timeline.queue.completed": _l("Traité"),
    "timeline.queue.lease_expired": _l("Rendu à la file (agent absent)"),
    "timeline.queue.citizen_linked": _l("Citoyen associé"),
    "timeline.request.created": _l("Demande créée"),
    "timeline.request.contact_attached": _l("Contact rattaché"),
    "timeline.note.added": _l("Note ajoutée"),
    # Internal note and the closing actions
    "note.heading": _l("Note interne"),
    "note.text": _l("Texte de la note"),
    "note.add": _l("Ajouter la note"),
    "note.empty": _l("La note est vide."),
    "note.added": _l("Note ajoutée."),
    "actions.heading": _l("Actions"),
    "actions.complete": _l("Traiter (clôturer)"),
    "actions.release": _l("Remettre dans la file"),
    "actions.transfer_to": _l("Transférer à"),
    "actions.transfer_choose": _l("— Choisir un·e collègue —"),
    "actions.transfer": _l("Transférer"),
    "actions.transfer_required": _l("Choisissez la personne à qui transférer l’élément."),
    "actions.completed": _l("Élément traité."),
    "actions.released": _l("Élément remis dans la file."),
    "actions.transferred": _l("Élément transféré à {name}."),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def entries() -> Mapping[str, LazyString]:
    """The console's entries and every channel plug-in's, merged once by the app factory."""
    parts: ConsoleParts = current_app.extensions["console_parts"]
    return parts.strings


def catalogue() -> dict[str, str]:
    """The strings in the current request's language: the JSON the page embeds and /console/strings.json serves."""
    return {key: str(text) for key, text in entries().items()}


def text(key: str, **params: Any) -> str:
    """One string with its `{placeholders}` filled, as the scripts' `t()` does; unknown ones are left as written.

    A key missing from the catalogue is a programming error: KeyError, so the page fails in tests.
    """
    template = str(entries()[key])
    return _PLACEHOLDER.sub(lambda m: str(params[m[1]]) if m[1] in params else m[0], template)
