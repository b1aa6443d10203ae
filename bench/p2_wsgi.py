"""gunicorn entry point for P2: the production app and a bare endpoint, served by the same process.

    gunicorn -w 1 --threads 100 -b 127.0.0.1:PORT --pythonpath bench p2_wsgi:app

`app` is `contact_centre.wsgi:app` itself — create_app() from the environment, sweeper started, the
object the README's production section serves — with two bench-only routes added:

  POST /bench/bare   does nothing: returns a fixed TwiML body of the size of /phone/voice's in-hours
                     answer. Same gunicorn worker, same Flask app and hooks (Socket.IO middleware,
                     CSRF exemption check, security headers, session teardown); no form parsing, no
                     signature check, no database.
  GET  /bench/clock  the app's notion of "now" (local time, open or closed), for the bench report.

BENCH_P2_CLOCK=open (the bench's default) makes the app see business hours whatever the real time:
the app's clock (`Runtime.clock`, the seam the tests use for a fixed instant) is shifted by a constant
so that it reads one hour after the next opening (no shift if the service is open now and stays open
for at least an hour). Time still flows, so every call gets its own received_at. BENCH_P2_CLOCK=real
leaves the clock alone (outside opening hours /phone/voice then records voicemail items instead).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Response, jsonify

from contact_centre.channels.phone import twiml
from contact_centre.domain.base import utcnow
from contact_centre.runtime import Runtime
from contact_centre.wsgi import app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import in_hours_offset

_rt: Runtime = app.extensions["espace_citoyen"]
OFFSET = in_hours_offset(_rt.base_calendar, utcnow()) * (os.environ.get("BENCH_P2_CLOCK", "open") == "open")
if OFFSET:
    _rt.clock = lambda: utcnow() + OFFSET

_BARE_BODY = str(
    twiml.greeting_then_queue(
        _rt.settings, wait_url="http://127.0.0.1/phone/wait", result_url="http://127.0.0.1/phone/queue-result"
    )
)


def bench_bare() -> Response:
    return Response(_BARE_BODY, mimetype="text/xml")


def bench_clock() -> Response:
    now = _rt.clock()
    local = now.astimezone(_rt.base_calendar.zone)
    return jsonify(
        now=now.isoformat(),
        local=local.strftime("%A %Y-%m-%d %H:%M:%S %Z"),
        open=_rt.base_calendar.is_open(now),
        offset_seconds=OFFSET.total_seconds(),
    )


app.add_url_rule("/bench/bare", "bench_bare", bench_bare, methods=["POST"])
app.add_url_rule("/bench/clock", "bench_clock", bench_clock, methods=["GET"])
app.extensions["csrf"].exempt(bench_bare)  # like the phone blueprint: machine clients, no session
