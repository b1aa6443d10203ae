"""`contact-centre email fetch` and `email watch` as an administrator runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from contact_centre.cli import main
from contact_centre.domain.contacts import Contact
from tests.integration.test_email_ingest import message
from tests.support.mail_servers import PASSWORD, USER


@pytest.fixture
def env(settings, tmp_path, mailbox):
    return {
        "DATABASE_URL": settings.database.database_url,
        "REDIS_URL": settings.jobs.redis_url,
        "SECRET_KEY": settings.app.secret_key,
        "INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "SOCKETIO_CHANNEL": settings.jobs.socketio_channel,
        "RQ_QUEUE": settings.jobs.rq_queue,
        "IMAP_HOST": "127.0.0.1",
        "IMAP_PORT": str(mailbox.imap_port),
        "IMAP_SECURITY": "none",
        "IMAP_USER": USER,
        "IMAP_PASSWORD": PASSWORD,
    }


def test_fetch_records_what_waits_then_stops(env, rt, mailbox):
    mailbox.deliver(message("Par la commande"))
    result = CliRunner(env=env).invoke(main, ["email", "fetch"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 nouveau(x) message(s) enregistré(s)." in result.output
    with rt.new_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contact)) == 1
    refused = CliRunner(env=env | {"IMAP_HOST": ""}).invoke(main, ["email", "fetch"])
    assert refused.exit_code == 1 and "IMAP_HOST n'est pas défini" in refused.output


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_watch_runs_until_interrupted_and_exits_cleanly(env, rt, mailbox):
    process = subprocess.Popen(
        [sys.executable, "-m", "contact_centre.cli", "email", "watch"],
        env=os.environ | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        mailbox.deliver(message("Pendant la relève"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with rt.new_uow() as uow:
                if uow.session.scalar(select(func.count()).select_from(Contact)) == 1:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the watcher recorded nothing")
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "Relève arrêtée." in output
