#!/usr/bin/env python
"""P2 — Twilio's incoming-call webhook, POST /phone/voice, at 50 calls/s on the production server.

The server is started as the README's production section says — `gunicorn -w 1 --threads 100` — on
`p2_wsgi:app`, which is `contact_centre.wsgi:app` plus a bare endpoint (POST /bench/bare, a fixed
TwiML answer) served by the same worker: the baseline, measured in the same run.

Data: 100,000 citizens with phones. On PostgreSQL (+ Redis, the production setup) through
generate_data (333,334 requests, 1 M past contacts and queue items, 100,000 citizens, ~110,000
phones, some landlines shared by a household); on SQLite (embedded defaults, a second row) the same
citizens and phones only, written with the app's own search keys.

Each call is a distinct CallSid and a realistic Twilio form (caller, called, geo fields) signed with
twilio's RequestValidator.compute_signature for the exact URL the app sees; From is a citizen's
number (85 %; among the numbers the app accepts) or a number nobody has (15 %). The app's clock reads business hours (see p2_wsgi).

  open loop    call i leaves at t0 + i/rate whatever happened to the others (a pool of 100 sender
               threads); latency = response received − scheduled send time, so a stalled server
               cannot hide its queue (no coordinated omission). Baseline first, then the app.
  retries      then 50 of those calls are posted again at 5/s, as a retried webhook (same CallSid):
               the same TwiML, nothing new recorded (the app's idempotency check, on 1 M queue items).
  closed loop  N clients (2 processes × 8 threads, persistent connections) post back-to-back for a
               fixed time: the maximum throughput of each endpoint, and its ratio.
  checked      after the run: one contact and one queue item per call answered, channel `phone`,
               every TwiML answer an <Enqueue>, and exactly the calls whose number belongs to one
               citizen linked to that citizen (shared landlines and unknown numbers: none).
  profile      the same webhook in-process (Flask test client) under cProfile, with the SQL it
               issues: $BENCH_OUT/p2-profile-<config>.txt.

    python bench/p2_phone_voice.py                         # pg-redis then sqlite, 50/s for 30 s
    python bench/p2_phone_voice.py --configs pg-redis --rate 50 --duration 30 --keep
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import random
import select
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    OUT,
    REDIS_URL,
    AppProcess,
    app_env,
    cli,
    flush_redis,
    free_port,
    in_hours_offset,
    machine,
    ms,
    psycopg_url,
    sqlalchemy_url,
    summary,
)

BENCH = Path(__file__).resolve().parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DATABASE = "bench_p2"
AUTH_TOKEN = "bench-p2-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "b" * 32
NUMBER = "+33326693838"
TARGET_P99 = 0.100
TARGET_RATIO = 0.40
KNOWN_SHARE = 0.85


# ---------------------------------------------------------------- data
def prepare(config: str, citizens: int, keep: bool) -> dict[str, str]:
    """The deployment's database with `citizens` citizens; returns its environment."""
    workdir = OUT / f"p2-{config}"
    instance = workdir / "instance"
    started = time.perf_counter()
    if config == "pg-redis":
        import psycopg
        from generate_data import CITIZENS_PER_REQUEST, grow, setup

        flush_redis()
        shutil.rmtree(workdir, ignore_errors=True)
        url = sqlalchemy_url(DATABASE)
        fresh = not keep
        if keep:
            try:
                with psycopg.connect(psycopg_url(url)) as conn:
                    have = conn.execute("SELECT count(*) FROM citizens").fetchone()[0]  # type: ignore[index]
                fresh = have != citizens
            except psycopg.Error:
                fresh = True
        if fresh:
            url = setup(DATABASE, fresh=True)
            grow(url, math.ceil(citizens / CITIZENS_PER_REQUEST))
        env = app_env(instance, url, REDIS_URL, channel=f"bench-p2-{os.getpid()}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
        env = app_env(instance)
        cli(env, "init-db")
        load_citizens_sqlite(instance / "espace-citoyen.sqlite3", citizens)
    print(f"  {config}: data ready in {time.perf_counter() - started:.0f} s", flush=True)
    env.update(TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_NUMBER=NUMBER,
               BENCH_P2_CLOCK="open")  # fmt: skip
    return env


def load_citizens_sqlite(path: Path, count: int) -> None:
    """The citizens and phones generate_data writes to PostgreSQL (same generator), into SQLite."""
    import sqlite3

    from generate_data import citizen_rows

    citizens, phones = [], []
    for row, ph, _emails in citizen_rows(1, count):
        citizens.append((*row, "2020-01-01 00:00:00.000000"))
        phones += [(row[0], p, "mobile" if p.startswith("+336") else "domicile") for p in ph]
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO citizens (id, civility, first_name, last_name, first_name_key, last_name_key, "
                "address_line, postcode, city, preferred_contact, accepts_sms, notes, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                citizens,
            )
            conn.executemany("INSERT INTO citizen_phones (citizen_id, e164, label) VALUES (?, ?, ?)", phones)
        conn.execute("ANALYZE")
    finally:
        conn.close()


def phone_book(env: dict[str, str]) -> dict[str, int]:
    """Every phone number in the data → how many citizens have it; 0 for the ~6 % the generator made
    in overseas mobile ranges (+33 6 39, +33 6 90–94: those have their own country codes), which the
    app's phone check refuses and Twilio never sends, so no call uses them."""
    from sqlalchemy import create_engine, text

    from contact_centre.domain.contact_details import InvalidContactDetail, normalise_phone
    from contact_centre.plugins import load_settings

    engine = create_engine(load_settings(env).resolved().database.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT e164, count(DISTINCT citizen_id) FROM citizen_phones GROUP BY e164")
            )
            book = {str(e164): int(n) for e164, n in rows}
    finally:
        engine.dispose()
    for number in book:
        try:
            normalise_phone(number)
        except InvalidContactDetail:
            book[number] = 0
    return book


Call = tuple[str, bytes, str]  # CallSid, urlencoded form, X-Twilio-Signature


class Calls:
    """Signed Twilio forms for distinct calls; From drawn from the phone book or nobody's number."""

    def __init__(self, base_url: str, book: dict[str, int], seed: int) -> None:
        self.url = base_url + "/phone/voice"
        self.validator = RequestValidator(AUTH_TOKEN)
        self.rng = random.Random(seed)
        self.known = sorted(n for n, owners in book.items() if owners)
        self.book = book
        self.run = f"{seed & 0xFFFFFFFF:08x}"
        self.callers: dict[str, str] = {}  # CallSid → From, for every call made
        self.phases: dict[int, list[Call]] = {}

    def _caller(self) -> str:
        if self.rng.random() < KNOWN_SHARE:
            return self.rng.choice(self.known)
        while True:  # mobiles in 07: generate_data only gives 06 and 03 26 numbers
            number = f"+337{self.rng.randrange(10**8):08d}"
            if number not in self.book:
                return number

    def make(self, phase: int, count: int) -> list[Call]:
        calls = []
        for i in range(count):
            caller = self._caller()
            sid = f"CA{self.run}{phase:04x}{i:020x}"  # 34 characters, as Twilio's
            form = {
                "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": sid, "CallStatus": "ringing",
                "CallToken": "", "Called": NUMBER, "CalledCity": "", "CalledCountry": "FR", "CalledState": "",
                "CalledZip": "", "Caller": caller, "CallerCity": "", "CallerCountry": "FR", "CallerState": "",
                "CallerZip": "", "Direction": "inbound", "From": caller, "FromCity": "", "FromCountry": "FR",
                "FromState": "", "FromZip": "", "StirVerstat": "TN-Validation-Passed-A", "To": NUMBER,
                "ToCity": "", "ToCountry": "FR", "ToState": "", "ToZip": "",
            }  # fmt: skip
            calls.append(
                (sid, urllib.parse.urlencode(form).encode(), self.validator.compute_signature(self.url, form))
            )
            self.callers[sid] = caller
        self.phases[phase] = calls
        return calls

    def phase_calls(self, phase: int) -> list[Call]:
        return self.phases[phase]


# ---------------------------------------------------------------- the HTTP client
class Client:
    """One persistent HTTP/1.1 connection (http.client: far less client CPU than requests)."""

    def __init__(self, base: str) -> None:
        split = urllib.parse.urlsplit(base)
        self.host, self.port = split.hostname or "", split.port or 80
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def post(self, path: str, call: Call) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": call[2],
                   "User-Agent": "TwilioProxy/1.1", "Accept": "*/*"}  # fmt: skip
        if (
            self.conn is not None
            and self.conn.sock is not None
            and select.select([self.conn.sock], [], [], 0)[0]
        ):
            # The server closed this idle keep-alive connection (gunicorn: after 2 s): a new one.
            self.conn.close()
            self.conn = None
            self.reconnects += 1
        reused = self.conn is not None
        while True:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request("POST", path, call[1], headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if not reused:
                    raise
                reused = False  # closed between the check and the send: once more, on a new connection
                self.reconnects += 1
                continue
            if response.will_close:
                self.conn.close()
                self.conn = None
            return response.status, data


def problem(status: int, data: bytes) -> str:
    """'' if the answer is what Twilio should get in business hours, else a short description."""
    if status != 200:
        return f"HTTP {status} {data[:60]!r}"
    if b"<Enqueue" not in data:
        return f"no <Enqueue>: {data[:60]!r}"
    return ""


def post(client: Client, path: str, call: Call) -> str:
    try:
        return problem(*client.post(path, call))
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__


def open_loop(base: str, path: str, calls: list[Call], rate: float) -> dict:
    """Call i leaves at t0 + i/rate from a pool of 100 threads; latency from the scheduled instant."""
    results: list[tuple[float, float, float, str] | None] = [None] * len(calls)
    local = threading.local()
    clients: list[Client] = []

    def send(i: int, scheduled: float) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client(base)
            clients.append(client)
        sent = time.perf_counter()
        trouble = post(client, path, calls[i])
        results[i] = (scheduled, sent, time.perf_counter(), trouble)

    t0 = time.perf_counter() + 0.2
    with ThreadPoolExecutor(max_workers=100) as pool:
        for i in range(len(calls)):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, i, scheduled)
    done = [(i, r) for i, r in enumerate(results) if r is not None]
    ok = [(i, r) for i, r in done if not r[3]]
    troubles = [r[3] for _i, r in done if r[3]]
    end = max((r[2] for _i, r in done), default=t0)
    return {
        **summary([r[2] - r[0] for _i, r in ok]),
        "service": summary([r[2] - r[1] for _i, r in ok]),  # from the actual send: what the server took
        "rate": rate,
        "sent": len(calls),
        "ok": len(ok),
        "errors": len(calls) - len(ok),
        "error_sample": troubles[:3],
        "achieved_per_s": len(ok) / (end - t0) if end > t0 else 0.0,
        "max_send_lag": max((r[1] - r[0] for _i, r in done), default=0.0),
        "reconnects": sum(c.reconnects for c in clients),
        "ok_sids": [calls[i][0] for i, _r in ok],
    }


