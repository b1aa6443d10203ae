"""Builders for test data, through the domain's own functions."""

from __future__ import annotations

import csv
import io

from contact_centre.domain.channels import Channel
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import Runtime
from contact_centre.services.catalogue_import import (
    PROCESS_COLUMNS,
    REFERENT_COLUMNS,
    import_processes,
    import_referents,
)
from contact_centre.services.intake import CitizenHints, InboundContact, RecordedContact

SERVICES = [("Voirie", "ville"), ("Action sociale", "ccas"), ("Collecte des déchets", "agglo")]


def referents_csv(per_service: int = 2) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REFERENT_COLUMNS)
    for s, (service, entity) in enumerate(SERVICES):
        for n in range(per_service):
            writer.writerow([f"ref{s}{n}", f"Référent {s}{n}", f"ref{s}{n}@example.fr", service, entity])
    return out.getvalue()


def processes_csv(count: int, skip: set[int] = frozenset(), title_suffix: str = "") -> str:  # type: ignore[assignment]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROCESS_COLUMNS)
    for i in range(count):
        if i in skip:
            continue
        s = i % len(SERVICES)
        service, entity = SERVICES[s]
        writer.writerow(
            [
                f"P-{i:04d}",
                f"Processus n°{i} — éclairage{title_suffix}",
                "Description citoyenne.",
                "lampadaire|éclairage",
                service,
                entity,
                f"ref{s}0|ref{s}1",
                5 + i % 10,
                "oui" if i % 3 == 0 else "non",
                "Pièce d'identité",
                "{civilite} {nom}, votre demande {reference}.",
                "oui",
            ]
        )
    return out.getvalue()


def load_catalogue(uow: UnitOfWork, count: int = 20) -> None:
    import_referents(uow, referents_csv())
    import_processes(uow, processes_csv(count))


def inbound(
    rt: Runtime, uow: UnitOfWork, channel: Channel = Channel.WEB, **kwargs: object
) -> RecordedContact:
    contact = InboundContact(
        channel=channel, **{"citizen": CitizenHints(name="Jean Dupont"), "subject": "Test"} | kwargs
    )  # type: ignore[arg-type]
    recorded = rt.intake.record(uow, contact)
    uow.commit()
    return recorded
