"""The e-mail channel over TLS, against the real servers: IMAPS and IMAP with STARTTLS in, SMTPS and
SMTP with STARTTLS out, the city's own CA given by IMAP_CA_FILE / SMTP_CA_FILE. A server whose
certificate that CA did not sign is refused either way: verification is on."""

from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from contact_centre.channels.email.mailbox import PROCESSED_KEYWORD, MailboxWatcher, connect
from contact_centre.domain.enums import Direction
from tests.integration.test_email_ingest import _wait_until, contacts, fetch, message
from tests.support import mail_servers
from tests.support.mail_servers import (  # noqa: F401 (fixtures: the TLS servers and their CA)
    ADDRESS,
    Dovecot,
    SmtpSink,
    TlsFiles,
    _smtps_server,
    _starttls_smtp_server,
    drain_jobs,
    mail_tls,
    smtps_sink,
    starttls_smtp_sink,
    tls_dovecot,
    tls_mailbox,
)

SECURITIES = ["ssl", "starttls"]


@dataclass
class TlsServers:
    mailbox: Dovecot  # IMAPS and STARTTLS
    sinks: dict[str, SmtpSink]  # by SMTP_SECURITY
    files: TlsFiles


@pytest.fixture
def servers(tls_mailbox, smtps_sink, starttls_smtp_sink, mail_tls) -> TlsServers:  # noqa: F811
    return TlsServers(tls_mailbox, {"ssl": smtps_sink, "starttls": starttls_smtp_sink}, mail_tls)


def use_tls(
    app: Flask, mailbox: Dovecot, sink: SmtpSink, security: str, imap_ca: Path | None, smtp_ca: Path | None
) -> None:
    """The app wired to the TLS servers, both ways in `security`, trusting the CA files given."""
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        imap_host="127.0.0.1",
        imap_port=mailbox.imaps_port if security == "ssl" else mailbox.imap_port,
        imap_security=security,
        imap_user=mail_servers.USER,
        imap_password=mail_servers.PASSWORD,
        imap_ca_file=imap_ca,
        smtp_host="127.0.0.1",
        smtp_port=sink.port,
        smtp_security=security,
        smtp_ca_file=smtp_ca,
        mail_from=ADDRESS,
        smtp_retry_seconds=(),
    )


@pytest.mark.parametrize("security", SECURITIES)
def test_a_message_fetched_and_acknowledged_over_tls(app, rt, servers: TlsServers, security: str):
    sink, mailbox, files = servers.sinks[security], servers.mailbox, servers.files
    use_tls(app, mailbox, sink, security, files.ca, files.ca)
    client = connect(rt.settings)
    try:
        sock = client.socket()
        assert isinstance(sock, ssl.SSLSocket)
        assert ("IP Address", "127.0.0.1") in sock.getpeercert()["subjectAltName"]  # checked, not just taken
    finally:
        client.logout()

    mailbox.deliver(message(message_id="<tls1@example.fr>"))
    assert fetch(app) == 1
    (inbound,) = contacts(rt)
    assert inbound.external_id == "tls1@example.fr" and inbound.subject == "Lampadaire éteint"
    assert all(PROCESSED_KEYWORD in flags for flags in mailbox.flags().values())

    drain_jobs(rt)
    (sent,) = sink.wait_for(1)
    assert sent.tls in ("TLSv1.2", "TLSv1.3") and sent.rcpt_tos == ["jean.dupont@example.fr"]
    (ack,) = contacts(rt, Direction.OUTBOUND)
    assert ack.payload["status"] == "sent" and ack.payload["error"] == ""


@pytest.mark.parametrize("security", SECURITIES)
def test_a_certificate_the_configured_ca_did_not_sign_is_refused(
    app, rt, servers: TlsServers, security: str, caplog
):
    sink, mailbox, files = servers.sinks[security], servers.mailbox, servers.files
    mailbox.deliver(message(message_id="<tls2@example.fr>"))

    # The system's CAs alone do not know the server; nor does another CA given as the city's.
    for ca in (None, files.other_ca):
        use_tls(app, mailbox, sink, security, ca, ca)
        with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer certificate"):
            fetch(app)

    # The watcher says why and keeps trying, recording nothing.
    caplog.set_level(logging.WARNING, logger="contact_centre.channels.email.mailbox")
    stop = threading.Event()
    watcher = MailboxWatcher(app, stop=stop, min_backoff=0.05, max_backoff=0.05)
    thread = threading.Thread(target=watcher.watch)
    thread.start()
    try:
        _wait_until(lambda: sum("CERTIFICATE_VERIFY_FAILED" in r.getMessage() for r in caplog.records) >= 2)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert contacts(rt) == []
    assert [PROCESSED_KEYWORD in flags for flags in mailbox.flags().values()] == [False]

    # The mailbox trusted, the outgoing server not: the acknowledgement is not sent, and says why.
    use_tls(app, mailbox, sink, security, files.ca, files.other_ca)
    assert fetch(app) == 1
    drain_jobs(rt)
    (ack,) = contacts(rt, Direction.OUTBOUND)
    assert ack.payload["status"] == "failed"
    assert ack.payload["error"] == (
        "Le certificat du serveur de courrier n'est pas reconnu (unable to get local issuer certificate) ; "
        "vérifiez SMTP_HOST et SMTP_CA_FILE."
    )
    assert sink.messages == []