def _closed_worker(args: tuple) -> dict:
    """One client process of the closed loop: `threads` clients back-to-back until `end` (monotonic)."""
    base, path, calls, repeat, threads, start, end = args
    lock = threading.Lock()
    source = itertools.cycle(calls) if repeat else iter(calls)
    out: dict = {"count": 0, "late": 0, "latencies": [], "errors": [], "ok_sids": [], "exhausted": False}

    def loop() -> None:
        client = Client(base)
        while time.monotonic() < start:
            time.sleep(0.001)
        while time.monotonic() < end:
            with lock:
                call = next(source, None)
            if call is None:
                out["exhausted"] = True
                return
            t = time.monotonic()
            trouble = post(client, path, call)
            done = time.monotonic()
            with lock:
                if trouble:
                    out["errors"].append(trouble)
                else:
                    out["ok_sids"].append(call[0])
                if done > end:  # finished after the window: recorded by the server, not counted here
                    out["late"] += 1
                else:
                    out["count"] += 1
                    out["latencies"].append(done - t)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    cpu = time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out["cpu"] = time.process_time() - cpu
    return out


def closed_loop(pool: ProcessPoolExecutor, base: str, path: str, calls: list[Call], *, repeat: bool,
                procs: int, threads: int, duration: float, meter: CpuMeter | None = None) -> dict:  # fmt: skip
    """`procs` × `threads` clients back-to-back for `duration` s; CPU metered over that window."""
    start = time.monotonic() + 1.0
    end = start + duration
    jobs = [(base, path, calls[k::procs], repeat, threads, start, end) for k in range(procs)]
    futures = [pool.submit(_closed_worker, job) for job in jobs]
    cpu: dict = {}
    if meter is not None:
        time.sleep(max(0.0, start - time.monotonic()))
        meter.start()
        time.sleep(max(0.0, end - time.monotonic()))
        cpu = meter.stop()
    parts = [f.result() for f in futures]
    errors = [e for p in parts for e in p["errors"]]
    completed = sum(p["count"] for p in parts)
    return {
        **summary([x for p in parts for x in p["latencies"]]),
        "clients": procs * threads,
        "duration": duration,
        "completed": completed,
        "sent": completed + sum(p["late"] for p in parts),
        "throughput": completed / duration,
        "errors": len(errors),
        "error_sample": errors[:3],
        "exhausted": any(p["exhausted"] for p in parts),
        "client_cores": sum(p["cpu"] for p in parts) / duration,  # CPU the load generator itself used
        "ok_sids": [s for p in parts for s in p["ok_sids"]],
        **(CpuMeter.per_request(cpu, completed) if cpu else {}),
    }


