#!/usr/bin/env python
"""P1 — a contact recorded by POST /api/v1/contacts reaches 10 connected consoles as `queue:added`.

Latency = reception by each console minus the instant just before the POST is sent, both taken with
time.perf_counter() in this process (the sender and the 10 console clients live here; the servers run
in subprocesses). Posts are paced open-loop: contact i leaves at t0 + i/rate whatever happened to the
previous ones. Each contact carries a unique token in its subject, found again in the item's summary.

Two configurations:  embedded  (SQLite, no Redis, 1 process)
                     pg-redis  (PostgreSQL + Redis, 2 processes, consoles 5/5, posts round-robin)
Baseline, measured in the same run and interleaved rate by rate: a bare Flask-SocketIO app (same
async_mode, same server, same Redis message queue in pg-redis) whose POST handler only emits.

    python bench/p1_contact_to_console.py                       # both configurations
    python bench/p1_contact_to_console.py --configs embedded --rates 20:200
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    OUT,
    REDIS_URL,
    AppProcess,
    app_env,
    cli,
    cookie_header,
    create_staff,
    flush_redis,
    free_port,
    login,
    machine,
    ms,
    recreate_database,
    serve_app,
    stop_all,
    summary,
)

CONSOLES = 10
TOKEN_RE = re.compile(r"bench-[a-z0-9]+-\d+-\d+")
# What the app's queue:added looks like, so the baseline pushes a payload of the same size.
ITEM_TEMPLATE = {
    "id": 0, "channel": "web", "channel_label": "Internet", "received_at": "2026-11-28T12:00:00.000000Z",
    "waiting_seconds": 0, "sla_due_at": "2026-12-01T12:00:00Z", "priority": 3, "status": "waiting",
    "claimed_by": None, "claimed_at": None, "lease_expires_at": None, "citizen": None, "summary": "",
    "contact_id": 0, "request": None, "version": 1,
}  # fmt: skip


# ---------------------------------------------------------------- the baseline server (subprocess)
def serve_baseline(port: int, redis_url: str, channel: str) -> None:
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO

    app = Flask("baseline")
    sio = SocketIO(app, async_mode="threading", message_queue=redis_url or None, channel=channel,
                   cors_allowed_origins=[f"http://127.0.0.1:{port}"])  # fmt: skip
    numbers = itertools.count(1)

    @sio.on("connect", namespace="/console")
    def _connect(auth: object = None) -> bool:
        return True

    @app.post("/api/v1/contacts")
    def contact():  # type: ignore[no-untyped-def]
        data = request.get_json()
        n = next(numbers)
        item = dict(
            ITEM_TEMPLATE, id=n, contact_id=n, summary=f"{data['citizen']['name']} — {data['subject']}"
        )
        sio.emit("queue:added", item, namespace="/console")
        return jsonify(contact_id=n, queue_item_id=n), 201

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return "ok"

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def start_baseline(log: Path, redis_url: str = "", channel: str = "") -> AppProcess:
    port = free_port()
    cmd = [
        sys.executable,
        __file__,
        "--serve-baseline",
        str(port),
        "--redis",
        redis_url,
        "--channel",
        channel,
    ]
    return AppProcess(cmd, dict(os.environ), port, log).start()


# ---------------------------------------------------------------- the measuring side
class Consoles:
    """Console clients; every queue:added carrying a bench token is timestamped on arrival."""

    def __init__(self) -> None:
        self.clients: list[socketio.Client] = []
        self.received: list[tuple[str, float]] = []  # list.append is atomic under the GIL

    def connect(self, base: str, http: requests.Session | None = None) -> None:
        client = socketio.Client(reconnection=False)

        def on_added(item: dict) -> None:
            now = time.perf_counter()
            match = TOKEN_RE.search(item.get("summary") or "")
            if match:
                self.received.append((match.group(0), now))

        client.on("queue:added", on_added, namespace="/console")
        client.connect(base, namespaces=["/console"], headers=cookie_header(http), transports=["websocket"],
                       wait_timeout=10)  # fmt: skip
        self.clients.append(client)

    def close(self) -> None:
        # In parallel: each client's disconnect waits a few seconds for its reader thread.
        threads = [threading.Thread(target=c.disconnect) for c in self.clients if c.connected]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=15)


def run_rate(targets: list[str], auths: list[dict[str, str]], consoles: Consoles, rate: float, count: int,
             tag: str, drain: float = 20.0) -> dict:  # fmt: skip
    """Posts `count` contacts at `rate`/s round-robin on `targets`; returns latency stats (seconds)."""
    sent: dict[str, float] = {}
    lag: list[float] = []
    errors: list[str] = []
    local = threading.local()

    def post(i: int, scheduled: float) -> None:
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        token = f"{tag}-{i}"
        body = {"channel": "web", "citizen": {"name": "Camille Bench"}, "subject": f"Lampadaire éteint {token}",
                "body": "Le lampadaire devant le 12 rue de la République est éteint depuis trois jours."}  # fmt: skip
        t = time.perf_counter()
        sent[token] = t
        lag.append(t - scheduled)
        try:
            r = http.post(targets[i % len(targets)] + "/api/v1/contacts", json=body, headers=auths[i % len(auths)],
                          timeout=30)  # fmt: skip
            if r.status_code != 201:
                errors.append(f"{r.status_code} {r.text[:120]}")
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)

    start = time.perf_counter() + 0.1
    with ThreadPoolExecutor(max_workers=min(64, count)) as pool:
        for i in range(count):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i, scheduled)
    expected = count * len(consoles.clients)
    deadline = time.monotonic() + drain
    prefix = tag + "-"
    while time.monotonic() < deadline:
        got = [r for r in consoles.received if r[0].startswith(prefix)]
        if len(got) >= expected:
            break
        time.sleep(0.05)
    got = [r for r in consoles.received if r[0].startswith(prefix)]
    latencies = [t - sent[token] for token, t in got if token in sent]
    return {**summary(latencies), "lost": expected - len(latencies), "errors": len(errors),
            "error_sample": errors[:3], "max_send_lag": max(lag) if lag else 0.0}  # fmt: skip


# ---------------------------------------------------------------- configurations
def deploy(config: str, workdir: Path) -> tuple[dict[str, str], int, str]:
    """Prepares the app's storage; returns (env, processes, baseline redis url)."""
    instance = workdir / "instance"
    shutil.rmtree(workdir, ignore_errors=True)
    if config == "embedded":
        return app_env(instance), 1, ""
    flush_redis()
    url = recreate_database("bench_p1")
    return app_env(instance, url, REDIS_URL, channel=f"bench-p1-{os.getpid()}"), 2, REDIS_URL


