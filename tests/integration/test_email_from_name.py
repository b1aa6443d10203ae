"""MAIL_FROM with a display name (« Mairie de Châlons <grc@…> »): once accepted at start and then
every acknowledgement failed in its job (« Invalid addr_spec »); it is now sent, from that name."""

from __future__ import annotations

from email import message_from_bytes, policy

from contact_centre.domain.enums import Direction
from tests.integration.test_email_ingest import contacts, fetch, message
from tests.support.mail_servers import ADDRESS, drain_jobs


def test_an_acknowledgement_goes_out_from_the_display_name_form(mail_app, rt, mailbox, smtp_sink):
    rt.settings = rt.settings.replace(mail_from=f"Mairie de Châlons <{ADDRESS}>")
    mailbox.deliver(message(message_id="<c1@example.fr>"))
    assert fetch(mail_app) == 1
    drain_jobs(rt)
    (sent,) = smtp_sink.wait_for(1)
    assert sent.mail_from == ADDRESS  # the envelope sender is the bare address
    ack = message_from_bytes(sent.data, policy=policy.default)
    (sender,) = ack["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Mairie de Châlons", ADDRESS)
    assert ack["Message-ID"].endswith("@ville.example>")
    (outbound,) = contacts(rt, Direction.OUTBOUND)
    assert outbound.payload["status"] == "sent" and outbound.payload["error"] == ""
    # The city's own address, whatever its form, is never answered automatically (no loop).
    mailbox.deliver(message(sender=f"Mairie <{ADDRESS}>", message_id="<c2@example.fr>"))
    assert fetch(mail_app) == 1
    drain_jobs(rt)
    assert len(smtp_sink.messages) == 1