# ---------------------------------------------------------------- CPU accounting (/proc)
TICK = os.sysconf("SC_CLK_TCK")


def _snapshot() -> dict[int, tuple[str, int, float]]:
    """pid → (name, parent pid, user + system CPU seconds so far) for every process; a PostgreSQL
    backend is named by its title ("postgres: … bench_p2 … idle")."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        title = cmdline.split(b"\0")[0].decode(errors="replace") if cmdline.startswith(b"postgres: ") else ""
        comm = title or stat[stat.index("(") + 1 : stat.rindex(")")]
        out[int(name)] = (comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return out


def _machine() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / TICK, f[7] / TICK  # busy = all but idle and iowait


def _tree(stats: dict[int, tuple[str, int, float]], root: int) -> set[int]:
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, s in stats.items() if s[1] in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


class CpuMeter:
    """Where the machine's CPU went between two readings: the gunicorn master and worker, the
    PostgreSQL backends of the bench database, the bench itself (load generator), everything else.
    Per process, so one that appears counts from zero; processes that come and go in between (the
    parallel workers PostgreSQL starts for a query, for instance) are only in `machine`."""

    def __init__(self, server: AppProcess, database: str) -> None:
        assert server.proc is not None
        self.root, self.database = server.proc.pid, database
        self.start()

    def start(self) -> None:
        self.mark = (_snapshot(), _machine(), time.monotonic())

    def stop(self) -> dict:
        """Cores used since start(), by whom; `per_request` turns them into ms per request."""
        stats, machine, now = _snapshot(), _machine(), time.monotonic()
        before, machine_before, then = self.mark
        seconds = now - then
        delta = {pid: s[2] - before[pid][2] if pid in before else s[2] for pid, s in stats.items()}
        server = _tree(stats, self.root)
        bench = _tree(stats, os.getpid()) - server
        backends = {pid for pid, s in stats.items() if self.database and f" {self.database} " in s[0]}
        others = {pid: d for pid, d in delta.items() if pid not in server | bench | backends and d > 0}
        top = sorted(others, key=others.__getitem__, reverse=True)[:3]
        return {
            "cpu_seconds": seconds,
            "server_cores": sum(delta[p] for p in server) / seconds,
            "postgres_cores": sum(delta[p] for p in backends) / seconds,
            "bench_cores": sum(delta[p] for p in bench) / seconds,
            "other_cores": sum(others.values()) / seconds,
            "other_top": [f"{stats[p][0][:60]} {others[p] / seconds:.2f}" for p in top],
            "machine_cores": (machine[0] - machine_before[0]) / seconds,
            "steal_cores": (machine[1] - machine_before[1]) / seconds,
        }

    @staticmethod
    def per_request(cpu: dict, requests: int) -> dict:
        n = max(1, requests)
        return cpu | {"server_cpu_ms": cpu["server_cores"] * cpu["cpu_seconds"] * 1000 / n,
                      "postgres_cpu_ms": cpu["postgres_cores"] * cpu["cpu_seconds"] * 1000 / n}  # fmt: skip


# ---------------------------------------------------------------- verification
def verify(env: dict[str, str], calls: Calls, sent: int, answered: list[str]) -> dict:
    """One contact and one queue item per call answered; each linked to the citizen who alone has
    the caller's number, and to nobody for a shared or unknown number."""
    from sqlalchemy import create_engine, text

    from contact_centre.plugins import load_settings

    engine = create_engine(load_settings(env).resolved().database.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("""SELECT c.external_id, c.channel, c.citizen_id, q.id, q.citizen_id, q.status
                        FROM contacts c LEFT JOIN queue_items q ON q.contact_id = c.id
                        WHERE c.external_id LIKE :prefix"""),
                {"prefix": f"CA{calls.run}%"},
            ).all()
            owners: dict[str, int] = {str(e164): int(cid) for e164, cid in conn.execute(text(
                "SELECT e164, min(citizen_id) FROM citizen_phones GROUP BY e164 HAVING count(DISTINCT citizen_id) = 1"
            ))}  # fmt: skip
    finally:
        engine.dispose()
    answered_set = set(answered)
    recorded = {r[0] for r in rows}
    expected_matched = sum(1 for sid in answered_set if calls.callers[sid] in owners)
    wrong = [r[0] for r in rows if r[2] != owners.get(calls.callers.get(r[0], ""))]
    checks = {
        "sent": sent,
        "answered": len(answered_set),
        "contacts": len(rows),
        "queue_items": sum(1 for r in rows if r[3] is not None),
        "phone_channel": sum(1 for r in rows if r[1] == "phone"),
        "waiting": sum(1 for r in rows if r[5] == "waiting"),
        "matched": sum(1 for r in rows if r[2] is not None),
        "expected_matched": expected_matched,
        "unknown_callers": sum(1 for sid in answered_set if calls.callers[sid] not in calls.book),
        "shared_number_callers": sum(1 for sid in answered_set if calls.book.get(calls.callers[sid], 0) > 1),
        "wrongly_linked": len(wrong),
        "item_citizen_differs": sum(1 for r in rows if r[4] != r[2]),
        "answered_not_recorded": len(answered_set - recorded),
    }
    checks["ok"] = (
        checks["contacts"] == checks["queue_items"] == checks["phone_channel"] == checks["waiting"]
        == len(answered_set) == len(recorded) == sent
        and not checks["answered_not_recorded"] and not wrong and not checks["item_citizen_differs"]
        and checks["matched"] == expected_matched
    )  # fmt: skip
    return checks


