"""The one way in under retries and bad input: nothing duplicated, nothing half-written."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Attachment, Contact
from contact_centre.domain.errors import InvalidInput
from contact_centre.domain.queue import QueueItem
from contact_centre.services.intake import IncomingAttachment
from tests.support.factories import inbound


def _counts(rt) -> tuple[int, int, int]:
    with rt.new_uow() as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.scalar(select(func.count()).select_from(m)) for m in (Contact, QueueItem, AuditEvent)
        )


def test_simultaneous_retries_of_one_external_id_record_one_contact(app, rt):
    results, errors = [], []
    start = threading.Barrier(8)

    def deliver() -> None:
        try:
            start.wait()
            with rt.new_uow() as uow:
                results.append(inbound(rt, uow, Channel.PHONE, external_id="CA0123456789abcdef"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({(r.contact_id, r.queue_item_id) for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert _counts(rt)[:2] == (1, 1)


def test_an_oversized_attachment_is_refused_before_anything_is_written(app, rt, settings):
    too_big = IncomingAttachment("scan.pdf", "application/pdf", b"x" * (settings.storage.max_attachment_bytes + 1))
    with rt.new_uow() as uow, pytest.raises(InvalidInput, match=r"« scan\.pdf » dépasse la taille maximale"):
        inbound(rt, uow, Channel.MAIL, attachments=(too_big,))
    assert _counts(rt) == (0, 0, 0)
    assert not settings.storage.attachments_dir.exists() or not any(settings.storage.attachments_dir.rglob("*"))


def test_an_unknown_explicit_reference_is_refused(app, rt):
    with (
        rt.new_uow() as uow,
        pytest.raises(InvalidInput, match="Référence de demande inconnue : GRC-2026-999999"),
    ):
        inbound(rt, uow, request_reference="GRC-2026-999999")
    assert _counts(rt) == (0, 0, 0)


def test_attachments_are_stored_outside_the_database_under_generated_names(app, rt, settings):
    with rt.new_uow() as uow:
        recorded = inbound(
            rt,
            uow,
            Channel.EMAIL,
            attachments=(IncomingAttachment("../../etc/passwd", "text/plain", b"bonjour"),),
        )
        (attachment,) = uow.session.scalars(
            select(Attachment).where(Attachment.contact_id == recorded.contact_id)
        )
        key, filename = attachment.storage_key, attachment.filename
    stored = rt.storage.path(key)
    assert stored.read_bytes() == b"bonjour"
    assert settings.storage.attachments_dir.resolve() in stored.parents
    assert "passwd" not in key and filename == "../../etc/passwd"
