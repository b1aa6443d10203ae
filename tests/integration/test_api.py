"""POST /api/v1/contacts and /healthz through Flask's test client, on both backends."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from contact_centre.app import create_app
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.queue import QueueItem
from contact_centre.plugins import load_settings
from tests.support.accounts import add_token, add_user


def _count(rt, model) -> int:
    with rt.new_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _post(client, token, body, **headers):
    return client.post("/api/v1/contacts", json=body, headers={"Authorization": f"Bearer {token}", **headers})


def test_contact_is_recorded_and_queued(app, rt):
    add_user(app, "robot")
    token = add_token(app, "robot")
    client = app.test_client()
    response = _post(
        client,
        token,
        {
            "channel": "email",
            "citizen": {"name": "Éloïse Lefranc", "phone": "03 26 69 38 38", "email": "E.Lefranc@Example.FR"},
            "subject": "Inscription cantine",
            "body": "Bonjour,\\nje souhaite inscrire ma fille.",
        },
    )
    assert response.status_code == 201, response.json
    ids = response.json
    with rt.new_uow() as uow:
        contact = uow.session.get(Contact, ids["contact_id"])
        item = uow.session.get(QueueItem, ids["queue_item_id"])
        assert contact.hints == {
            "name": "Éloïse Lefranc",
            "phone": "+33326693838",
            "email": "e.lefranc@example.fr",
        }
        assert item.contact_id == contact.id and item.channel.value == "email"
        assert item.summary.startswith("Éloïse Lefranc — Inscription cantine")


def test_each_channel_of_the_contract_is_accepted(app, rt):
    add_user(app, "robot")
    token = add_token(app, "robot")
    client = app.test_client()
    for channel in ("phone", "email", "mail", "counter", "web", "council", "gusp", "patrol"):
        assert _post(client, token, {"channel": channel, "subject": "x"}).status_code == 201
    assert _count(rt, QueueItem) == 8


def test_missing_or_bad_token_is_401_and_records_nothing(app, rt):
    client = app.test_client()
    body = {"channel": "web", "subject": "x"}
    missing = client.post("/api/v1/contacts", json=body)
    assert missing.status_code == 401
    assert missing.json["error"]["code"] == "unauthorized"
    assert "Jeton d'API manquant" in missing.json["error"]["message"]
    assert _post(client, "ec_forged", body).status_code == 401
    assert (
        client.post("/api/v1/contacts", json=body, headers={"Authorization": "Basic abc"}).status_code == 401
    )
    assert _count(rt, Contact) == 0


def test_bad_input_is_a_400_in_french_and_records_nothing(app, rt):
    add_user(app, "robot")
    token = add_token(app, "robot")
    client = app.test_client()
    cases = {
        "Canal inconnu : « fax »": {"channel": "fax", "subject": "x"},
        "Numéro de téléphone invalide : « 12 »": {"channel": "web", "citizen": {"phone": "12"}},
        "Adresse e-mail invalide": {"channel": "web", "citizen": {"email": "jean@"}},
        "Contact vide": {"channel": "web"},
        "doit être une chaîne": {"channel": "web", "subject": 42},
        "« citizen » doit être un objet": {"channel": "web", "citizen": "Jean"},
    }
    for message, body in cases.items():
        response = _post(client, token, body)
        assert response.status_code == 400, body
        assert message in response.json["error"]["message"], response.json
    not_json = client.post(
        "/api/v1/contacts", data="channel=web", headers={"Authorization": f"Bearer {token}"}
    )
    assert not_json.status_code == 400 and "Corps JSON attendu" in not_json.json["error"]["message"]
    assert _count(rt, Contact) == 0 and _count(rt, QueueItem) == 0


def test_a_retry_with_the_same_external_id_records_nothing_new(app, rt):
    add_user(app, "robot")
    token = add_token(app, "robot")
    client = app.test_client()
    body = {"channel": "web", "subject": "Formulaire", "external_id": "form-2026-42"}
    first = _post(client, token, body)
    second = _post(client, token, body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json == second.json
    assert _count(rt, Contact) == 1


def test_healthz_tells_strangers_only_whether_it_is_up(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    add_user(app, "nadia", Role.AMBASSADOR)
    token = add_token(app, "nadia")
    as_staff = app.test_client().get("/healthz", headers={"Authorization": f"Bearer {token}"})
    assert as_staff.json == {"status": "ok"}


def test_healthz_reports_database_and_jobs_to_an_admin(app, backend):
    add_user(app, "root", Role.ADMIN)
    token = add_token(app, "root")
    response = app.test_client().get("/healthz", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["database"] == {
        "backend": backend.database_url.split(":")[0].split("+")[0],
        "ok": True,
    }
    assert response.json["jobs"]["backend"] == ("rq" if backend.uses_real_servers else "in-process")
    assert response.json["jobs"]["ok"] is True


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path):
    settings = load_settings(
        {},
        instance_path=tmp_path,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        secret_key="x",
        attachments_dir=tmp_path / "a",
    )
    response = create_app(settings).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "degraded"}


def test_every_answer_carries_the_security_headers(app, tmp_path: Path):
    answer = app.test_client().get("/login")
    assert answer.headers["Permissions-Policy"].startswith("microphone=(self)")
    assert "payment=()" in answer.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in answer.headers  # not told it is behind HTTPS
    secure = load_settings(
        {"SESSION_COOKIE_SECURE": "true"}, instance_path=tmp_path, secret_key="x", attachments_dir=tmp_path / "a"
    )
    behind_https = create_app(secure).test_client().get("/login")
    assert behind_https.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