# ---------------------------------------------------------------- profile (in-process)
BREAKDOWN = [  # (label, file suffix, function): cumulative time of each, as a share of the request
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("  signature check (RequestValidator.validate)", "twilio/request_validator.py", "validate"),
    ("  business calendar (closure days query)", "contact_centre/runtime.py", "calendar"),
    ("  form → InboundContact (phone parsing)", "phone/calls.py", "incoming_call"),
    ("  record_inbound_contact", "services/intake.py", "record_inbound_contact"),
    ("    retry check (_existing)", "services/intake.py", "_existing"),
    ("    caller lookup (_match_citizen)", "services/intake.py", "_match_citizen"),
    ("    queue.add_item (item, flush, audit, event)", "queue/service.py", "add_item"),
    ("    audit events (record_event, both)", "domain/audit.py", "record_event"),
    ("  UnitOfWork.commit (COMMIT + publish)", "domain/unit_of_work.py", "commit"),
    ("    publish queue:added (Socket.IO emit)", "infrastructure/publishing.py", "publish"),
    ("  TwiML answer (greeting_then_queue)", "phone/twiml.py", "greeting_then_queue"),
    ("all SQLAlchemy flushes", "sqlalchemy/orm/session.py", "flush"),
    ("all statements (Connection.execute)", "sqlalchemy/engine/base.py", "_execute_context"),
]


