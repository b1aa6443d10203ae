"""Jobs run where the settings say: in-process threads (embedded) or RQ on Redis."""

from __future__ import annotations

from concurrent.futures import wait
from datetime import timedelta

import pytest
from rq import SimpleWorker

from contact_centre.domain.enums import QueueStatus
from contact_centre.infrastructure.jobs import InProcessJobs, RQJobs
from contact_centre.jobs.tasks import sweep_queue
from contact_centre.queue import presence
from contact_centre.queue import service as queue
from tests.support.accounts import add_user
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


def _pending(rt) -> int:
    return len(rt.jobs.queue) if isinstance(rt.jobs, RQJobs) else len(rt.jobs.futures)


def test_a_transaction_queues_its_jobs_only_once_committed_and_all_together(rt, backend):
    ran: list[int] = []
    # RQ needs an importable function; in-process jobs can say which of them ran.
    job = sweep_queue if backend.uses_real_servers else ran.append
    before = _pending(rt)
    with rt.new_uow() as uow:
        uow.enqueue(job, 0)
        uow.rollback()
    with rt.new_uow() as uow:
        uow.enqueue(job, 1)
        uow.enqueue(job, 2)
        assert _pending(rt) == before  # nothing leaves before the commit
        uow.commit()
    if backend.uses_real_servers:
        jobs = rt.jobs.queue.get_jobs()
        assert [(j.func_name, j.args) for j in jobs] == [
            ("contact_centre.jobs.tasks.sweep_queue", (n,)) for n in (1, 2)
        ]
        assert [j.retries_left for j in jobs] == [3, 3]  # RQ's retries, as for a single job
        rt.jobs.queue.empty()
    else:
        wait(rt.jobs.futures, timeout=10)
        assert sorted(ran) == [1, 2]
        assert rt.jobs.status()["pending"] == 0
