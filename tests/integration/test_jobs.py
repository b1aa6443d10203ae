"""Jobs run where the settings say: in-process threads (embedded) or RQ on Redis."""

from __future__ import annotations

from concurrent.futures import wait
from datetime import timedelta

import pytest
from rq import SimpleWorker

from contact_centre.domain.enums import QueueStatus
from contact_centre.jobs.runner import InProcessJobs, RQJobs
from contact_centre.jobs.tasks import sweep_queue
from contact_centre.queue import presence
from contact_centre.queue import service as queue
from tests.conftest import add_user
from tests.support.factories import inbound


def _expired_claim(app, rt) -> int:
    sophie = add_user(app, "sophie")
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow).queue_item_id
        presence.connected(uow, "sid", sophie.id, "test")
        queue.claim(uow, item_id, sophie.id)
        presence.disconnected(uow, "sid", timedelta(seconds=0))
        uow.commit()
    return item_id


def test_the_sweep_runs_as_a_background_job(app, rt, backend):
    item_id = _expired_claim(app, rt)
    rt.jobs.enqueue(sweep_queue)
    if backend.uses_real_servers:
        assert isinstance(rt.jobs, RQJobs)
        assert SimpleWorker([rt.jobs.queue], connection=rt.jobs.connection).work(burst=True)
    else:
        assert isinstance(rt.jobs, InProcessJobs)
        done, _ = wait(rt.jobs.futures, timeout=10)
        assert [f.result() for f in done] == [{"dropped_connections": 0, "returned_items": 1}]
    with rt.new_uow() as uow:
        assert queue.get_item(uow.session, item_id).status is QueueStatus.WAITING


# In-process jobs are the embedded default; on Redis, RQ's retries and failed-job registry apply.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_failing_in_process_job_is_logged_and_does_not_stop_the_pool(app, rt, caplog):
    rt.jobs.enqueue(int, "pas un nombre")
    rt.jobs.enqueue(sweep_queue)
    wait(rt.jobs.futures, timeout=10)
    assert "job int failed" in caplog.text
    assert rt.jobs.status()["pending"] == 0
