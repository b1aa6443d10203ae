"""`contact-centre phone …`: the phone channel's commands."""

from __future__ import annotations

import click

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.channels.phone.simulate import OUTCOMES
from contact_centre.web.commands import current_settings, fail


@click.group("phone", help="Canal téléphonique (Twilio).")
def group() -> None:
    pass


@group.command("simulate", help="Joue le rôle de Twilio contre une application en marche (requêtes signées).")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Adresse de l'application.")
@click.option("--from", "caller", default="+33612345678", show_default=True, help="Numéro de l'appelant.")
@click.option("--outcome", type=click.Choice(OUTCOMES), default="hangup", show_default=True)
@click.option("--polls", default=3, show_default=True, help="Annonces d'attente avant l'issue.")
def simulate_cmd(url: str, caller: str, outcome: str, polls: int) -> None:
    from contact_centre.channels.phone.simulate import SimulationError, simulate_call

    token = current_settings().section(PhoneSettings).twilio_auth_token
    if not token:
        fail(
            "TWILIO_AUTH_TOKEN doit être défini, le même que celui de l'application (toute valeur en démonstration)."
        )
    try:
        simulate_call(url, token, caller, outcome=outcome, polls=polls, echo=click.echo)
    except SimulationError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"Application injoignable à {url} : {exc}")
