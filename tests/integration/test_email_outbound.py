"""What the city sends, caught by a real SMTP server: the acknowledgement, the reference once a
request exists, ambassadors' replies, failures shown; and replies threading back to the request."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Direction, QueueStatus
from contact_centre.domain.queue import QueueItem
from contact_centre.queue import service as queue
from contact_centre.services.service_requests import RequestDraft, create_request_from_item
from tests.integration.test_email_ingest import contacts, fetch, message
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import login
from tests.support.factories import load_catalogue
from tests.support.mail_servers import ADDRESS, drain_jobs


def received(sent) -> EmailMessage:
    msg = message_from_bytes(sent.data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def only_item(rt) -> QueueItem:
    with rt.new_uow() as uow:
        (item,) = uow.session.scalars(select(QueueItem))
        uow.session.expunge(item)
        return item


def test_acknowledgement_reference_and_a_reply_that_threads_onto_the_request(
    mail_app, rt, mailbox, smtp_sink
):
    sophie = add_user(mail_app, "sophie")
    mailbox.deliver(message(message_id="<c1@example.fr>"))
    assert fetch(mail_app) == 1
    drain_jobs(rt)
    ack = received(smtp_sink.wait_for(1)[0])
    assert smtp_sink.messages[0].rcpt_tos == ["jean.dupont@example.fr"]
    assert (
        ack["From"] == f"Espace Citoyen <{ADDRESS}>" and ack["To"] == "Jean Dupont <jean.dupont@example.fr>"
    )
    assert ack["Subject"] == "Re: Lampadaire éteint"
    assert ack["In-Reply-To"] == "<c1@example.fr>" and ack["References"] == "<c1@example.fr>"
    assert ack["Auto-Submitted"] == "auto-replied"
    text = ack.get_body().get_content()
    assert "Nous avons bien reçu votre message « Lampadaire éteint »" in text
    assert "nous vous enverrons sa référence" in text
    # The note written with the message names the acknowledgement the citizen received.
    (inbound,) = contacts(rt)
    assert inbound.payload["acknowledgement"] == {"status": "queued", "message_id": ack["Message-ID"][1:-1]}

    # The ambassador opens a request: its reference goes to the citizen, in the same thread.
    item_id = only_item(rt).id
    with rt.new_uow() as uow:
        load_catalogue(uow)
        queue.claim(uow, item_id, sophie.id)
        request = create_request_from_item(
            uow, item_id, RequestDraft("P-0002"), sophie.id, rt.calendar(uow.session)
        )
        uow.commit()
        reference = request.reference
        queue.complete(uow, item_id, sophie.id)
        uow.commit()
    drain_jobs(rt)
    notice = received(smtp_sink.wait_for(2)[1])
    assert notice["Subject"].startswith(f"Votre demande {reference} : ")
    assert notice["In-Reply-To"] == "<c1@example.fr>"
    body = notice.get_body().get_content()
    assert f"enregistrée sous la référence {reference}" in body
    assert f"http://127.0.0.1:5000/suivi/{reference}" in body
    (inbound,) = contacts(rt)
    assert notice["Message-ID"] == f"<{inbound.payload['request_notice']['message_id']}>"

    # The citizen answers the acknowledgement (no reference in the subject): the finished item
    # comes back to the queue with the request, instead of a new item.
    reply = message("Re: Lampadaire éteint", "Toujours éteint ce soir.", message_id="<c2@example.fr>")
    reply["In-Reply-To"] = ack["Message-ID"]
    reply["References"] = f"<c1@example.fr> {ack['Message-ID']}"
    mailbox.deliver(reply)
    assert fetch(mail_app) == 1
    item = only_item(rt)
    assert item.id == item_id and item.status is QueueStatus.WAITING and item.claimed_by_id is None
    assert item.request_id == request.id and item.summary == "Jean Dupont — Re: Lampadaire éteint"
    with rt.new_uow() as uow:
        answer = uow.session.scalar(select(Contact).where(Contact.external_id == "c2@example.fr"))
        assert (answer.request_id, answer.queue_item_id) == (request.id, item_id)
        actions = [
            e.action
            for e in uow.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity_id == item_id, AuditEvent.entity_type == "queue_item"
                )
            )
        ]
        assert actions[-1] == "queue.reopened"
    drain_jobs(rt)
    third = received(smtp_sink.wait_for(3)[2])
    assert third["Subject"] == f"Re: Lampadaire éteint [{reference}]"
    assert third["References"] == f"<c1@example.fr> {ack['Message-ID']} <c2@example.fr>"
    assert f"rattaché à votre demande {reference}" in third.get_body().get_content()

    # A message naming the reference in its subject joins the open item where it stands.
    mailbox.deliver(message(f"Demande {reference}", "Une photo de plus.", sender="claire@example.fr"))
    assert fetch(mail_app) == 1
    item = only_item(rt)
    assert item.status is QueueStatus.WAITING and item.summary.endswith(f"Demande {reference}")
    with rt.new_uow() as uow:
        assert (
            uow.session.scalar(
                select(AuditEvent.action)
                .order_by(AuditEvent.id.desc())
                .where(AuditEvent.entity_type == "queue_item")
                .limit(1)
            )
            == "queue.contact_added"
        )


def test_console_reply_with_attachments_a_failed_send_shown_and_sent_again(
    mail_app, rt, mailbox, smtp_sink, served
):
    sophie = add_user(mail_app, "sophie")
    rt.settings = rt.settings.replace(email_auto_ack=False)
    injected = (
        b"From: Jean Dupont <jean.dupont@example.fr>\r\nTo: mairie@ville.example\r\n"
        b"Subject: =?utf-8?q?Bonjour=0D=0ABcc:_victime@example.fr?=\r\n"
        b"Message-ID: <q1@example.fr>\r\nReferences: <q0@example.fr>\r\n\r\nUne question.\r\n"
    )
    mailbox.deliver(injected)
    assert fetch(mail_app) == 1
    item_id = only_item(rt).id
    http = login(served.url, "sophie", PASSWORD)
    url = f"{served.url}/console/api/email/items/{item_id}"
    files = [
        ("files", ("réponse.pdf", b"%PDF-1.4", "application/pdf")),
        ("files", ("plan.png", b"PNG", "image/png")),
    ]
    # Only on an item the ambassador holds, and never without the CSRF token.
    assert http.post(f"{url}/reply", data={"text": "Bonjour"}).status_code == 409
    with rt.new_uow() as uow:
        queue.claim(uow, item_id, sophie.id)
        uow.commit()
    headers = {"X-CSRFToken": ""}
    assert http.post(f"{url}/reply", data={"text": "x"}, headers=headers).status_code == 400

    response = http.post(f"{url}/reply", data={"text": "Bonjour,\nvoici la réponse."}, files=files)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "queued"
    drain_jobs(rt)
    (sent,) = smtp_sink.wait_for(1)
    assert sent.rcpt_tos == ["jean.dupont@example.fr"]  # no Bcc smuggled in through the subject
    msg = received(sent)
    assert "Bcc" not in msg and msg["Subject"] == "Re: Bonjour Bcc: victime@example.fr"
    assert msg["In-Reply-To"] == "<q1@example.fr>" and msg["References"] == "<q0@example.fr> <q1@example.fr>"
    assert "Auto-Submitted" not in msg
    assert msg.get_body().get_content().replace("\r\n", "\n") == "Bonjour,\nvoici la réponse.\n"
    assert [(a.get_filename(), a.get_content()) for a in msg.iter_attachments()] == [
        ("réponse.pdf", b"%PDF-1.4"),
        ("plan.png", b"PNG"),
    ]

    smtp_sink.reply = "554 5.7.1 Message refusé"
    assert http.post(f"{url}/reply", data={"text": "Second envoi."}).status_code == 201
    drain_jobs(rt)
    thread = http.get(f"{url}/messages").json()
    assert [(m["direction"], m["status"]) for m in thread] == [
        ("inbound", None),
        ("outbound", "sent"),
        ("outbound", "failed"),
    ]
    failed = thread[2]
    assert failed["status_label"] == "Échec de l'envoi" and "554" in failed["error"]
    assert [a["filename"] for a in thread[1]["attachments"]] == ["réponse.pdf", "plan.png"]
    with rt.new_uow() as uow:
        outbound = uow.session.get(Contact, failed["id"])
        assert outbound.direction is Direction.OUTBOUND and outbound.created_by_id == sophie.id

    smtp_sink.reply = ""
    assert http.post(f"{served.url}/console/api/email/messages/{failed['id']}/resend").status_code == 200
    drain_jobs(rt)
    assert received(smtp_sink.wait_for(2)[1]).get_body().get_content().strip() == "Second envoi."
    assert [m["status"] for m in http.get(f"{url}/messages").json()][2] == "sent"
