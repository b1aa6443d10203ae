"""Demo data: the team, the catalogue, a few citizens and a queue with every channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.channels.meetings.entry import COUNCIL, GUSP, MeetingEntry, record_entry
from contact_centre.channels.patrol.report import Location, PatrolReport, active_categories, record_report
from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contact_details import format_phone_national
from contact_centre.domain.enums import Role, ValidatorTitle
from contact_centre.domain.people import StaffUser
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.migrate import upgrade
from contact_centre.queue import service as queue
from contact_centre.runtime import Runtime, runtime
from contact_centre.services.catalogue_import import import_processes, import_referents
from contact_centre.services.citizens import CitizenDetails, create_citizen
from contact_centre.services.intake import CitizenHints, InboundContact
from contact_centre.services.outbound import record_outbound_contact
from contact_centre.services.staff import create_user, hash_password

# Demo only: printed by seed-demo, never used outside a demo database.
DEMO_PASSWORD = "demo-espace-citoyen"

TEAM = [
    ("sophie", "Sophie Marchal", Role.AMBASSADOR, None),
    ("nadia", "Nadia Benali", Role.AMBASSADOR, None),
    ("claire", "Claire Lefèvre", Role.AMBASSADOR, None),
    ("chef", "Marc Girardin", Role.HEAD, None),
    ("patrouilleur", "Julien Perrin", Role.PATROLLER, None),
    ("dgs", "Anne Rousseau", Role.VALIDATOR, ValidatorTitle.DGS),
    ("cabinet", "Pierre Lambert", Role.VALIDATOR, ValidatorTitle.CABINET),
    ("elu", "Hélène Moreau", Role.VALIDATOR, ValidatorTitle.ELU),
    ("admin", "Administrateur", Role.ADMIN, None),
]

CITIZENS = [
    (
        "Jean",
        "Dupont",
        "06 12 34 56 78",
        "jean.dupont@example.fr",
        "12 rue de la Marne",
        "51000",
        "Châlons-en-Champagne",
    ),
    (
        "Éloïse",
        "Lefranc",
        "03 26 65 12 34",
        "eloise.lefranc@example.fr",
        "4 place Foch",
        "51000",
        "Châlons-en-Champagne",
    ),
    ("Mohamed", "Haddad", "07 81 22 33 44", "", "27 avenue de Metz", "51000", "Châlons-en-Champagne"),
    (
        "Françoise",
        "Gérard",
        "03 26 68 00 11",
        "f.gerard@example.fr",
        "8 rue Léon Bourgeois",
        "51000",
        "Châlons-en-Champagne",
    ),
    (
        "Lucas",
        "Petitjean",
        "06 98 76 54 32",
        "lucas.pj@example.org",
        "3 allée des Tilleuls",
        "51520",
        "Saint-Martin-sur-le-Pré",
    ),
    (
        "Chloé",
        "N'Diaye",
        "06 45 45 45 45",
        "chloe.ndiaye@example.fr",
        "15 rue Saint-Dominique",
        "51000",
        "Châlons-en-Champagne",
    ),
]

CONTACTS = [
    (
        Channel.PHONE,
        CitizenHints(phone="06 12 34 56 78"),
        "Lampadaire éteint rue de la Marne",
        "Le lampadaire devant le 12 est éteint depuis trois jours.",
    ),
    (
        Channel.EMAIL,
        CitizenHints(email="eloise.lefranc@example.fr", name="Éloïse Lefranc"),
        "Inscription cantine",
        "Bonjour, je souhaite inscrire ma fille à la cantine à partir de janvier.",
    ),
    (
        Channel.MAIL,
        CitizenHints(name="Robert Lemoine"),
        "Courrier : haie débordante",
        "Monsieur le Maire, la haie du square déborde sur le trottoir de l'avenue de Paris.",
    ),
    (
        Channel.COUNTER,
        CitizenHints(name="Mohamed Haddad", phone="07 81 22 33 44"),
        "Acte de naissance",
        "Demande d'un acte de naissance pour un dossier de passeport.",
    ),
    (
        Channel.WEB,
        CitizenHints(email="lucas.pj@example.org"),
        "Dépôt sauvage",
        "Des sacs d'ordures sont déposés au pied des conteneurs rue du Grand Crimée.",
    ),
    (
        Channel.VOICEMAIL,
        CitizenHints(phone="06 45 45 45 45"),
        "Message vocal",
        "Message laissé hors des heures d'ouverture : rappel souhaité au sujet d'une place en crèche.",
    ),
]


def _demo_referent(session: Session) -> StaffUser | None:
    return session.scalar(
        select(StaffUser).where(StaffUser.role == Role.REFERENT).order_by(StaffUser.id).limit(1)
    )


def seed_demo(data_dir: Path) -> list[tuple[str, str]]:
    """Idempotent: a second run adds nothing and prints the same logins."""
    rt = runtime()
    upgrade(rt.settings.database.database_url)
    logins = [(u, r.value) for u, _n, r, _t in TEAM]
    with rt.new_uow() as uow:
        if uow.session.scalar(select(StaffUser.id).where(StaffUser.username == "sophie")):
            referent = _demo_referent(uow.session)  # the one the first run gave the demo password
            return [*logins, *([(referent.username, "referent")] if referent is not None else [])]
        for username, name, role, title in TEAM:
            create_user(uow, username, role, DEMO_PASSWORD, full_name=name, validator_title=title)
        uow.commit()
        import_referents(uow, (data_dir / "referents.csv").read_text(encoding="utf-8"))
        import_processes(uow, (data_dir / "processes.csv").read_text(encoding="utf-8"))
        referent = _demo_referent(uow.session)
        if referent is not None:
            referent.password_hash = hash_password(DEMO_PASSWORD)
            logins.append((referent.username, "referent"))
        for first, last, phone, email, address, postcode, city in CITIZENS:
            create_citizen(
                uow,
                CitizenDetails(
                    first_name=first,
                    last_name=last,
                    phones=(phone,),
                    emails=(email,) if email else (),
                    address_line=address,
                    postcode=postcode,
                    city=city,
                ),
                actor_id=None,
            )
        uow.commit()
        calendar = rt.calendar(uow.session)
        now = utcnow()
        for minutes, (channel, hints, subject, body) in zip(
            range(len(CONTACTS) * 7, 0, -7), CONTACTS, strict=True
        ):
            rt.intake.record(
                uow,
                InboundContact(
                    channel=channel,
                    citizen=hints,
                    subject=subject,
                    body=body,
                    received_at=now - timedelta(minutes=minutes),
                    payload={"demo": True},
                ),
                calendar,
            )
        uow.commit()
        _other_doors(uow, rt, now)
        _past_calls(uow, rt, now)
    return logins


def _other_doors(uow: UnitOfWork, rt: Runtime, now: datetime) -> None:
    """A council's and a GUSP walk's requests entered by an ambassador, a patroller's own report:
    recorded as their pages record them."""
    staff = {u.username: u.id for u in uow.session.scalars(select(StaffUser))}
    met = (now - timedelta(days=3)).astimezone(rt.base_calendar.zone).date()
    for door, place, subject, body in (
        (COUNCIL, "Rive Gauche", "Ralentisseur demandé", "Les habitants demandent un ralentisseur devant l'école Jean Macé."),
        (GUSP, "Croix-Dampierre", "Tags sur l'abri-bus", "Tags injurieux sur l'abri-bus place de la République."),
    ):  # fmt: skip
        record_entry(rt, uow, MeetingEntry(
            door=door, place=place, meeting_date=met, citizen=CitizenHints(), subject=subject, description=body,
            address="", entry_key=f"demo-{door.slug}", staff_id=staff["sophie"],
        ))  # fmt: skip
    category = next((c for c in active_categories(uow.session) if c.code == "VOI-001"), None)
    if category is not None:
        record_report(rt, uow, PatrolReport(
            category=category,
            description="Nid-de-poule d'environ 40 cm, dangereux pour les deux-roues.",
            location=Location(address="Carrefour rue Croix des Teinturiers / rue Garinet",
                              latitude=48.95695, longitude=4.36214, accuracy_m=8.0),
            photos=(), report_key="demo-patrol", patroller_id=staff["patrouilleur"],
        ))  # fmt: skip
    uow.commit()


# Calls already handled, today and yesterday: they fill the call log and the citizens' history.
# (CallSid, caller, hours ago, what the call log holds; a callback made on the item, if any)
PAST_CALLS: list[tuple[str, str, int, dict[str, object], dict[str, object] | None]] = [
    ("CAdemo0001", "+33612345678", 26,
     {"outcome": "answered", "queue_seconds": 48, "talk_seconds": 264, "duration_seconds": 330}, None),
    ("CAdemo0002", "+33326651234", 25,
     {"outcome": "abandoned", "queue_seconds": 18, "duration_seconds": 24},
     {"status": "completed", "outcome": "callback", "talk_seconds": 127, "duration_seconds": 127}),
    ("CAdemo0003", "+33781223344", 3,
     {"outcome": "answered", "queue_seconds": 95, "talk_seconds": 181, "duration_seconds": 290}, None),
]  # fmt: skip


def _past_calls(uow: UnitOfWork, rt: Runtime, now: datetime) -> None:
    ambassador = uow.session.scalar(select(StaffUser).where(StaffUser.username == "sophie"))
    assert ambassador is not None
    for call_sid, number, hours_ago, log, callback in PAST_CALLS:
        at = now - timedelta(hours=hours_ago)
        answered = {"answered_by": ambassador.display_name} if log["outcome"] == "answered" else {}
        recorded = rt.intake.record(
            uow,
            InboundContact(
                channel=Channel.PHONE,
                citizen=CitizenHints(phone=number),
                subject=f"Appel de {format_phone_national(number)}",
                received_at=at,
                external_id=call_sid,
                payload={"call_sid": call_sid, "from": number, "to": rt.settings.section(PhoneSettings).twilio_number,
                         "direction": "inbound", "status": "completed", "demo": True, **answered, **log},
            ),
        )  # fmt: skip
        queue.claim(uow, recorded.queue_item_id, ambassador.id)
        if callback is not None:
            record_outbound_contact(
                uow,
                recorded.queue_item_id,
                ambassador.id,
                channel=Channel.PHONE,
                external_id=call_sid + "-rappel",
                subject=f"Rappel du {format_phone_national(number)}",
                payload={"call_sid": call_sid + "-rappel", "from": rt.settings.section(PhoneSettings).twilio_number, "to": number,
                         "direction": "outbound-api", "demo": True, **callback},
                at=at + timedelta(minutes=20),
            )  # fmt: skip
        queue.complete(uow, recorded.queue_item_id, ambassador.id)
    uow.commit()
