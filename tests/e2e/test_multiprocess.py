"""Several processes sharing PostgreSQL and Redis: app processes and a worker all reach every console."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from rq import SimpleWorker

from contact_centre.jobs.tasks import sweep_queue
from contact_centre.queue import presence
from contact_centre.queue import service as queue
from tests.support.accounts import PASSWORD, add_token, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.factories import inbound

# Several processes share state through PostgreSQL and Redis only.
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)  # polling a starting process: there is no event to await
    pytest.fail(f"server not healthy after 30 s: {log.read_text()[-2000:]}")


@pytest.fixture
def two_processes(backend, settings, tmp_path) -> Iterator[list[str]]:
    env = os.environ | {
        "DATABASE_URL": backend.database_url,
        "REDIS_URL": backend.redis_url,
        "SECRET_KEY": settings.app.secret_key,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SOCKETIO_CHANNEL": settings.jobs.socketio_channel,
        "RQ_QUEUE": settings.jobs.rq_queue,
    }
    procs, urls = [], []
    try:
        for n in range(2):
            port = _free_port()
            log = tmp_path / f"server{n}.log"
            # One process as `contact-centre serve`, the other under gunicorn as the README deploys it.
            command = (
                [sys.executable, "-m", "contact_centre.cli", "serve", "--port", str(port)]
                if n == 0
                else [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "20", "-b", f"127.0.0.1:{port}",
                      "contact_centre.wsgi:app"]
            )  # fmt: skip
            proc = subprocess.Popen(
                command,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            procs.append((proc, log))
            urls.append(f"http://127.0.0.1:{port}")
            _wait_healthy(urls[-1], proc, log)
        yield urls
    finally:
        for proc, _log in procs:
            proc.terminate()
        for proc, _log in procs:
            proc.wait(timeout=10)


def test_a_contact_recorded_by_process_a_reaches_a_console_on_process_b(app, two_processes):
    a_url, b_url = two_processes
    add_user(app, "sophie")
    add_user(app, "robot")
    token = add_token(app, "robot")
    console_on_b = ConsoleClient().connect(b_url, login(b_url, "sophie", PASSWORD))
    console_on_b.wait_for("queue:snapshot")
    response = requests.post(
        f"{a_url}/api/v1/contacts",
        json={"channel": "council", "subject": "Conseil de quartier Rive Gauche"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201
    item = console_on_b.wait_for("queue:added", lambda e: e["id"] == response.json()["queue_item_id"])
    assert item["channel"] == "council"
    console_on_b.disconnect()


def test_a_job_run_by_an_rq_worker_reaches_consoles_through_redis(app, rt, two_processes):
    a_url, _b_url = two_processes
    sophie = add_user(app, "sophie")
    add_user(app, "nadia")
    watcher = ConsoleClient().connect(a_url, login(a_url, "nadia", PASSWORD))
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow).queue_item_id
        presence.connected(uow, "gone", sophie.id, "elsewhere")
        queue.claim(uow, item_id, sophie.id)
        presence.disconnected(uow, "gone", timedelta(seconds=0))
        uow.commit()
    rt.jobs.enqueue(sweep_queue)
    worker = SimpleWorker([rt.jobs.queue], connection=rt.jobs.connection)
    assert worker.work(burst=True)
    returned = watcher.wait_for("queue:updated", lambda e: e["id"] == item_id and e["status"] == "waiting")
    assert returned["claimed_by"] is None
    watcher.disconnect()
