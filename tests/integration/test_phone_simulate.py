"""`contact-centre phone simulate` plays Twilio against a served app; a console watches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from contact_centre.cli import main
from contact_centre.domain.contacts import Contact
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login

TOKEN = "jeton-de-demonstration"


@pytest.fixture
def console(app, served):
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(twilio_auth_token=TOKEN)
    add_user(app, "sophie")
    client = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
    client.wait_for("queue:snapshot")
    yield client
    client.disconnect()


def simulate(url: str, *args: str, token: str = TOKEN):
    return CliRunner(env={"TWILIO_AUTH_TOKEN": token}).invoke(
        main, ["phone", "simulate", "--url", url, "--polls", "2", *args], catch_exceptions=False
    )


def test_a_simulated_call_in_hours_arrives_then_hangs_up(app, served, console):
    app.extensions["espace_citoyen"].clock = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    result = simulate(served.url, "--from", "+33612345678")
    assert result.exit_code == 0, result.output
    assert "<Enqueue> espace-citoyen" in result.output and "Vous êtes le prochain appel" in result.output
    added = console.wait_for("queue:added")
    assert added["channel"] == "phone" and "06 12 34 56 78" in added["summary"]
    missed = console.wait_for("queue:updated", lambda e: e["id"] == added["id"])
    assert missed["summary"].startswith("Appel manqué")


def test_a_simulated_call_on_a_holiday_leaves_a_voicemail(app, served, console):
    app.extensions["espace_citoyen"].clock = lambda: datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    result = simulate(served.url, "--outcome", "voicemail")
    assert result.exit_code == 0, result.output
    assert "Nous rouvrirons lundi 28 décembre à 9 heures" in result.output
    added = console.wait_for("queue:added")
    assert added["channel"] == "voicemail"
    with app.app_context():
        rt = app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            contact = uow.session.scalar(select(Contact).where(Contact.id == added["contact_id"]))
            assert contact.payload["recording_seconds"] == 12


def test_a_wrong_token_is_refused_and_said(app, served, console):
    result = simulate(served.url, token="pas-le-bon")
    assert result.exit_code == 1 and "/phone/voice a répondu 403" in result.output
    no_token = CliRunner(env={"TWILIO_AUTH_TOKEN": ""}).invoke(
        main, ["phone", "simulate", "--url", served.url]
    )
    assert no_token.exit_code == 1 and "TWILIO_AUTH_TOKEN doit être défini" in no_token.output
