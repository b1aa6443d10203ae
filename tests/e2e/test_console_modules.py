"""The console's ES modules in Chromium: every one loads, none logs an error, none leaves a global behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contact_centre.plugins import channel_plugins
from tests.support.accounts import PASSWORD, add_user

pytestmark = pytest.mark.e2e
MODULES = Path(__file__).resolve().parents[2] / "contact_centre" / "static" / "js" / "console"


def test_the_console_loads_its_modules_without_errors(app, served, page):
    add_user(app, "sophie", full_name="Sophie Marchal")
    messages: list[
        str
    ] = []  # errors and warnings (page.errors, from conftest, has the errors and pageerrors)
    loaded: dict[str, int] = {}  # module path under static/js/console/ -> HTTP status

    def on_response(response) -> None:
        if "/static/js/console/" in response.url:
            loaded[response.url.split("/static/js/console/", 1)[1].split("?")[0]] = response.status

    page.on(
        "console", lambda msg: msg.type in ("error", "warning") and messages.append(f"{msg.type}: {msg.text}")
    )
    page.on("requestfailed", lambda request: messages.append(f"failed: {request.url}"))
    page.on("response", on_response)

    page.goto(f"{served.url}/login")
    window_before = set(page.evaluate("Object.keys(window)"))
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.locator("#connection-state[data-state='connected']").wait_for()
    page.locator("#queue-empty", has_text="La file est vide.").wait_for()  # the queue's snapshot arrived
    page.locator("#agents .agent.is-me").wait_for()

    expected = {str(p.relative_to(MODULES)) for p in MODULES.rglob("*.js")} | {
        f"channels/{plugin.name}/{name}" for plugin in channel_plugins() for name in plugin.console_scripts
    }
    assert set(loaded) == expected  # main.js imports every module, the page every channel's
    assert set(loaded.values()) == {200}
    assert page.errors == [] and messages == []  # type: ignore[attr-defined]
    # Modules define no globals; only the vendored Socket.IO client does (`io`).
    assert set(page.evaluate("Object.keys(window)")) - window_before == {"io"}
    # The strings came from the catalogue, in the page's language.
    assert page.locator("#queue-count").inner_text() == "(0 élément)"
    assert page.locator("#agents .agent.is-me .agent__me").inner_text().strip() == "(vous)"