def run_config(config: str, rates: list[tuple[float, int]], run_id: str, tokens: int = 1) -> dict:
    workdir = OUT / f"p1-{config}"
    env, nproc, base_redis = deploy(config, workdir)
    cli(env, "init-db")
    users = [f"amb{i:02d}" for i in range(CONSOLES)]
    create_staff(env, [*users, "formulaire"])
    # One partner token by default (the web form); --tokens N spreads contacts over N tokens.
    auth = [{"Authorization": "Bearer " + cli(env, "create-token", "formulaire", "--label", f"bench{n}")}
            for n in range(tokens)]  # fmt: skip
    apps: list[AppProcess] = []
    bases: list[AppProcess] = []
    app_consoles, base_consoles = Consoles(), Consoles()
    results: dict = {"config": config, "processes": nproc, "rates": []}
    try:
        for n in range(nproc):
            apps.append(serve_app(env, workdir / f"app{n}.log"))
            bases.append(
                start_baseline(workdir / f"baseline{n}.log", base_redis, f"bench-p1-base-{os.getpid()}")
            )
        for i, user in enumerate(users):
            app = apps[i % nproc]
            app_consoles.connect(app.url, login(app.url, user))
            base_consoles.connect(bases[i % nproc].url)
        app_urls, base_urls = [a.url for a in apps], [b.url for b in bases]
        run_rate(app_urls, auth, app_consoles, 10, 10, f"bench-{run_id}w-0")  # warm-up, not reported
        run_rate(base_urls, auth, base_consoles, 10, 10, f"bench-{run_id}v-0")

        def cpu(servers: list[AppProcess]) -> float:
            return sum(s.cpu_seconds() for s in servers)

        for rate, count in rates:
            before = cpu(apps)
            app = run_rate(
                app_urls, auth, app_consoles, rate, count, f"bench-{run_id}a{config[0]}-{int(rate)}"
            )
            app["cpu_ms_per_contact"] = (cpu(apps) - before) * 1000 / count
            before = cpu(bases)
            base = run_rate(
                base_urls, auth, base_consoles, rate, count, f"bench-{run_id}b{config[0]}-{int(rate)}"
            )
            base["cpu_ms_per_contact"] = (cpu(bases) - before) * 1000 / count
            row = {"rate": rate, "count": count, "app": app, "baseline": base}
            results["rates"].append(row)
            print(f"  {config:9} {rate:>5g}/s ×{count:<4} app p50 {ms(app['p50'])} p99 {ms(app['p99'])} ms "
                  f"(lost {app['lost']}, errors {app['errors']}, send lag {ms(app['max_send_lag'])}, "
                  f"server CPU {app['cpu_ms_per_contact']:.1f} ms/contact)  "
                  f"baseline p50 {ms(base['p50'])} p99 {ms(base['p99'])} ms (CPU {base['cpu_ms_per_contact']:.1f})  "
                  f"ratio p99 {app['p99'] / base['p99']:.1f}×", flush=True)  # fmt: skip
    finally:
        app_consoles.close()
        base_consoles.close()
        time.sleep(0.5)
        stop_all(apps + bases)
    results["server_problems"] = [line for a in apps + bases for line in a.problems()][:20]
    return results


