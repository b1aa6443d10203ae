"""Accessibility checks with axe-core, served from the app's own vendored copy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin


def serious_violations(page: Any) -> list[dict[str, Any]]:
    # Loaded by URL from the app: the page's CSP (script-src 'self') forbids an injected inline copy.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe.min.js"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
