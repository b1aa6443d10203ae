#!/usr/bin/env python
"""P3 — 20 ambassadors race to claim the same items through their consoles (PostgreSQL + Redis).

Each of the 20 clients is its own logged-in python-socketio connection (split across the app
processes). For every item, the 20 threads meet at a barrier and all send `queue:claim` at once;
the ack latency (perf_counter around the call) is recorded. Correctness: exactly one ok per item,
every loser gets ok=false with a reason, and the database agrees (status claimed, claimed_by the
winner, one `queue.claimed` audit event per item).

Baselines, same run, same database, same items (put back to waiting before each):
  * sql     — the bare conditional UPDATE the app relies on, one autocommit psycopg connection per
              thread, same barrier;
  * socket  — a bare Flask-SocketIO server (same async_mode, same server, same Redis message queue,
              same number of processes) whose `queue:claim` handler runs that UPDATE and, on a win,
              broadcasts `queue:updated`: what is left of the app without ORM, audit, login, snapshot.

    python bench/p3_claim.py --items 200 --clients 20
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psycopg
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
    psycopg_url,
    recreate_database,
    serve_app,
    stop_all,
    summary,
)

CLAIM_SQL = (
    "UPDATE queue_items SET status = 'claimed', claimed_by_id = %s, claimed_at = now(), version = version + 1 "
    "WHERE id = %s AND status = 'waiting'"
)


def serve_baseline(port: int, database_url: str, redis_url: str, channel: str) -> None:
    import queue

    from flask import Flask
    from flask_socketio import SocketIO

    app = Flask("baseline")
    sio = SocketIO(app, async_mode="threading", message_queue=redis_url or None, channel=channel,
                   cors_allowed_origins=[f"http://127.0.0.1:{port}"])  # fmt: skip
    pool: queue.Queue[psycopg.Connection] = queue.Queue()
    for _ in range(10):  # the app's pool_size
        pool.put(psycopg.connect(psycopg_url(database_url), autocommit=True))

    @sio.on("connect", namespace="/console")
    def _connect(auth: object = None) -> bool:
        return True

    @sio.on("queue:claim", namespace="/console")
    def _claim(data: dict) -> dict:
        conn = pool.get(timeout=30)
        try:
            won = conn.execute(CLAIM_SQL, (data["user_id"], data["item_id"])).rowcount == 1
        finally:
            pool.put(conn)
        if not won:
            return {"ok": False, "reason": "Cet élément vient d'être pris."}
        sio.emit("queue:updated", {"id": data["item_id"], "status": "claimed"}, namespace="/console")
        return {"ok": True}

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return "ok"

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def connect_all(bases: list[str], sessions: list[requests.Session | None]) -> list[socketio.Client]:
    clients = []
    for w, http in enumerate(sessions):
        client = socketio.Client(reconnection=False)
        client.connect(bases[w % len(bases)], namespaces=["/console"], headers=cookie_header(http),
                       transports=["websocket"], wait_timeout=10)  # fmt: skip
        clients.append(client)
    return clients


def disconnect_all(clients: list[socketio.Client]) -> None:
    threads = [threading.Thread(target=c.disconnect) for c in clients if c.connected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)


def reset(url: str, items: list[int]) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("UPDATE queue_items SET status = 'waiting', claimed_by_id = NULL, claimed_at = NULL "
                     "WHERE id = ANY(%s)", (items,))  # fmt: skip


def race(clients: int, items: list[int], attempt) -> list[tuple[int, int, bool, str, float]]:  # type: ignore[no-untyped-def]
    """Runs attempt(worker, item) from `clients` threads, item after item, all released together."""
    barrier = threading.Barrier(clients)
    results: list[tuple[int, int, bool, str, float]] = []

    def worker(w: int) -> None:
        for item in items:
            barrier.wait(timeout=60)
            t = time.perf_counter()
            try:
                ok, reason = attempt(w, item)
            except Exception as exc:  # a timeout or a dropped socket is a failure, not a crash
                ok, reason = False, f"EXC {type(exc).__name__}"
            results.append((w, item, ok, reason, time.perf_counter() - t))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


def check(
    results: list[tuple[int, int, bool, str, float]], items: list[int]
) -> tuple[dict[int, int], list[str]]:
    """Winner per item, and every violation of 'exactly one winner, losers told why'."""
    winners: dict[int, list[int]] = defaultdict(list)
    problems = []
    for w, item, ok, reason, _lat in results:
        if ok:
            winners[item].append(w)
        elif not reason or reason.startswith("EXC "):
            problems.append(f"item {item}: worker {w} lost without a reason ({reason or 'none'})")
    for item in items:
        if len(winners[item]) != 1:
            problems.append(f"item {item}: {len(winners[item])} winners")
    return {i: ws[0] for i, ws in winners.items() if ws}, problems


def stats(results: list[tuple[int, int, bool, str, float]]) -> dict:
    return {
        "all": summary([r[4] for r in results]),
        "winners": summary([r[4] for r in results if r[2]]),
        "losers": summary([r[4] for r in results if not r[2]]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2, help="app processes sharing PostgreSQL + Redis")
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    parser.add_argument("--redis", default="", help=argparse.SUPPRESS)
    parser.add_argument("--channel", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline, args.database, args.redis, args.channel)
        return

    workdir = OUT / "p3"
    shutil.rmtree(workdir, ignore_errors=True)
    flush_redis()
    url = recreate_database("bench_p3")
    env = app_env(workdir / "instance", url, REDIS_URL, channel=f"bench-p3-{os.getpid()}")
    cli(env, "init-db")
    users = [f"amb{i:02d}" for i in range(args.clients)]
    ids = create_staff(env, [*users, "formulaire"])
    auth = {"Authorization": "Bearer " + cli(env, "create-token", "formulaire")}
    print(f"P3 {args.clients} consoles race for {args.items} items, {args.processes} processes — {machine()}",
          flush=True)  # fmt: skip

    servers: list[AppProcess] = []
    clients: list[socketio.Client] = []
    results, walls = {}, {}
    try:
        apps = [serve_app(env, workdir / f"app{n}.log") for n in range(args.processes)]
        servers += apps
        http = requests.Session()
        items = []
        for i in range(args.items):
            r = http.post(apps[i % len(apps)].url + "/api/v1/contacts", headers=auth, timeout=30,
                          json={"channel": "phone", "citizen": {"name": f"Appelant {i}"}, "subject": "Rappel"})  # fmt: skip
            assert r.status_code == 201, r.text
            items.append(r.json()["queue_item_id"])
        bases = [a.url for a in apps]
        clients = connect_all(bases, [login(bases[w % len(bases)], u) for w, u in enumerate(users)])

        def app_claim(w: int, item: int) -> tuple[bool, str]:
            # A console may send 20 events a second (issue 11): past that it is told to wait, and a
            # person would click again; so does this client, so that every item still gets its race.
            for _attempt in range(100):
                ack = clients[w].call("queue:claim", {"item_id": item}, namespace="/console", timeout=30)
                if ack.get("code") != "rate_limited":
                    break
                time.sleep(0.05)
            return bool(ack.get("ok")), ack.get("reason", "")

        started = time.perf_counter()
        results["app"] = race(args.clients, items, app_claim)
        walls["app"] = time.perf_counter() - started
        disconnect_all(clients)
        stop_all(apps)

        # The app's verdict, checked against the database.
        winners, problems = check(results["app"], items)
        with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
            rows = dict(
                conn.execute("SELECT id, claimed_by_id FROM queue_items WHERE status = 'claimed'").fetchall()
            )
            audits = Counter(e for (e,) in conn.execute(
                "SELECT entity_id FROM audit_events WHERE action = 'queue.claimed'").fetchall())  # fmt: skip
        for item in items:
            expected = ids[users[winners[item]]] if item in winners else None
            if rows.get(item) != expected:
                problems.append(
                    f"item {item}: database says claimed_by {rows.get(item)}, ack winner {expected}"
                )
            if audits[item] != 1:
                problems.append(f"item {item}: {audits[item]} queue.claimed audit events")

        # Baseline "sql": the bare conditional UPDATE from as many threads.
        reset(url, items)
        conns = [psycopg.connect(psycopg_url(url), autocommit=True) for _ in range(args.clients)]
        try:

            def update(w: int, item: int) -> tuple[bool, str]:
                cur = conns[w].execute(CLAIM_SQL, (ids[users[w]], item))
                return cur.rowcount == 1, "" if cur.rowcount == 1 else "rowcount 0"

            started = time.perf_counter()
            results["sql"] = race(args.clients, items, update)
            walls["sql"] = time.perf_counter() - started
        finally:
            for conn in conns:
                conn.close()

        # Baseline "socket": a bare Flask-SocketIO server running that UPDATE.
        reset(url, items)
        channel = f"bench-p3-base-{os.getpid()}"
        for n in range(args.processes):
            port = free_port()
            cmd = [sys.executable, __file__, "--serve-baseline", str(port), "--database", url, "--redis", REDIS_URL,
                   "--channel", channel]  # fmt: skip
            servers.append(AppProcess(cmd, dict(os.environ), port, workdir / f"baseline{n}.log").start())
        clients = connect_all([s.url for s in servers[args.processes :]], [None] * args.clients)

        def socket_claim(w: int, item: int) -> tuple[bool, str]:
            ack = clients[w].call("queue:claim", {"item_id": item, "user_id": ids[users[w]]}, namespace="/console",
                                  timeout=30)  # fmt: skip
            return bool(ack.get("ok")), ack.get("reason", "")

        started = time.perf_counter()
        results["socket"] = race(args.clients, items, socket_claim)
        walls["socket"] = time.perf_counter() - started
    finally:
        disconnect_all(clients)
        stop_all(servers)

    checks = {
        "app": problems,
        "sql": check(results["sql"], items)[1],
        "socket": check(results["socket"], items)[1],
    }
    reasons = Counter(r[3] for r in results["app"] if not r[2])
    all_stats = {k: stats(v) for k, v in results.items()}
    print(
        "\n| measure | n | p50 | p99 | max | wall (items/s) | correctness problems |\n|---|---|---|---|---|---|---|"
    )
    for kind in ("app", "socket", "sql"):
        for part in ("all", "winners", "losers"):
            st = all_stats[kind][part]
            print(f"| {kind} claim, {part} | {st['n']} | {ms(st['p50'])} ms | {ms(st['p99'])} ms | {ms(st['max'])} ms "
                  f"| {walls[kind]:.1f} s ({args.items / walls[kind]:.0f}/s) | {len(checks[kind])} |")  # fmt: skip
    for kind in ("socket", "sql"):
        a, b = all_stats["app"]["all"], all_stats[kind]["all"]
        print(f"ratio app / {kind} baseline: p50 {a['p50'] / b['p50']:.1f}×, p99 {a['p99'] / b['p99']:.1f}×")
    print(f"correctness (app): {args.items - sum('winners' in p for p in problems)}/{args.items} items with "
          f"exactly one winner; {len(problems)} problems")  # fmt: skip
    print("loser reasons: " + "; ".join(f"{n}× {r!r}" for r, n in reasons.most_common(3)))
    for line in problems[:10]:
        print("  PROBLEM", line)
    server = [line for s in servers for line in s.problems()]
    if server:
        print("server log problems:\n  " + "\n  ".join(server[:20]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "p3.json").write_text(json.dumps({"stats": all_stats, "walls": walls, "problems": checks,
                                             "reasons": dict(reasons), "server_problems": server[:20]}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
