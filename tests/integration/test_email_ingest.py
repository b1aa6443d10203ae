"""The city's mailbox on a real Dovecot: every message becomes exactly one contact, whatever it is
and whatever happens to the server; automatic mail is recorded but never answered."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from contact_centre.channels.email.mailbox import PROCESSED_KEYWORD, MailboxWatcher, connect
from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.contacts import Contact
from contact_centre.domain.emails import MailboxState
from contact_centre.domain.enums import Direction, QueueStatus
from contact_centre.domain.queue import QueueItem
from contact_centre.infrastructure.publishing import RecordingPublisher
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.mail_servers import ADDRESS, drain_jobs


def message(
    subject: str = "Lampadaire éteint",
    body: str = "Bonjour, le lampadaire est éteint.",
    sender: str = "Jean Dupont <jean.dupont@example.fr>",
    message_id: str | None = "auto",
    **headers: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    if message_id == "auto":
        message_id = f"<{time.monotonic_ns()}@example.fr>"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def fetch(app) -> int:
    return MailboxWatcher(app).run_once()


def _detached(uow, rows: list) -> list:
    uow.session.expunge_all()  # readable after the unit of work ends
    return rows


def contacts(rt, direction: Direction = Direction.INBOUND) -> list[Contact]:
    with rt.new_uow() as uow:
        return _detached(
            uow,
            list(
                uow.session.scalars(
                    select(Contact)
                    .where(Contact.direction == direction)
                    .options(selectinload(Contact.attachments))
                    .order_by(Contact.id)
                )
            ),
        )


def items(rt) -> list[QueueItem]:
    with rt.new_uow() as uow:
        return _detached(uow, list(uow.session.scalars(select(QueueItem).order_by(QueueItem.id))))


def _wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _checked(rt) -> bool:
    with rt.new_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(MailboxState)) == 1


def test_each_kind_of_message_becomes_one_item_with_what_it_said(mail_app, rt, mailbox, smtp_sink):
    mailbox.deliver(message())
    html = EmailMessage()
    html["From"] = "=?iso-8859-1?q?Fran=E7oise_M=FCller?= <francoise@example.fr>"
    html["Subject"] = "=?utf-8?b?UG91YmVsbGUgZMOpYm9yZGFudGUg4oCU?= rue Hoche"
    html.set_content("<p>La poubelle <b>déborde</b>.</p><script>x()</script>", subtype="html")
    mailbox.deliver(html)
    alternative = message("Photos du trou", "Voir les photos.")
    alternative.add_alternative("<p>Voir les <i>photos</i>.</p>", subtype="html")
    alternative.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="trou.png")
    alternative.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="plan.pdf")
    mailbox.deliver(alternative)
    for charset, text in (("iso-8859-1", "Élagage prévu à Noël"), ("windows-1252", "Coût : 50 € – “urgent”")):
        raw = (
            f"From: martin@example.fr\r\nTo: {ADDRESS}\r\nSubject: {charset}\r\n"
            f"Message-ID: <{charset}@example.fr>\r\nContent-Type: text/plain; charset={charset}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode() + text.encode(charset)
        mailbox.deliver(raw)

    assert fetch(mail_app) == 5
    got = {c.subject: c for c in contacts(rt)}
    assert got["Lampadaire éteint"].body == "Bonjour, le lampadaire est éteint."
    assert got["Lampadaire éteint"].hints == {
        "name": "Jean Dupont",
        "phone": "",
        "email": "jean.dupont@example.fr",
    }
    poubelle = got["Poubelle débordante — rue Hoche"]
    assert poubelle.hints["name"] == "Françoise Müller"
    assert poubelle.body == "La poubelle déborde."
    assert "script" not in poubelle.payload["html"] and "<b>déborde</b>" in poubelle.payload["html"]
    photos = got["Photos du trou"]
    assert photos.body == "Voir les photos."
    assert [(a.filename, a.size) for a in photos.attachments] == [("trou.png", 7), ("plan.pdf", 8)]
    assert rt.storage.read(photos.attachments[1].storage_key) == b"%PDF-1.4"
    assert got["iso-8859-1"].body == "Élagage prévu à Noël"
    assert got["windows-1252"].body == "Coût : 50 € – “urgent”"
    assert all(c.attachments == [] for c in got.values() if c is not photos)  # nothing odd: no original kept
    assert [i.status for i in items(rt)] == [QueueStatus.WAITING] * 5
    # Processed means flagged, after the commit; the originals stay on the server.
    assert set(mailbox.flags().values()) == {(b"\\Seen", PROCESSED_KEYWORD)}
    assert fetch(mail_app) == 0


def test_a_new_message_and_its_acknowledgement_reach_consoles_as_one_event(
    mail_app, rt, mailbox, smtp_sink, monkeypatch
):
    published = RecordingPublisher()
    monkeypatch.setattr(rt, "publisher", published)
    mailbox.deliver(message("Un seul événement"))
    assert fetch(mail_app) == 1
    [item] = items(rt)
    [ack] = contacts(rt, Direction.OUTBOUND)
    assert ack.queue_item_id == item.id and ack.payload["kind"] == "acknowledgement"
    # One queue:added, carrying the item as it stands once its acknowledgement is queued.
    assert [(event, payload["id"]) for event, payload in published.events] == [("queue:added", item.id)]
    assert published.events[0][1]["summary"] == item.summary
    # Still every change in the audit trail.
    with rt.new_uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["contact.received", "queue.added", "contact.outbound"]


def test_the_same_message_delivered_twice_is_recorded_once(mail_app, rt, mailbox):
    same = message(message_id="<une-seule-fois@example.fr>")
    mailbox.deliver(same)
    mailbox.deliver(same)
    # Without a Message-ID the message is known by its content, less what each delivery adds.
    anonymous = message("Sans identifiant", message_id=None).as_bytes()
    mailbox.deliver(anonymous)
    mailbox.deliver(anonymous)
    assert fetch(mail_app) == 2
    mailbox.deliver(same)
    assert fetch(mail_app) == 0
    assert sorted(c.external_id or "" for c in contacts(rt))[1] == "une-seule-fois@example.fr"
    assert len(items(rt)) == 2
    assert len(mailbox.flags()) == 5  # every copy marked processed


def test_automatic_mail_is_recorded_and_never_answered(mail_app, rt, mailbox, smtp_sink):
    mailbox.deliver(message("Absence du bureau", auto_submitted="auto-replied"))
    bounce = (
        f"From: MAILER-DAEMON@mx.example.fr\r\nTo: {ADDRESS}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce@mx.example.fr>\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    mailbox.deliver(bounce.encode(), sender="")
    mailbox.deliver(message("[quartier] Réunion", List_Id="<quartier.lists.example.fr>"))
    mailbox.deliver(message("Promo", Precedence="bulk"))
    mailbox.deliver(message("Écho", sender=ADDRESS))
    mailbox.deliver(message("Notification", sender="no-reply@service.example.fr"))
    assert fetch(mail_app) == 6
    drain_jobs(rt)
    reasons = {c.subject: c.payload["acknowledgement"]["reason"] for c in contacts(rt)}
    assert reasons == {
        "Absence du bureau": "message automatique (Auto-Submitted: auto-replied)",
        "Undelivered Mail Returned to Sender": "avis de non-remise",
        "[quartier] Réunion": "liste de diffusion",
        "Promo": "envoi en nombre (Precedence: bulk)",
        "Écho": "message de l'adresse de la Ville",
        "Notification": "adresse qui n'accepte pas de réponse",
    }
    assert contacts(rt, Direction.OUTBOUND) == [] and smtp_sink.messages == []
    # Recorded after what people wrote.
    assert {i.priority for i in items(rt)} == {4}


def test_loop_protection_blocks_the_automatic_message_past_the_limit(mail_app, rt, mailbox, smtp_sink):
    rt.settings = rt.settings.replace(email_auto_limit=2)
    for n in range(3):
        mailbox.deliver(message(f"Message {n}"))
    mailbox.deliver(message("Autre citoyen", sender="claire@example.fr"))
    assert fetch(mail_app) == 4
    drain_jobs(rt)
    sent = smtp_sink.wait_for(3)
    assert sorted(m.rcpt_tos[0] for m in sent) == ["claire@example.fr", *["jean.dupont@example.fr"] * 2]
    third = next(c for c in contacts(rt) if c.subject == "Message 2")
    assert third.payload["acknowledgement"] == {
        "status": "skipped",
        "reason": "limite de 2 messages automatiques en 24 h atteinte pour cette adresse",
    }


@pytest.mark.parametrize(
    "backend", ["sqlite"], indirect=True
)  # parsing and storage; the database is beside the point
def test_a_30_mb_attachment_over_the_limit_still_makes_an_item_with_the_original(mail_app, rt, mailbox):
    big = message("Vidéo du dépôt sauvage", "La vidéo est jointe.")
    big.add_attachment(b"\0" * (30 * 1024 * 1024), maintype="video", subtype="mp4", filename="depot.mp4")
    big.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="plan.pdf")
    mailbox.deliver(big)
    assert fetch(mail_app) == 1
    (contact,) = contacts(rt)
    assert [a.filename for a in contact.attachments] == ["message-original.eml", "plan.pdf"]
    original = contact.attachments[0]
    assert original.size > 40 * 1024 * 1024 and original.content_type == "message/rfc822"
    assert contact.body.startswith(
        "[Espace Citoyen] Pièce jointe « depot.mp4 » (30 Mo) au-delà de la taille maximale (25 Mo)"
    )
    assert contact.body.endswith("La vidéo est jointe.")
    assert contact.payload["dropped"] == [{"filename": "depot.mp4", "size": 30 * 1024 * 1024}]
    assert len(items(rt)) == 1


def test_bad_input_each_has_an_outcome_and_nothing_is_lost(mail_app, rt, mailbox):
    truncated = (
        f"From: jean@example.fr\r\nTo: {ADDRESS}\r\nSubject: Tronqué\r\nMessage-ID: <tronque@example.fr>\r\n"
        "Content-Type: multipart/mixed; boundary=ZZ\r\n\r\n--ZZ\r\nContent-Type: text/plain\r\n\r\n"
        "Le début est lisible.\r\n--ZZ\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x"
    ).encode()
    mailbox.deliver(truncated)
    mailbox.deliver(
        b"From: jean@example.fr\r\nSubject: Charset\r\nMessage-ID: <charset@example.fr>\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\n\r\ncaf\xe9"
    )
    mailbox.deliver(b"Subject: Sans rien d'autre\r\n\r\nQui suis-je ?", sender="")
    mailbox.deliver(
        b"From: Jean Dupont\r\nDate: Thu, 1 Jan 2999 00:00:00 +0000\r\nMessage-ID: <date@example.fr>\r\n"
        b"Subject: Sans adresse\r\n\r\nx",
        sender="inconnu@example.fr",
    )
    paths = message("Chemins", "Voir.", message_id="<chemins@example.fr>")
    paths.add_attachment(b"root:x:0:0", maintype="text", subtype="plain", filename="../../etc/passwd")
    paths.add_attachment(b"", maintype="application", subtype="octet-stream", filename="vide.bin")
    mailbox.deliver(paths)
    scripts = message("Script", message_id="<script@example.fr>")
    scripts.set_content("<p>Coucou<script>alert(1)</script><img src=x onerror=alert(2)></p>", subtype="html")
    mailbox.deliver(scripts)

    assert fetch(mail_app) == 6
    got = {c.subject: c for c in contacts(rt)}
    tronque = got["Tronqué"]
    assert tronque.body.startswith("[Espace Citoyen] Message mal formé")
    assert tronque.body.endswith("Le début est lisible.")
    assert tronque.attachments[0].filename == "message-original.eml"
    assert rt.storage.read(tronque.attachments[0].storage_key).rstrip().endswith(b"JVBERi0x")
    assert got["Charset"].body == "café"
    anonymous = got["Sans rien d'autre"]
    assert anonymous.hints["email"] == "" and anonymous.external_id.startswith("sha256:")
    assert anonymous.payload["acknowledgement"]["reason"] == "avis de non-remise"
    sans = got["Sans adresse"]
    assert sans.hints == {"name": "Jean Dupont", "phone": "", "email": ""}
    assert sans.payload["date"] is None
    assert sans.payload["acknowledgement"]["reason"] == "expéditeur sans adresse valide"
    assert [(a.filename, a.size) for a in got["Chemins"].attachments] == [("passwd", 10), ("vide.bin", 0)]
    stored = rt.storage.path(got["Chemins"].attachments[0].storage_key)
    assert rt.settings.storage.attachments_dir.resolve() in stored.parents
    assert got["Script"].body == "Coucou"
    assert "script" not in got["Script"].payload["html"] and "onerror" not in got["Script"].payload["html"]
    assert len(items(rt)) == 6


def test_a_processed_folder_receives_the_messages_and_originals_can_be_deleted(mail_app, rt, mailbox):
    rt.settings = rt.settings.replace(imap_processed_folder="Traites")
    mailbox.deliver(message("Déplacé"))
    assert fetch(mail_app) == 1
    assert mailbox.flags() == {} and len(mailbox.flags("Traites")) == 1
    rt.settings = rt.settings.replace(imap_processed_folder="", imap_keep_originals=False)
    mailbox.deliver(message("Supprimé"))
    assert fetch(mail_app) == 1
    assert mailbox.flags() == {}
    # Nothing left on the server: the app keeps the original itself.
    deleted = next(c for c in contacts(rt) if c.subject == "Supprimé")
    assert [a.filename for a in deleted.attachments] == ["message-original.eml"]


def test_a_uidvalidity_change_rescans_without_duplicates(mail_app, rt, mailbox):
    rt.settings = rt.settings.replace(imap_keep_originals=True)
    mailbox.deliver(message("Avant"))
    assert fetch(mail_app) == 1
    with mailbox.client() as client:  # another client takes our mark off, as a rebuilt mailbox would
        client.select_folder("INBOX")
        client.remove_flags(client.search("ALL"), [PROCESSED_KEYWORD])
    with rt.new_uow() as uow:
        state = uow.session.scalars(select(MailboxState)).one()
        state.uidvalidity = 1
        uow.commit()
    assert fetch(mail_app) == 0
    with rt.new_uow() as uow:
        assert uow.session.scalars(select(MailboxState)).one().uidvalidity != 1
    assert len(contacts(rt)) == 1


def test_the_server_stopped_and_restarted_in_the_middle_of_a_batch(mail_app, rt, mailbox, caplog):
    rt.settings = rt.settings.replace(imap_batch_size=4, email_auto_ack=False)
    for n in range(12):
        mailbox.deliver(message(f"Message {n:02d}"))
    seen: list[int] = []
    restarted = threading.Event()

    def outage(recorded) -> None:
        seen.append(recorded.contact_id)
        if len(seen) == 6:  # mid-batch: recorded and committed, not yet marked on the server
            mailbox.stop()
            threading.Timer(0.3, lambda: (mailbox.start(), restarted.set())).start()

    stop = threading.Event()
    watcher = MailboxWatcher(mail_app, stop=stop, on_recorded=outage, min_backoff=0.05, max_backoff=0.2)
    thread = threading.Thread(target=watcher.watch)
    thread.start()
    try:
        _wait_until(
            lambda: (
                restarted.is_set()
                and [PROCESSED_KEYWORD in f for f in mailbox.flags().values()] == [True] * 12
            ),
            timeout=20,
        )
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert "unreachable" in caplog.text
    with rt.new_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contact)) == 12
    assert sorted(c.subject for c in contacts(rt)) == [f"Message {n:02d}" for n in range(12)]
    assert all(PROCESSED_KEYWORD in f for f in mailbox.flags().values())


def _refuse_subject_in_database(rt, subject: str | None) -> None:
    """A real failure for one message, raised by the database itself (a trigger), not by the app."""
    with rt.database.engine.begin() as conn:
        if rt.database.dialect == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS refuse_subject ON contacts")
            if subject:
                conn.exec_driver_sql(
                    "CREATE OR REPLACE FUNCTION refuse_subject() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN IF NEW.subject = '{subject}' THEN RAISE EXCEPTION 'disk full'; END IF; "
                    "RETURN NEW; END $$"
                )
                conn.exec_driver_sql(
                    "CREATE TRIGGER refuse_subject BEFORE INSERT ON contacts "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_subject()"
                )
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS refuse_subject")
            if subject:
                conn.exec_driver_sql(
                    "CREATE TRIGGER refuse_subject BEFORE INSERT ON contacts "
                    f"WHEN NEW.subject = '{subject}' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )


def test_a_message_that_fails_in_a_batch_is_left_alone_and_retried(mail_app, rt, mailbox, smtp_sink, caplog):
    """A batch is one transaction; when it fails, its messages are recorded one at a time, so only
    the failing one is left unmarked, with nothing of it written, for the next pass."""
    for subject in ("Avant", "Panne", "Après"):
        mailbox.deliver(message(subject))
    _refuse_subject_in_database(rt, "Panne")
    try:
        assert fetch(mail_app) == 2
    finally:
        _refuse_subject_in_database(rt, None)
    assert "batch of 3 failed; recording its messages one at a time" in caplog.text
    assert "not recorded; will retry" in caplog.text
    assert [c.subject for c in contacts(rt)] == ["Avant", "Après"]
    flagged = {uid: PROCESSED_KEYWORD in f for uid, f in sorted(mailbox.flags().items())}
    assert list(flagged.values()) == [True, False, True]
    with rt.new_uow() as uow:
        # Nothing of the failed message: its queue item, audit events and acknowledgement went with it.
        assert uow.session.scalar(select(func.count()).select_from(QueueItem)) == 2
        # (Three per message; on SQLite the acknowledgements' in-process jobs may already have added their
        # « mail.sent », which is no part of the intake.)
        intake_events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.not_like("mail.%"))
        assert uow.session.scalar(intake_events) == 2 * 3
    assert len(contacts(rt, Direction.OUTBOUND)) == 2

    # The next pass records it, once; the others are not recorded again.
    assert fetch(mail_app) == 1
    assert [c.subject for c in contacts(rt)] == ["Avant", "Après", "Panne"]
    assert all(PROCESSED_KEYWORD in f for f in mailbox.flags().values())
    drain_jobs(rt)
    assert sorted(m.rcpt_tos[0] for m in smtp_sink.wait_for(3)) == ["jean.dupont@example.fr"] * 3


def test_a_message_delivered_while_idle_reaches_the_console(mail_app, rt, mailbox, served):
    add_user(mail_app, "sophie", full_name="Sophie Marchal")
    console = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
    console.wait_for("queue:snapshot")
    stop = threading.Event()
    thread = threading.Thread(target=MailboxWatcher(mail_app, stop=stop).watch)
    thread.start()
    try:
        _wait_until(lambda: _checked(rt))  # first pass done: from here on it waits in IDLE
        started = time.monotonic()
        mailbox.deliver(message("Arrivé pendant IDLE"))
        item = console.wait_for("queue:added", lambda e: "Arrivé pendant IDLE" in e["summary"], timeout=4)
        assert time.monotonic() - started < 4  # well inside the 5 s poll: IDLE woke it
        assert item["channel"] == "email" and item["summary"] == "Jean Dupont — Arrivé pendant IDLE"
    finally:
        stop.set()
        thread.join(10)
        console.disconnect()


def test_a_message_announced_during_a_search_is_taken_at_once_not_at_the_next_poll(mail_app, rt, mailbox):
    """A message delivered while the watcher searches is announced once, in that command's answer; IDLE
    would not announce it again, so the watcher looks again at once instead of waiting for the poll."""
    watcher = MailboxWatcher(mail_app)
    client = connect(rt.settings)
    try:
        with mail_app.app_context():
            assert watcher.sync(client) == 0
            mailbox.deliver(message("Pendant la recherche"))
            client.search(["ALL"])  # as a pass's next command would: its answer carries `* 1 EXISTS`
            started = time.monotonic()
            watcher._wait(client)
            assert time.monotonic() - started < 1  # the poll interval is 5 s here
            assert watcher.sync(client) == 1
            started = time.monotonic()
            watcher.stop.set()  # nothing new: it would idle; stopped, it returns
            watcher._wait(client)
            assert time.monotonic() - started < 1
    finally:
        client.logout()
    assert [c.subject for c in contacts(rt)] == ["Pendant la recherche"]
