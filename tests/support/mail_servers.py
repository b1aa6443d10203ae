"""Real mail servers for the e-mail channel's tests: a private Dovecot (IMAP + LMTP) on free
loopback ports, and an aiosmtpd sink that keeps what the app sends. Each also comes with TLS
(IMAPS and STARTTLS; SMTPS, or SMTP with STARTTLS required), its certificate signed by a
throwaway CA made at test time with the `openssl` command."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import wait
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from imapclient import IMAPClient
from rq import SimpleWorker

from contact_centre.infrastructure.jobs import InProcessJobs, RQJobs
from contact_centre.runtime import Runtime
from tests.support.backends import IN_CI, unavailable

USER = "mairie"
PASSWORD = "s3cret"
ADDRESS = "mairie@ville.example"

_CONFIG = """\
instance_name = test-imap-{tag}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/log/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 100
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
protocol lmtp {{
  auth_username_format = %n
}}
"""


# What a client checks: a CA that may sign, a server certificate for the names the tests connect to.
_CA_CONFIG = """\
[req]
distinguished_name = dn
x509_extensions = ca
prompt = no
[dn]
CN = Espace Citoyen test {name}
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
"""
_SERVER_EXTENSIONS = """\
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1,DNS:localhost
"""


@dataclass(frozen=True)
class TlsFiles:
    """A CA, a server certificate it signed for 127.0.0.1 and localhost, and another CA that
    signed nothing here (a client trusting only that one must refuse the servers)."""

    dir: Path
    ca: Path
    cert: Path
    key: Path
    other_ca: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def _new_key(key: Path) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)


def _make_ca(d: Path, name: str) -> tuple[Path, Path]:
    ca, key, config = d / f"{name}.pem", d / f"{name}.key", d / f"{name}.cnf"
    config.write_text(_CA_CONFIG.format(name=name))
    _new_key(key)
    _openssl("req", "-x509", "-config", config, "-key", key, "-days", "2", "-out", ca)
    return ca, key


def make_tls_files() -> TlsFiles:
    if shutil.which("openssl") is None:
        unavailable("TLS", FileNotFoundError("the openssl command is not installed"))
    d = Path(tempfile.mkdtemp(prefix="mail-tls-"))
    ca, ca_key = _make_ca(d, "ca")
    other_ca, _ = _make_ca(d, "other-ca")
    cert, key, csr, extensions = d / "server.pem", d / "server.key", d / "server.csr", d / "server.ext"
    extensions.write_text(_SERVER_EXTENSIONS)
    _new_key(key)
    _openssl("req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr)
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", str(time.time_ns()),
        "-days", "2", "-extfile", extensions, "-out", cert,
    )  # fmt: skip
    return TlsFiles(d, ca, cert, key, other_ca)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class Dovecot:
    """A throwaway Dovecot: start, stop (as if the server went away), start again, same mailbox.
    With `tls`, it also answers IMAPS on `imaps_port` and STARTTLS on `imap_port`."""

    def __init__(self, tls: TlsFiles | None = None) -> None:
        # Not pytest's tmp_path: its 0700 parents would keep Dovecot's unprivileged users out.
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.dir.chmod(0o755)
        for sub in ("run", "state", "log", "mail"):
            (self.dir / sub).mkdir()
        shutil.chown(self.dir / "mail", "nobody", "nogroup")
        (self.dir / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        self.tls = tls
        self.imap_port = free_port()
        self.imaps_port = free_port() if tls else 0
        self.lmtp_port = free_port()
        # Dovecot reads the key as root at start-up, before it drops privileges.
        ssl_config = f"ssl = yes\nssl_cert = <{tls.cert}\nssl_key = <{tls.key}" if tls else "ssl = no"
        self.config = self.dir / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(
                d=self.dir,
                tag=self.dir.name,
                ssl=ssl_config,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                lmtp_port=self.lmtp_port,
            )
        )

    @property
    def pid_file(self) -> Path:
        return self.dir / "run" / "master.pid"

    def start(self) -> None:
        # Dovecot daemonises: no pipes, or its child would hold them open and `run` never return.
        subprocess.run(
            ["dovecot", "-c", str(self.config)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.imap_port)
        _wait_port(self.lmtp_port)
        if self.imaps_port:
            _wait_port(self.imaps_port)
        deadline = time.monotonic() + 10  # the pid file tells a later stop() whom to stop
        while not self.pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        """Stops the server the way an outage would: every connection drops."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while self.pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        # The master leaves its imap processes serving open connections; an outage would not.
        for child in self._leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)

    def _leftovers(self) -> list[int]:
        """This instance's processes, by the title Dovecot gives them (its instance name)."""
        title = f"test-imap-{self.dir.name}/".encode()
        found = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                with contextlib.suppress(OSError):
                    if title in (proc / "cmdline").read_bytes():
                        found.append(int(proc.name))
        return found

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def deliver(self, message: EmailMessage | bytes, to: str = ADDRESS, sender: str | None = None) -> None:
        """As a mail server would: over LMTP, the envelope sender becoming the Return-Path (by
        default the From address; "" for a bounce's null sender)."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        if sender is None:
            parsed = BytesHeaderParser().parsebytes(raw)
            sender = parseaddr(str(parsed.get("From", "")))[1]
        with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
            lmtp.sendmail(sender, [to], raw)

    def client(self) -> IMAPClient:
        """A plain connection, for the tests' own look at the mailbox (allowed from loopback)."""
        client = IMAPClient("127.0.0.1", self.imap_port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def empty(self) -> None:
        """Per-test cleanup: an empty inbox and no other folder."""
        with self.client() as client:
            for _flags, _sep, name in client.list_folders():
                if name != "INBOX":
                    client.delete_folder(name)
            client.select_folder("INBOX")
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return {uid: tuple(f) for uid, f in client.get_flags(client.search("ALL")).items()}


def start_dovecot(tls: TlsFiles | None = None) -> Dovecot:
    if shutil.which("dovecot") is None:
        message = "dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if os.geteuid() != 0:
        unavailable("Dovecot", PermissionError("a private Dovecot needs root here"))
    server = Dovecot(tls)
    try:
        server.start()
    except (subprocess.CalledProcessError, TimeoutError) as exc:
        log = (server.dir / "log" / "dovecot.log").read_text(errors="replace")[-2000:]
        server.destroy()
        unavailable("Dovecot", RuntimeError(f"{exc}: {log}"))
    return server


@dataclass
class Sent:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: str = ""  # the TLS version the message came over ("TLSv1.3"), empty when in the clear


@dataclass
class SmtpSink:
    """aiosmtpd handler keeping every message; `reply` set to a 4xx/5xx line refuses them."""

    messages: list[Sent] = field(default_factory=list)
    reply: str = ""
    _cond: threading.Condition = field(default_factory=threading.Condition)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply:
            return self.reply
        with self._cond:
            # Implicit TLS or after STARTTLS, the transport is then the TLS one.
            tls = server.transport.get_extra_info("ssl_object")
            version = (tls.version() or "") if tls is not None else ""
            self.messages.append(Sent(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, version))
            self._cond.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[Sent]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.messages) >= count, timeout), (
                f"expected {count} messages, got {len(self.messages)}"
            )
            return list(self.messages)

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()
        self.reply = ""


