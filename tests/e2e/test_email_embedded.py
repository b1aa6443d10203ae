"""The embedded installation (SQLite, no Redis): `serve` watches the mailbox itself, so a mail
reaches the consoles live without a second process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_multiprocess import _free_port, _wait_healthy
from tests.integration.test_email_ingest import message
from tests.support import letters
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.mail_servers import PASSWORD as MAILBOX_PASSWORD
from tests.support.mail_servers import USER

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def _serve_embedded(backend, settings, tmp_path, **extra_env: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`contact-centre serve` as a new user runs it: no Redis, the test's database."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "IMAP_HOST")} | {
        "DATABASE_URL": backend.database_url,
        "SECRET_KEY": settings.app.secret_key,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        **extra_env,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "contact_centre.cli", "serve", "--port", str(port)],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, proc, log)
    return proc, url, log


def test_serve_without_redis_watches_the_mailbox_and_consoles_see_mail_live(
    app, backend, settings, mailbox, tmp_path
):
    add_user(app, "sophie")
    proc, url, log = _serve_embedded(
        backend, settings, tmp_path,
        IMAP_HOST="127.0.0.1", IMAP_PORT=str(mailbox.imap_port), IMAP_SECURITY="none",
        IMAP_USER=USER, IMAP_PASSWORD=MAILBOX_PASSWORD, EMAIL_AUTO_ACK="false",
    )  # fmt: skip
    try:
        console = ConsoleClient().connect(url, login(url, "sophie", PASSWORD))
        console.wait_for("queue:snapshot")
        mailbox.deliver(message(subject="Banc cassé au square"))
        item = console.wait_for("queue:added", lambda e: e["channel"] == "email", timeout=20)
        assert "Banc cassé au square" in item["summary"]
        console.disconnect()
        assert "Relève de la boîte" in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_without_redis_watches_the_scanners_folder_and_consoles_see_letters_live(
    app, backend, settings, tmp_path
):
    add_user(app, "sophie")
    scans = tmp_path / "scanner"
    proc, url, log = _serve_embedded(
        backend, settings, tmp_path,
        MAIL_SCAN_DIR=str(scans), MAIL_SCAN_SETTLE_SECONDS="0", MAIL_SCAN_POLL_SECONDS="1",
    )  # fmt: skip
    try:
        console = ConsoleClient().connect(url, login(url, "sophie", PASSWORD))
        console.wait_for("queue:snapshot")
        written = scans / "lettre-0001.png.part"
        written.write_bytes(letters.png(["Monsieur le Maire,", "le banc du square est cassé."]))
        written.rename(scans / "lettre-0001.png")  # as a scanner finishes a file
        item = console.wait_for("queue:added", lambda e: e["channel"] == "mail", timeout=20)
        assert item["channel_label"] == "Courrier"
        console.disconnect()
        assert "Surveillance du dossier du scanner" in log.read_text()
        deadline = time.monotonic() + 10  # the file is filed away once its letter is committed
        while not list((scans / "traites").glob("*lettre-0001.png")):
            assert time.monotonic() < deadline, sorted(p.name for p in scans.rglob("*"))
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
