"""The contact-centre command as an administrator runs it, on both backends."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from contact_centre.cli import main
from contact_centre.domain.catalogue import Process
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.people import StaffUser
from contact_centre.services.staff import authenticate
from tests.support.factories import processes_csv, referents_csv


@pytest.fixture
def run(settings, tmp_path):
    env = {
        "DATABASE_URL": settings.database.database_url,
        "REDIS_URL": settings.jobs.redis_url,
        "SECRET_KEY": settings.app.secret_key,
        "INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "SOCKETIO_CHANNEL": settings.jobs.socketio_channel,
        "RQ_QUEUE": settings.jobs.rq_queue,
    }

    def invoke(*args: str, **kwargs):
        return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False, **kwargs)

    return invoke


def test_import_processes_shows_progress_and_a_summary(run, rt, tmp_path):
    (tmp_path / "referents.csv").write_text(referents_csv(), encoding="utf-8")
    (tmp_path / "processes.csv").write_text(processes_csv(503), encoding="utf-8")
    assert "6 créés" in run("import-referents", str(tmp_path / "referents.csv")).output
    first = run("import-processes", str(tmp_path / "processes.csv"))
    assert first.exit_code == 0
    assert "Processus : 503 créés, 0 mis à jour, 0 inchangés, 0 désactivés." in first.output
    (tmp_path / "processes.csv").write_text(processes_csv(503, skip={0}), encoding="utf-8")
    second = run("import-processes", str(tmp_path / "processes.csv"))
    assert "Processus : 0 créés, 0 mis à jour, 502 inchangés, 1 désactivés." in second.output
    with rt.new_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Process)) == 503


def test_an_invalid_catalogue_is_refused_whole_with_line_numbers(run, rt, tmp_path):
    (tmp_path / "referents.csv").write_text(referents_csv(), encoding="utf-8")
    run("import-referents", str(tmp_path / "referents.csv"))
    broken = processes_csv(20).replace(",ville,", ",mairie,", 1)
    (tmp_path / "broken.csv").write_text(broken, encoding="utf-8")
    result = run("import-processes", str(tmp_path / "broken.csv"))
    assert result.exit_code == 1
    assert "Fichier refusé, rien n'a été importé" in result.output
    assert "ligne 2 : entité « mairie » inconnue" in result.output
    (tmp_path / "latin1.csv").write_bytes("code,title\né,è\n".encode("latin-1"))
    assert "doit être encodé en UTF-8" in run("import-processes", str(tmp_path / "latin1.csv")).output
    assert "No such file" in run("import-processes", str(tmp_path / "absent.csv")).output
    with rt.new_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Process)) == 0


def test_users_and_tokens(run, app):
    created = run("create-user", "Sophie", "--role", "ambassador", "--password", "un-long-mot-de-passe")
    assert created.exit_code == 0 and "Compte créé : sophie (ambassador)" in created.output
    duplicate = run("create-user", "sophie", "--role", "ambassador", "--password", "un-long-mot-de-passe")
    assert duplicate.exit_code == 1 and "existe déjà" in duplicate.output
    short = run("create-user", "nadia", "--role", "ambassador", "--password", "court")
    assert short.exit_code == 1 and "au moins 8 caractères" in short.output
    token = run("create-token", "sophie").output.strip()
    assert token.startswith("ec_")
    response = app.test_client().post(
        "/api/v1/contacts",
        json={"channel": "gusp", "subject": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert run("create-token", "personne").exit_code == 1


def test_seed_demo_is_idempotent_and_fills_every_channel(run, rt):
    first = run("seed-demo")
    assert first.exit_code == 0 and "sophie" in first.output and "demo-espace-citoyen" in first.output
    second = run("seed-demo")
    assert second.exit_code == 0
    # Both runs print the same logins, and the referent printed exists with the demo password.
    referent_line = [line for line in first.output.splitlines() if "referent" in line]
    assert referent_line and referent_line == [line for line in second.output.splitlines() if "referent" in line]
    printed = referent_line[0].split()[0]
    with rt.new_uow() as uow:
        referent = uow.session.scalar(select(StaffUser).where(StaffUser.username == printed))
        assert referent is not None and referent.role is Role.REFERENT
        assert authenticate(uow, printed, "demo-espace-citoyen") is not None
    from contact_centre.queue import service as queue

    with rt.new_uow() as uow:
        channels = {i["channel"] for i in queue.snapshot(uow.session)}
        processes = uow.session.scalar(select(func.count()).select_from(Process))
    assert channels == {"phone", "voicemail", "email", "mail", "counter", "web", "council", "gusp", "patrol"}
    assert processes >= 150
    with rt.new_uow() as uow:
        past_calls = uow.session.scalars(
            select(Contact).where(Contact.external_id.like("CAdemo%")).order_by(Contact.id)
        ).all()
        assert [(c.external_id, c.payload["outcome"]) for c in past_calls] == [
            ("CAdemo0001", "answered"), ("CAdemo0002", "abandoned"),
            ("CAdemo0002-rappel", "callback"), ("CAdemo0003", "answered"),
        ]  # fmt: skip
        assert all(c.citizen is not None for c in past_calls)


def test_worker_runs_queued_jobs_or_says_why_it_cannot(run, rt, backend):
    if not backend.uses_real_servers:
        result = run("worker", "--burst")
        assert result.exit_code == 1 and "REDIS_URL n'est pas défini" in result.output
        return
    from contact_centre.jobs.tasks import sweep_queue

    rt.jobs.enqueue(sweep_queue)
    assert len(rt.jobs.queue) == 1
    assert run("worker", "--burst").exit_code == 0
    assert len(rt.jobs.queue) == 0