def breakdown(stats: object, calls: int) -> list[tuple[str, float, float]]:
    """(label, ms per call under the profiler, share of the whole request) for BREAKDOWN."""
    table: dict = stats.stats  # type: ignore[attr-defined]
    found = {}
    for label, suffix, name in BREAKDOWN:
        cumulative = sum(v[3] for (f, _line, fn), v in table.items() if fn == name and f.endswith(suffix))
        found[label] = cumulative
    whole = found[BREAKDOWN[0][0]] or 1.0
    return [(label, t * 1000 / calls, t / whole) for label, t in found.items()]


def profile(env: dict[str, str], book: dict[str, int], count: int, config: str, seed: int) -> dict:
    """The same webhook through the Flask test client (no HTTP server), with the SQL of one call and a
    cProfile of `count` calls; written to $BENCH_OUT/p2-profile-<config>.txt."""
    import cProfile
    import io
    import pstats

    from sqlalchemy import event

    from contact_centre.app import create_app
    from contact_centre.domain.base import utcnow
    from contact_centre.plugins import load_settings

    app = create_app(load_settings(env))
    rt = app.extensions["espace_citoyen"]
    offset = in_hours_offset(rt.base_calendar, utcnow())
    rt.clock = lambda: utcnow() + offset
    calls = Calls("http://localhost", book, seed)
    client = app.test_client()
    sql: list[tuple[str, float]] = []
    started: list[float] = []

    def before(*_args: object) -> None:
        started.append(time.perf_counter())

    def after(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sql.append((" ".join(statement.split())[:150], time.perf_counter() - started.pop()))

    def call(c: Call) -> None:
        r = client.post("/phone/voice", data=c[1], headers={"X-Twilio-Signature": c[2]},
                        content_type="application/x-www-form-urlencoded")  # fmt: skip
        assert not problem(r.status_code, r.data), problem(r.status_code, r.data)

    try:
        for c in calls.make(1, 50):  # warm-up
            call(c)
        known = next(c for c in calls.make(2, 50) if book.get(calls.callers[c[0]]) == 1)
        event.listen(rt.database.engine, "before_cursor_execute", before)
        event.listen(rt.database.engine, "after_cursor_execute", after)
        call(known)  # one call from a citizen's own number: its SQL
        event.remove(rt.database.engine, "before_cursor_execute", before)
        event.remove(rt.database.engine, "after_cursor_execute", after)
        batch = calls.make(3, count)
        wall, cpu = time.perf_counter(), time.process_time()
        for c in batch:
            call(c)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        profiler = cProfile.Profile()
        batch = calls.make(4, count)
        profiler.enable()
        for c in batch:
            call(c)
        profiler.disable()
    finally:
        rt.database.dispose()
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    shares = breakdown(stats, count)
    result: dict = {"calls": count, "wall_ms": wall * 1000 / count, "cpu_ms": cpu * 1000 / count,
                    "sql_statements": len(sql), "sql_ms": sum(t for _s, t in sql) * 1000}  # fmt: skip
    out = OUT / f"p2-profile-{config}.txt"
    out.write_text(
        f"P2 profile, {config}: POST /phone/voice through the Flask test client, in-process\n"
        f"{json.dumps(result, indent=2)}\n\nSQL of one call from a citizen's own number:\n"
        + "\n".join(f"  {t * 1000:6.2f} ms  {s}" for s, t in sql)
        + "\n\nWhere a call's time goes (cProfile, cumulative; the profiler inflates Python-heavy parts):\n"
        + "\n".join(f"  {label:50} {t:6.2f} ms  {share:4.0%}" for label, t, share in shares)
        + "\n\n"
        + report.getvalue()
    )
    result["file"] = str(out)
    result["breakdown"] = shares
    return result


# ---------------------------------------------------------------- one configuration
def cpu_note(res: dict) -> str:
    others = f" [{', '.join(res['other_top'])}]" if res["other_cores"] >= 0.1 else ""
    return (f"CPU in cores: server {res['server_cores']:.2f} ({res['server_cpu_ms']:.2f} ms/req), "
            f"PostgreSQL backends {res['postgres_cores']:.2f}, load generator {res['bench_cores']:.2f}, "
            f"other processes {res['other_cores']:.2f}{others}, machine busy {res['machine_cores']:.2f} "
            f"(steal {res['steal_cores']:.2f})")  # fmt: skip


def run_config(config: str, args: argparse.Namespace, seed: int) -> dict:
    env = prepare(config, args.citizens, args.keep)
    book = phone_book(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["PUBLIC_BASE_URL"] = base
    calls = Calls(base, book, seed)
    # The README's production command, on p2_wsgi:app (the production app + the bare endpoint).
    cmd = [GUNICORN, "-w", "1", "--threads", "100", "-b", f"127.0.0.1:{port}", "--pythonpath", str(BENCH),
           "p2_wsgi:app"]  # fmt: skip
    server = AppProcess(cmd, env, port, OUT / f"p2-{config}" / "gunicorn.log")
    n_open = int(args.rate * args.duration)
    answered: list[str] = []
    sent = 0
    result: dict = {"config": config, "citizens": args.citizens, "phones": len(book),
                    "shared_numbers": sum(1 for v in book.values() if v > 1),
                    "refused_numbers": sum(1 for v in book.values() if not v)}  # fmt: skip
    try:
        server.start(ready_path="/healthz", timeout=60)
        result["clock"] = json.loads(urllib.request.urlopen(base + "/bench/clock", timeout=5).read())
        print(f"  {config}: gunicorn on {base}, app clock {result['clock']['local']} "
              f"(open: {result['clock']['open']}, shifted by {result['clock']['offset_seconds'] / 3600:.1f} h)",
              flush=True)  # fmt: skip
        with ProcessPoolExecutor(max_workers=args.client_procs, mp_context=get_context("spawn")) as pool:
            # Warm-up, not reported: connections, pools, the client processes.
            warm = calls.make(1, 100)
            answered += open_loop(base, "/phone/voice", warm, 25)["ok_sids"]
            sent += len(warm)
            open_loop(base, "/bench/bare", warm, 25)
            closed_loop(pool, base, "/bench/bare", warm, repeat=True, procs=args.client_procs, threads=2,
                        duration=1)  # fmt: skip

            meter = CpuMeter(server, DATABASE if config == "pg-redis" else "")

            def measured(kind: str, path: str, phase: int, retry: list[Call] | None = None) -> dict:
                nonlocal sent
                batch = retry or calls.make(phase, n_open if kind == "open" else args.max_calls)
                if kind == "open":
                    meter.start()
                    res = open_loop(base, path, batch, args.retry_rate if retry else args.rate)
                    res.update(CpuMeter.per_request(meter.stop(), res["sent"]))
                else:
                    res = closed_loop(pool, base, path, batch, repeat=path != "/phone/voice",
                                      procs=args.client_procs, threads=args.client_threads,
                                      duration=args.closed_duration, meter=meter)  # fmt: skip
                if path == "/phone/voice" and not retry:
                    sent += res["sent"]
                    answered.extend(res["ok_sids"])
                res.pop("ok_sids")
                return res

            result["open"] = {"bare": measured("open", "/bench/bare", 2),
                              "voice": measured("open", "/phone/voice", 3)}  # fmt: skip
            if args.retries:
                # Twilio retrying calls already recorded (same CallSid): answered again, nothing new recorded.
                result["open"]["retry"] = measured(
                    "open", "/phone/voice", 3, retry=calls.phase_calls(3)[: args.retries]
                )
            for name, res in result["open"].items():
                print(f"  {config:8} open loop {res['rate']:g}/s × {res['sent']}  {name:5}  p50 {ms(res['p50'])} "
                      f"p99 {ms(res['p99'])} max {ms(res['max'])} ms, {res['achieved_per_s']:.1f}/s, "
                      f"errors {res['errors']}, send lag {ms(res['max_send_lag'])} ms; {cpu_note(res)}",
                      flush=True)  # fmt: skip
            result["closed"] = {"bare": measured("closed", "/bench/bare", 4),
                                "voice": measured("closed", "/phone/voice", 5)}  # fmt: skip
            for name, res in result["closed"].items():
                print(f"  {config:8} closed loop {res['clients']} clients {args.closed_duration:g} s  {name:5}  "
                      f"{res['throughput']:.0f}/s, p50 {ms(res['p50'])} p99 {ms(res['p99'])} ms, "
                      f"errors {res['errors']}{' (ran out of calls)' if res['exhausted'] else ''}; {cpu_note(res)}",
                      flush=True)  # fmt: skip
        time.sleep(0.5)
    finally:
        server.stop()
    result["ratio"] = result["closed"]["voice"]["throughput"] / result["closed"]["bare"]["throughput"]
    result["server_problems"] = server.problems()[:20]
    result["checks"] = verify(env, calls, sent, answered)
    print(f"  {config}: checks {json.dumps(result['checks'])}", flush=True)
    if args.profile:
        result["profile"] = profile(env, book, args.profile, config, seed ^ 0x5A5A5A)
        p = result["profile"]
        print(f"  {config}: in-process profile {p['wall_ms']:.1f} ms wall, {p['cpu_ms']:.1f} ms CPU per call, "
              f"{p['sql_statements']} SQL statements ({p['sql_ms']:.1f} ms) → {p['file']}", flush=True)  # fmt: skip
    return result


# ---------------------------------------------------------------- report
def table(results: list[dict], rate: float) -> str:
    lines = [
        f"| config | endpoint | {rate:g}/s open loop: calls | p50 | p99 | max | achieved | errors "
        "| closed loop: max throughput | p50 | p99 | server CPU / call | PostgreSQL CPU / call |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for res in results:
        for name in ("voice", "retry", "bare"):
            o, c = res["open"].get(name), res["closed"].get(name)
            if o is None:
                continue
            pg = f"{o['postgres_cpu_ms']:.2f} ms" if res["config"] == "pg-redis" else "—"
            if c is None:  # retries: open loop only, CPU per call from that phase
                lines.append(
                    f"| {res['config']} | same, retried (same CallSid) | {o['sent']} at {o['rate']:g}/s "
                    f"| {ms(o['p50'])} ms | {ms(o['p99'])} ms | {ms(o['max'])} ms | {o['achieved_per_s']:.1f}/s "
                    f"| {o['errors']} | — | | | {o['server_cpu_ms']:.2f} ms | {pg} |"
                )
                continue
            pg = f"{c['postgres_cpu_ms']:.2f} ms" if res["config"] == "pg-redis" else "—"
            label = "`POST /phone/voice`" if name == "voice" else "bare endpoint"
            lines.append(
                f"| {res['config']} | {label} | {o['sent']} | {ms(o['p50'])} ms | {ms(o['p99'])} ms "
                f"| {ms(o['max'])} ms | {o['achieved_per_s']:.1f}/s | {o['errors']} "
                f"| {c['throughput']:.0f}/s ({c['clients']} clients) | {ms(c['p50'])} ms | {ms(c['p99'])} ms "
                f"| {c['server_cpu_ms']:.2f} ms | {pg} |"
            )
    return "\n".join(lines)


def verdicts(results: list[dict]) -> str:
    out = []
    for res in results:
        p99, ratio = res["open"]["voice"]["p99"], res["ratio"]
        out.append(
            f"{res['config']}: p99 {ms(p99)} ms ({'met' if p99 <= TARGET_P99 else 'MISSED'}, target ≤ 100 ms); "
            f"max throughput {ratio:.0%} of the bare endpoint "
            f"({'met' if ratio >= TARGET_RATIO else 'MISSED'}, target ≥ 40 %); "
            f"checks {'passed' if res['checks']['ok'] else 'FAILED'}"
        )
        shared = [f"{loop} {name} ({r['other_cores']:.2f}: {', '.join(r['other_top'])})"
                  for loop in ("open", "closed") for name, r in res[loop].items() if r.get("other_cores", 0) > 0.2]  # fmt: skip
        if shared:
            out.append(f"  WARNING, other processes used > 0.2 core during: {'; '.join(shared)}")
    return "\n".join(out)


def source_commit() -> str:
    """The commit of the app under test, and where it was imported from. BENCH_COMMIT names it when
    the app comes from an exported tree (e.g. `git archive HEAD` on PYTHONPATH, to measure a commit
    while the working tree is being edited)."""
    import contact_centre

    where = Path(contact_centre.__file__).resolve().parent.parent
    if os.environ.get("BENCH_COMMIT"):
        return f"{os.environ['BENCH_COMMIT']} (from {where})"
    git = ["git", "-C", str(where)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "contact_centre", "migrations"],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    return f"{head or '?'}{' + uncommitted changes' if dirty else ''} (from {where})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", default="pg-redis,sqlite")
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50, help="open loop, calls per second")
    parser.add_argument("--duration", type=float, default=30, help="open loop, seconds per endpoint")
    parser.add_argument("--closed-duration", type=float, default=10, help="closed loop, seconds per endpoint")
    parser.add_argument("--client-procs", type=int, default=2, help="closed loop: load generator processes")
    parser.add_argument("--client-threads", type=int, default=8, help="closed loop: clients per process")
    parser.add_argument(
        "--max-calls", type=int, default=10_000, help="closed loop: calls prepared for the app"
    )
    parser.add_argument("--retries", type=int, default=50, help="recorded calls sent again (Twilio retries)")
    parser.add_argument("--retry-rate", type=float, default=5, help="retries per second")
    parser.add_argument("--profile", type=int, default=300, help="calls profiled in-process (0: none)")
    parser.add_argument("--keep", action="store_true", help="reuse bench_p2 if it has the right citizens")
    args = parser.parse_args()
    seed = int(time.time())
    commit = source_commit()
    print(f"P2 POST /phone/voice at {args.rate:g}/s on gunicorn -w 1 --threads 100 — app {commit} — {machine()}",
          flush=True)  # fmt: skip
    results = [run_config(config, args, seed) for config in args.configs.split(",")]
    print("\n" + table(results, args.rate) + "\n\n" + verdicts(results))
    for res in results:
        if res["server_problems"]:
            print(f"\nserver log problems ({res['config']}):\n  " + "\n  ".join(res["server_problems"]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "p2.json").write_text(json.dumps({"commit": commit, "results": results}, indent=2))


if __name__ == "__main__":
    main()