def start_smtp_sink(tls: TlsFiles | None = None, security: str = "none") -> tuple[SmtpSink, Any]:
    """In the clear; with `tls`, SMTPS (`security="ssl"`) or STARTTLS required before MAIL."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    options: dict[str, Any] = {}
    if tls and security == "ssl":
        options["ssl_context"] = tls.server_context()
    elif tls and security == "starttls":
        options.update(tls_context=tls.server_context(), require_starttls=True)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    sink.port = controller.port
    return sink, controller


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = start_dovecot()
    yield server
    server.destroy()


def _ready(server: Dovecot) -> Iterator[Dovecot]:
    """The shared server with an empty mailbox, running (a test may have stopped it)."""
    if not server.pid_file.exists():
        server.start()
    server.empty()
    yield server
    if not server.pid_file.exists():
        server.start()


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Iterator[Dovecot]:
    """The shared server with an empty mailbox, running (a test may have stopped it)."""
    yield from _ready(dovecot)


@pytest.fixture(scope="session")
def mail_tls() -> Iterator[TlsFiles]:
    files = make_tls_files()
    yield files
    shutil.rmtree(files.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def tls_dovecot(mail_tls: TlsFiles) -> Iterator[Dovecot]:
    server = start_dovecot(mail_tls)
    yield server
    server.destroy()


@pytest.fixture
def tls_mailbox(tls_dovecot: Dovecot) -> Iterator[Dovecot]:
    """The TLS server (IMAPS and STARTTLS) with an empty mailbox."""
    yield from _ready(tls_dovecot)


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SmtpSink]:
    sink, controller = start_smtp_sink()
    yield sink
    controller.stop()


@pytest.fixture
def smtp_sink(_smtp_server: SmtpSink) -> SmtpSink:
    _smtp_server.clear()
    return _smtp_server


@pytest.fixture(scope="session")
def _smtps_server(mail_tls: TlsFiles) -> Iterator[SmtpSink]:
    sink, controller = start_smtp_sink(mail_tls, "ssl")
    yield sink
    controller.stop()


@pytest.fixture
def smtps_sink(_smtps_server: SmtpSink) -> SmtpSink:
    """A sink over implicit TLS (SMTPS)."""
    _smtps_server.clear()
    return _smtps_server


@pytest.fixture(scope="session")
def _starttls_smtp_server(mail_tls: TlsFiles) -> Iterator[SmtpSink]:
    sink, controller = start_smtp_sink(mail_tls, "starttls")
    yield sink
    controller.stop()


@pytest.fixture
def starttls_smtp_sink(_starttls_smtp_server: SmtpSink) -> SmtpSink:
    """A sink that takes mail only after STARTTLS."""
    _starttls_smtp_server.clear()
    return _starttls_smtp_server


@pytest.fixture
def mail_app(app: Flask, mailbox: Dovecot, smtp_sink: SmtpSink) -> Flask:
    """The test app wired to the private Dovecot and the SMTP sink, retries without waiting."""
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        imap_host="127.0.0.1",
        imap_port=mailbox.imap_port,
        imap_security="none",
        imap_user=USER,
        imap_password=PASSWORD,
        imap_poll_seconds=5,
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink.port,
        smtp_security="none",
        mail_from=ADDRESS,
        smtp_retry_seconds=(),
    )
    return app


def drain_jobs(rt: Runtime) -> None:
    """Runs what was enqueued: waits for the in-process pool, or works RQ's queue in burst."""
    if isinstance(rt.jobs, RQJobs):
        SimpleWorker([rt.jobs.queue], connection=rt.jobs.connection).work(burst=True)
        return
    assert isinstance(rt.jobs, InProcessJobs)
    while pending := [f for f in rt.jobs.futures if not f.done()]:
        wait(pending, timeout=30)
