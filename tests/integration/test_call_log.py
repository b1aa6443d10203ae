"""The call log page: every call of a day with its waits, talk time, outcome and message."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

from contact_centre.domain.enums import Role
from tests.integration.test_phone_callback import fake_twilio, phone_app  # noqa: F401 (fixtures)
from tests.integration.test_phone_webhooks import call, signed_post
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login


def cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_a_day_of_calls_answered_abandoned_and_voicemail(phone_app, served):  # noqa: F811
    rt = phone_app.extensions["espace_citoyen"]
    twilio = phone_app.test_client()
    add_user(phone_app, "sophie", full_name="Sophie Marchal")
    http = login(served.url, "sophie", PASSWORD)

    # 10:00 — a caller gives up after 37 s in the queue.
    signed_post(twilio, "/phone/voice", call("CA01", "+33611111111"))
    signed_post(twilio, "/phone/queue-result", call("CA01") | {"QueueResult": "hangup", "QueueTime": "37"})
    signed_post(twilio, "/phone/status", call("CA01") | {"CallStatus": "completed", "CallDuration": "45"})

    # 10:05 — Sophie answers a caller who waited 72 s, and talks for 3 minutes.
    rt.clock = lambda: datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
    signed_post(twilio, "/phone/voice", call("CA02", "+33622222222"))
    console = ConsoleClient().connect(served.url, http)
    item = console.wait_for("queue:snapshot")["items"][-1]
    assert console.call("queue:claim", {"item_id": item["id"]})["ok"]
    console.disconnect()
    assert http.post(f"{served.url}/console/api/phone/items/{item['id']}/answer", json={}).status_code == 200
    signed_post(
        twilio, "/phone/queue-result", call("CA02") | {"QueueResult": "redirected", "QueueTime": "72"}
    )
    signed_post(twilio, "/phone/status", call("CA02") | {"CallStatus": "completed", "CallDuration": "260"})

    # 18:00 — closed: a voicemail of 17 s.
    rt.clock = lambda: datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    signed_post(twilio, "/phone/voice", call("CA03", "+33633333333"))
    signed_post(twilio, "/phone/recording", {"CallSid": "CA03", "RecordingSid": "RE03", "RecordingStatus": "completed",
                "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE03",
                "RecordingDuration": "17"})  # fmt: skip

    page = http.get(f"{served.url}/console/appels/", params={"jour": "2026-12-01"})
    assert page.status_code == 200
    rows = cells(page.text)
    assert [(r[0], r[2], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("18:00:00", "06 33 33 33 33", "—", "—", "Message vocal", "—"),
        ("10:05:00", "06 22 22 22 22", "1 min 12 s", "3 min 08 s", "Répondu", "Sophie Marchal"),
        ("10:00:00", "06 11 11 11 11", "37 s", "—", "Abandonné", "—"),
    ]
    assert "Écouter" in rows[0][9] and "/console/api/phone/items/" in page.text
    assert re.search(r'id="calls-total">3<', page.text) and re.search(r'id="calls-abandoned">1<', page.text)

    # Another day has its own (empty) page; a malformed day shows today instead of failing.
    assert "Aucun appel ce jour-là." in http.get(f"{served.url}/console/appels/?jour=2026-11-30").text
    assert http.get(f"{served.url}/console/appels/?jour=demain").status_code == 200


def test_the_call_log_is_for_console_staff_only(app, served):
    add_user(app, "referent", Role.REFERENT)
    http = login(served.url, "referent", PASSWORD)
    assert http.get(f"{served.url}/console/appels/", allow_redirects=False).status_code == 403
