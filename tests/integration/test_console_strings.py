"""The console's string catalogue over HTTP: served to console staff, embedded in their page, refused to others."""

from __future__ import annotations

import json
import re

import requests

from contact_centre.console.strings import STRINGS as CORE_STRINGS
from contact_centre.domain.enums import Role
from contact_centre.plugins import channel_plugins
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import login

# The console's own strings and every channel plug-in's.
STRINGS = {**CORE_STRINGS, **{k: v for p in channel_plugins() for k, v in p.console_strings.items()}}


def test_the_catalogue_is_served_to_an_ambassador_and_embedded_in_the_console(app, served):
    add_user(app, "sophie")
    http = login(served.url, "sophie", PASSWORD)

    response = http.get(f"{served.url}/console/strings.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "private" in response.headers["Cache-Control"]
    served_strings = response.json()
    assert set(served_strings) == set(STRINGS)
    assert served_strings["queue.claim"] == "Prendre"
    assert served_strings["queue.claimed_by"] == "Pris par {name}"

    page = http.get(f"{served.url}/console/", timeout=10).text
    embedded = re.search(r'<script type="application/json" id="console-strings">(.*?)</script>', page, re.S)
    assert embedded and json.loads(embedded.group(1)) == served_strings
    # The template reads the same catalogue, placeholders filled on the server.
    assert f">{served_strings['queue.heading']} <" in page


def test_the_catalogue_is_refused_to_anonymous_users_and_to_staff_without_the_console(app, served):
    anonymous = requests.get(f"{served.url}/console/strings.json", timeout=10, allow_redirects=False)
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]

    add_user(app, "patrouilleur", role=Role.PATROLLER)
    patroller = login(served.url, "patrouilleur", PASSWORD, console=False)
    assert patroller.get(f"{served.url}/console/strings.json", timeout=10).status_code == 403
