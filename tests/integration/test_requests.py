"""Qualifying an item into a request: references, due dates, routing, timeline, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from contact_centre.domain.audit import timeline
from contact_centre.domain.channels import Channel
from contact_centre.domain.errors import Conflict, InvalidInput, NotFound
from contact_centre.domain.references import next_reference
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.queue import handling
from contact_centre.queue import service as queue
from contact_centre.services.citizens import CitizenDetails, create_citizen, search_citizens
from contact_centre.services.intake import CitizenHints
from contact_centre.services.service_requests import (
    RequestDraft,
    attach_item_to_request,
    create_request_from_item,
    request_by_reference,
)
from tests.support.accounts import add_user
from tests.support.factories import inbound, load_catalogue


def _claimed_item(app, rt, **kwargs):
    user = add_user(app, "sophie")
    with rt.new_uow() as uow:
        load_catalogue(uow)
        item_id = inbound(rt, uow, **kwargs).queue_item_id
        queue.claim(uow, item_id, user.id)
        uow.commit()
    return user, item_id


def test_request_gets_a_sequential_reference_a_due_date_and_a_referent(app, rt):
    user, item_id = _claimed_item(app, rt, received_at=datetime(2026, 7, 8, 10, 0, tzinfo=UTC))
    with rt.new_uow() as uow:
        request = create_request_from_item(
            uow,
            item_id,
            RequestDraft("p-0003", location_address="12 rue de la Marne"),
            user.id,
            rt.calendar(uow.session),
        )
        uow.commit()
        year = request.year
        assert request.reference == f"GRC-{year}-000001"
        # P-0003 commits to 8 business days from the contact (Wed 8 July 2026), skipping 14 July.
        assert request.due_on == date(2026, 7, 21)
        assert request.referent.username == "ref00"
        assert request.service.name == "Voirie"
        assert queue.get_item(uow.session, item_id).request_id == request.id
        (row,) = queue.snapshot(uow.session)
        assert row["request"] == {"id": request.id, "reference": request.reference}
        assert row["claimed_by"] == {"id": user.id, "name": "Sophie"}
        assert [e.action for e in timeline(uow.session, request.id)] == ["request.created"]
        assert next_reference(uow.session, year)[1] == f"GRC-{year}-000002"
        uow.rollback()


def test_double_click_does_not_open_two_requests(app, rt):
    user, item_id = _claimed_item(app, rt)
    with rt.new_uow() as uow:
        calendar = rt.calendar(uow.session)
        first = create_request_from_item(uow, item_id, RequestDraft("P-0001"), user.id, calendar)
        uow.commit()
        with pytest.raises(Conflict, match=f"déjà rattaché à la demande {first.reference}"):
            create_request_from_item(uow, item_id, RequestDraft("P-0001"), user.id, calendar)
        uow.rollback()
        assert len(uow.session.scalars(select(ServiceRequest)).all()) == 1


def test_unknown_or_inactive_process_and_bad_location_change_nothing(app, rt):
    user, item_id = _claimed_item(app, rt)
    with rt.new_uow() as uow:
        calendar = rt.calendar(uow.session)
        with pytest.raises(InvalidInput, match="Processus inconnu : « XYZ-999 »"):
            create_request_from_item(uow, item_id, RequestDraft("XYZ-999"), user.id, calendar)
        uow.rollback()
        with pytest.raises(InvalidInput, match="Latitude et longitude vont ensemble"):
            create_request_from_item(uow, item_id, RequestDraft("P-0001", latitude=48.9), user.id, calendar)
        uow.rollback()
        assert uow.session.scalars(select(ServiceRequest)).all() == []
        # The failed attempts did not burn reference numbers.
        request = create_request_from_item(uow, item_id, RequestDraft("P-0001"), user.id, calendar)
        assert request.number == 1
        uow.rollback()


def test_a_second_contact_attaches_by_reference_and_the_timeline_shows_both(app, rt):
    user, item_id = _claimed_item(app, rt)
    with rt.new_uow() as uow:
        reference = create_request_from_item(
            uow, item_id, RequestDraft("P-0002"), user.id, rt.calendar(uow.session)
        ).reference
        uow.commit()
        second = inbound(rt, uow, Channel.PHONE).queue_item_id
        queue.claim(uow, second, user.id)
        attach_item_to_request(uow, second, reference.lower(), user.id)
        handling.add_note(uow, second, "Rappel du citoyen, toujours en panne.", user.id)
        uow.commit()
        request = request_by_reference(uow.session, reference)
        assert [e.action for e in timeline(uow.session, request.id)] == [
            "request.created",
            "request.contact_attached",
            "note.added",
        ]
        with pytest.raises(InvalidInput, match="format GRC-AAAA-NNNNNN"):
            attach_item_to_request(uow, second, "2026-12", user.id)
        with pytest.raises(NotFound, match="GRC-2020-000001"):
            request_by_reference(uow.session, "GRC-2020-000001")


def test_a_contact_whose_subject_names_a_request_is_attached_to_it(app, rt):
    user, item_id = _claimed_item(app, rt)
    with rt.new_uow() as uow:
        reference = create_request_from_item(
            uow, item_id, RequestDraft("P-0002"), user.id, rt.calendar(uow.session)
        ).reference
        uow.commit()
        reply = inbound(rt, uow, Channel.EMAIL, subject=f"Re: votre demande {reference}")
        item = queue.get_item(uow.session, reply.queue_item_id)
        assert item.request.reference == reference


def test_contacts_are_matched_to_citizens_by_phone_or_email(app, rt):
    with rt.new_uow() as uow:
        jean = create_citizen(
            uow,
            CitizenDetails(
                first_name="Jean",
                last_name="Dupont",
                phones=("06 12 34 56 78",),
                emails=("Jean.Dupont@example.fr",),
            ),
            None,
        )
        create_citizen(uow, CitizenDetails(first_name="Éloïse", last_name="Lefèvre-Dupont"), None)
        uow.commit()
        by_phone = inbound(rt, uow, citizen=CitizenHints(phone="+33 6 12 34 56 78"))
        by_email = inbound(rt, uow, citizen=CitizenHints(email="jean.dupont@EXAMPLE.fr"))
        unknown = inbound(rt, uow, citizen=CitizenHints(phone="06 99 99 99 99"))
        assert queue.get_item(uow.session, by_phone.queue_item_id).citizen_id == jean.id
        assert queue.get_item(uow.session, by_email.queue_item_id).citizen_id == jean.id
        assert queue.get_item(uow.session, unknown.queue_item_id).citizen_id is None

        assert [c.last_name for c in search_citizens(uow.session, "eloise")] == ["Lefèvre-Dupont"]
        assert [c.first_name for c in search_citizens(uow.session, "DUPONT")] == ["Jean"]
        assert [c.first_name for c in search_citizens(uow.session, "lefevre")] == ["Éloïse"]
        assert [c.first_name for c in search_citizens(uow.session, "0612345678")] == ["Jean"]
        assert [c.first_name for c in search_citizens(uow.session, "JEAN.DUPONT@example.fr")] == ["Jean"]
        assert search_citizens(uow.session, "%") == []
        with pytest.raises(InvalidInput, match="Numéro de téléphone invalide"):
            create_citizen(uow, CitizenDetails(last_name="X", phones=("123",)), None)