def table(results: list[dict]) -> str:
    lines = ["| config | rate | contacts | app p50 | app p99 | baseline p50 | baseline p99 | p50 ratio | p99 ratio"
             " | server CPU / contact (app, baseline) | lost / errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for res in results:
        for row in res["rates"]:
            a, b = row["app"], row["baseline"]
            lines.append(
                f"| {res['config']} ({res['processes']} proc) | {row['rate']:g}/s | {row['count']} "
                f"| {ms(a['p50'])} ms | {ms(a['p99'])} ms | {ms(b['p50'])} ms | {ms(b['p99'])} ms "
                f"| {a['p50'] / b['p50']:.1f}× | {a['p99'] / b['p99']:.1f}× "
                f"| {a['cpu_ms_per_contact']:.1f} ms, {b['cpu_ms_per_contact']:.1f} ms | {a['lost']} / {a['errors']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", default="embedded,pg-redis")
    parser.add_argument("--rates", default="1:15,20:200,100:500", help="rate:count,... (contacts per second)")
    parser.add_argument("--tokens", type=int, default=1, help="API tokens the contacts are spread over")
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--redis", default="", help=argparse.SUPPRESS)
    parser.add_argument("--channel", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline, args.redis, args.channel)
        return
    rates = [(float(r), int(c)) for r, c in (part.split(":") for part in args.rates.split(","))]
    run_id = format(int(time.time()) % 100000, "x")
    print(f"P1 contact → {CONSOLES} consoles — {machine()}", flush=True)
    results = [run_config(config, rates, run_id, args.tokens) for config in args.configs.split(",")]
    print("\n" + table(results))
    for res in results:
        if res["server_problems"]:
            print(f"\nserver log problems ({res['config']}):\n  " + "\n  ".join(res["server_problems"]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "p1.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
