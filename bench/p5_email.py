#!/usr/bin/env python
"""P5 — the city's mailbox: 2,000 messages delivered to Dovecot, ingested into the queue.

1. Throughput and memory. A deterministic mix of 2,000 French messages (`_mail_corpus.py`: plain,
   HTML only, multipart/alternative, JPEG/PDF attachments, ISO-8859-1 and Windows-1252 bodies,
   replies naming a GRC reference, follow-ups, auto-replies, bounces, a mailing list) is delivered
   over LMTP to a private Dovecot (tests/support/mail_servers.py), then ingested in a fresh process
   by the app's own `MailboxWatcher.run_once()` (search, RFC822.SIZE, batches of `IMAP_BATCH_SIZE`
   UIDs, one transaction per batch, acknowledgements queued, flags set after the commit).
   Throughput = messages / (last commit − start of `run_once`); RSS is read after every message
   (`on_recorded`), peak RSS from getrusage. Checked: one inbound contact per message, the expected
   number of queue items (replies to a known request and follow-ups join an item), every message
   flagged `$GrcTraite`. Baselines in the same run, same messages, same batching, same kind of fresh
   process: the raw IMAP fetch alone, and the fetch + the app's `parse_message` (no database).
2. IDLE latency. The app served (`contact-centre serve`), a logged-in Socket.IO console, and the
   watcher in IDLE: with PostgreSQL + Redis it is `contact-centre email watch`, a separate process
   whose `queue:added` reaches the console through Redis; embedded (SQLite, no Redis) it is
   `MailboxWatcher.watch()` in a thread of the serving process (a separate process has nothing to
   carry its events there — checked too). Messages are delivered one at a time at random intervals;
   latency = reception of `queue:added` by the console − the instant before the LMTP delivery.

    python bench/p5_email.py                                   # pg-redis and embedded
    python bench/p5_email.py --configs pg-redis --messages 500 --idle 20
    python bench/p5_email.py --configs pg-redis --profile      # + cProfile of the ingestion
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import smtplib
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.support.mail_servers
from _common import (
    CLI,
    OUT,
    AppProcess,
    app_env,
    cli,
    create_staff,
    free_port,
    login,
    machine,
    ms,
    recreate_database,
    serve_app,
    stop_all,
    summary,
)
from _mail_corpus import Mail, corpus
from p1_contact_to_console import Consoles

from contact_centre.channels.email.config import EmailSettings

P5_REDIS = os.environ.get("BENCH_P5_REDIS", "redis://127.0.0.1:6379/13")  # db 13 only
DATABASE = "bench_p5"
SEEDED_REQUESTS = 20
CHECKPOINTS = (1, 50, 100, 250, 500, 750, 1000, 1250, 1500, 1750, 2000)


def rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_kb() -> int:
    """This process's own peak RSS (VmHWM: getrusage's ru_maxrss would include the forking parent's)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def flush_p5_redis() -> None:
    import redis

    assert P5_REDIS.endswith("/13"), "P5 only flushes its own Redis database (13)"
    redis.Redis.from_url(P5_REDIS).flushdb()


# ---------------------------------------------------------------- in a fresh process (--worker)
def worker(mode: str, out: Path, profile: Path | None) -> None:
    """mode `app`: MailboxWatcher.run_once(); `fetch`: the same IMAP fetches, nothing else;
    `parse`: those fetches + parse_message. Writes timings and RSS to `out`."""
    from contact_centre.app import create_app
    from contact_centre.channels.email.mailbox import PROCESSED_KEYWORD, MailboxWatcher, _batches, connect
    from contact_centre.channels.email.parse import parse_message

    app = create_app()
    rt = app.extensions["espace_citoyen"]
    settings = rt.settings
    marks: list[tuple[float, int]] = []
    created = 0
    rss_start = rss_kb()
    t0, cpu0 = time.perf_counter(), cpu_s()
    if mode == "app":

        def on_recorded(recorded) -> None:  # type: ignore[no-untyped-def]
            nonlocal created
            created += recorded.created
            marks.append((time.perf_counter() - t0, rss_kb()))

        watcher = MailboxWatcher(app, on_recorded=on_recorded)
        if profile:
            import cProfile
            import pstats
            import re
            from collections import Counter

            from sqlalchemy import event
            from sqlalchemy.engine import Engine

            statements: Counter[str] = Counter()

            def count_statement(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
                statements[re.sub(r"\s+", " ", statement)[:110]] += 1

            event.listen(Engine, "before_cursor_execute", count_statement)
            profiler = cProfile.Profile()
            count = profiler.runcall(watcher.run_once)
            profiler.dump_stats(profile.with_suffix(".prof"))  # for pstats / snakeviz
            with profile.open("w") as f:
                total = sum(statements.values())
                f.write(
                    f"SQL statements: {total} for {len(marks)} messages ({total / max(1, len(marks)):.1f} each)\n"
                )
                for text, n in statements.most_common(40):
                    f.write(f"{n:7} {n / max(1, len(marks)):5.2f}/msg  {text}\n")
                f.write("\n")
                stats = pstats.Stats(profiler, stream=f).sort_stats("cumulative")
                stats.print_stats(60)
                stats.sort_stats("tottime").print_stats(40)
                stats.print_callees(r"unit_of_work.py:\d+\(commit\)|inbound.py:\d+\(ingest\)")
        else:
            count = watcher.run_once()
        assert count == created
    else:
        client = connect(settings)
        try:
            client.select_folder(settings.section(EmailSettings).imap_folder, readonly=True)
            uids = client.search(["NOT", "KEYWORD", PROCESSED_KEYWORD.decode()])
            sizes = {u: int(d[b"RFC822.SIZE"]) for u, d in client.fetch(uids, [b"RFC822.SIZE"]).items()}
            for batch in _batches(sizes, settings.section(EmailSettings).imap_batch_size):
                fetched = client.fetch(batch, [b"INTERNALDATE", b"BODY.PEEK[]"])
                for uid in batch:
                    raw = bytes(fetched[uid][b"BODY[]"])
                    if mode == "parse":
                        parse_message(raw, max_attachment_bytes=settings.storage.max_attachment_bytes,
                                      max_message_bytes=settings.section(EmailSettings).email_max_message_bytes)  # fmt: skip
                    marks.append((time.perf_counter() - t0, rss_kb()))
        finally:
            client.logout()
    wall = time.perf_counter() - t0
    cpu = cpu_s() - cpu0
    jobs_wait = 0.0
    if hasattr(rt.jobs, "futures"):  # embedded: acknowledgements sent by this process's job threads
        from concurrent.futures import wait

        started = time.perf_counter()
        wait(list(rt.jobs.futures), timeout=600)
        jobs_wait = time.perf_counter() - started
    result = {
        "mode": mode,
        "messages": len(marks),
        "created": created,
        "wall_s": wall,
        "last_record_s": marks[-1][0] if marks else 0.0,
        "cpu_s": cpu,
        "jobs_drain_s": jobs_wait,
        "rss_start_kb": rss_start,
        "peak_kb": peak_kb(),
        "at": {
            str(n): {"t": marks[n - 1][0], "rss_kb": marks[n - 1][1]} for n in CHECKPOINTS if n <= len(marks)
        },
        "max_rss_seen_kb": max((m[1] for m in marks), default=0),
    }
    out.write_text(json.dumps(result))


def run_worker(env: dict[str, str], mode: str, workdir: Path, profile: Path | None = None) -> dict:
    out = workdir / f"worker-{mode}.json"
    cmd = [sys.executable, __file__, "--worker", mode, "--out", str(out)]
    if profile:
        cmd += ["--profile-out", str(profile)]
    with (workdir / f"worker-{mode}.log").open("wb") as log:
        subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=1800, check=True)
    return json.loads(out.read_text())


# ---------------------------------------------------------------- serving with the watcher (embedded)
def serve_with_watcher(port: int) -> None:
    """The embedded deployment's one process: the app served and its mailbox watched in a thread."""
    import logging

    from contact_centre.app import create_app
    from contact_centre.channels.email.mailbox import MailboxWatcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    stop = threading.Event()
    threading.Thread(target=MailboxWatcher(app, stop=stop).watch, daemon=True, name="mailbox").start()
    socketio = app.extensions["espace_citoyen"].socketio
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def start_process(cmd: list[str], env: dict[str, str], log: Path) -> AppProcess:
    process = AppProcess(cmd, env, 0, log)
    log.parent.mkdir(parents=True, exist_ok=True)
    process.proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return process


# ---------------------------------------------------------------- setup
def deploy(
    config: str, workdir: Path, imap_port: int, smtp_port: int, run_id: str, pg_options: str = ""
) -> dict[str, str]:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    from tests.support.mail_servers import ADDRESS, PASSWORD, USER

    if config == "embedded":
        env = app_env(workdir / "instance")
    else:
        flush_p5_redis()
        env = app_env(
            workdir / "instance",
            recreate_database(DATABASE) + pg_options,
            P5_REDIS,
            channel=f"bench-p5-{run_id}",
        )
    env.update(IMAP_HOST="127.0.0.1", IMAP_PORT=str(imap_port), IMAP_SECURITY="none", IMAP_USER=USER,
               IMAP_PASSWORD=PASSWORD, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_SECURITY="none",
               MAIL_FROM=ADDRESS, PYTHONPATH=str(Path(__file__).resolve().parents[1]))  # fmt: skip
    cli(env, "init-db")
    cli(
        env,
        "import-referents",
        str(Path(__file__).resolve().parents[1] / "contact_centre/data/referents.csv"),
    )
    cli(
        env,
        "import-processes",
        str(Path(__file__).resolve().parents[1] / "contact_centre/data/processes.csv"),
    )
    return env


def seed_requests(env: dict[str, str], user_id: int, count: int) -> list[str]:
    """`count` requests opened from web contacts and left claimed: replies naming them join their item."""
    from contact_centre.app import create_app
    from contact_centre.domain.channels import Channel
    from contact_centre.plugins import load_settings
    from contact_centre.queue import service as queue
    from contact_centre.services.intake import CitizenHints, InboundContact
    from contact_centre.services.service_requests import RequestDraft, create_request_from_item

    app = create_app(load_settings(env))
    rt = app.extensions["espace_citoyen"]
    references = []
    try:
        with app.app_context():
            for n in range(count):
                with rt.new_uow() as uow:
                    recorded = rt.intake.record(uow, InboundContact(
                        channel=Channel.WEB, citizen=CitizenHints(name=f"Demandeur {n}"),
                        subject="Lampadaire éteint", body="Le lampadaire est éteint."))  # fmt: skip
                    queue.claim(uow, recorded.queue_item_id, user_id)
                    request = create_request_from_item(uow, recorded.queue_item_id, RequestDraft("VOI-001"),
                                                       user_id, rt.calendar(uow.session))  # fmt: skip
                    references.append(request.reference)
                    uow.commit()
    finally:
        rt.database.dispose()
    return references


def deliver(lmtp: smtplib.LMTP, mail: Mail) -> None:
    from tests.support.mail_servers import ADDRESS

    refused = lmtp.sendmail(mail.sender, [ADDRESS], mail.raw)
    assert not refused, refused


def deliver_all(port: int, mails: list[Mail]) -> float:
    started = time.perf_counter()
    lmtp = smtplib.LMTP("127.0.0.1", port)
    try:
        for mail in mails:
            deliver(lmtp, mail)
    finally:
        lmtp.quit()
    return time.perf_counter() - started


def check_database(env: dict[str, str]) -> dict[str, int]:
    from sqlalchemy import func, select

    from contact_centre.domain.audit import AuditEvent
    from contact_centre.domain.channels import Channel
    from contact_centre.domain.contacts import Contact
    from contact_centre.domain.enums import Direction
    from contact_centre.domain.queue import QueueItem
    from contact_centre.infrastructure.db import Database
    from contact_centre.plugins import load_settings

    database = Database(load_settings(env).resolved().database.database_url)
    try:
        with database.sessions() as session:

            def count(*where) -> int:  # type: ignore[no-untyped-def]
                return int(session.scalar(select(func.count()).select_from(Contact).where(*where)) or 0)

            email = Contact.channel == Channel.EMAIL
            return {
                "inbound": count(email, Contact.direction == Direction.INBOUND),
                "distinct_external_ids": int(
                    session.scalar(
                        select(func.count(func.distinct(Contact.external_id))).where(
                            email, Contact.direction == Direction.INBOUND
                        )
                    )
                    or 0
                ),
                "acknowledgements": count(email, Contact.direction == Direction.OUTBOUND),
                "joined_request": count(
                    email, Contact.direction == Direction.INBOUND, Contact.request_id.isnot(None)
                ),
                "items": int(
                    session.scalar(
                        select(func.count())
                        .select_from(QueueItem)
                        .join(Contact, QueueItem.contact_id == Contact.id)
                        .where(email)
                    )
                    or 0
                ),
                # The audit trail: one event per e-mail contact recorded, either way (embedded, the
                # sending adds its own), one queue event per message (added, contact_added or
                # reopened) besides the seeded requests' items.
                "contact_events": int(
                    session.scalar(
                        select(func.count())
                        .select_from(AuditEvent)
                        .where(
                            AuditEvent.action.in_(["contact.received", "contact.outbound"]),
                            AuditEvent.entity_id.in_(select(Contact.id).where(email)),
                        )
                    )
                    or 0
                ),
                "queue_events": int(
                    session.scalar(
                        select(func.count())
                        .select_from(AuditEvent)
                        .where(
                            AuditEvent.action.in_(["queue.added", "queue.contact_added", "queue.reopened"])
                        )
                    )
                    or 0
                ),
            }
    finally:
        database.dispose()


# ---------------------------------------------------------------- IDLE latency
def wait_token(consoles: Consoles, token: str, since: int, timeout: float) -> tuple[float | None, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for n in range(since, len(consoles.received)):
            if consoles.received[n][0] == token:
                return consoles.received[n][1], n
        time.sleep(0.002)
    return None, since


def idle_latency(base: str, lmtp_port: int, mails: list[Mail], seed: int, warmup_timeout: float = 60) -> dict:
    consoles = Consoles()
    consoles.connect(base, login(base, "amb02"))
    rnd = random.Random(seed)
    latencies, lmtp_times, lost = [], [], 0
    try:
        lmtp = smtplib.LMTP("127.0.0.1", lmtp_port)
        try:
            # The warm-up proves the watcher is up and past its first pass; then it is back in IDLE.
            deliver(lmtp, mails[0])
            arrived, _ = wait_token(consoles, mails[0].subject.rsplit(" ", 1)[1], 0, warmup_timeout)
            assert arrived is not None, "the warm-up message never reached the console"
            time.sleep(1.0)
            for mail in mails[1:]:
                time.sleep(rnd.uniform(0.3, 1.2))  # lands anywhere in the watcher's idle_check cycle
                token = mail.subject.rsplit(" ", 1)[1]
                since = len(consoles.received)
                t = time.perf_counter()
                deliver(lmtp, mail)
                lmtp_times.append(time.perf_counter() - t)
                arrived, _ = wait_token(consoles, token, since, 10)
                if arrived is None:
                    lost += 1
                else:
                    latencies.append(arrived - t)
        finally:
            lmtp.quit()
    finally:
        consoles.close()
    return {**summary(latencies), "lost": lost, "lmtp": summary(lmtp_times)}


def raw_idle_latency(dovecot, mails: list[Mail], seed: int) -> dict:  # type: ignore[no-untyped-def]
    """Baseline: a bare IMAPClient in IDLE on the same server, same deliveries: delivery → EXISTS."""
    rnd = random.Random(seed)
    latencies = []
    client = dovecot.client()
    lmtp = smtplib.LMTP("127.0.0.1", dovecot.lmtp_port)
    try:
        client.select_folder("INBOX")
        client.idle()
        for mail in mails:
            time.sleep(rnd.uniform(0.3, 1.2))
            t = time.perf_counter()
            deliver(lmtp, mail)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                responses = client.idle_check(timeout=0.5)
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    latencies.append(time.perf_counter() - t)
                    break
        client.idle_done()
    finally:
        lmtp.quit()
        client.logout()
    return summary(latencies)


def separate_watcher_check(env: dict[str, str], workdir: Path, lmtp_port: int, mails: list[Mail]) -> dict:
    """Embedded: `serve` and `email watch` as two processes — does queue:added reach the console?"""
    processes: list[AppProcess] = []
    consoles = Consoles()
    received = 0
    try:
        processes.append(serve_app(env, workdir / "check-serve.log"))
        processes.append(start_process([CLI, "email", "watch"], env, workdir / "check-watch.log"))
        consoles.connect(processes[0].url, login(processes[0].url, "amb02"))
        time.sleep(3)
        lmtp = smtplib.LMTP("127.0.0.1", lmtp_port)
        for mail in mails:
            deliver(lmtp, mail)
        lmtp.quit()
        deadline = time.monotonic() + 10
        tokens = {m.subject.rsplit(" ", 1)[1] for m in mails}
        while time.monotonic() < deadline:
            received = sum(token in tokens for token, _t in consoles.received)
            if received == len(mails):
                break
            time.sleep(0.1)
    finally:
        consoles.close()
        stop_all(processes)
    recorded = check_database(env)["inbound"]
    return {"delivered": len(mails), "received": received, "recorded_in_db": recorded}


# ---------------------------------------------------------------- one configuration
def run_config(config: str, args: argparse.Namespace, dovecot, smtp_port: int, run_id: str,  # type: ignore[no-untyped-def]
               cache: dict) -> dict:  # fmt: skip
    workdir = OUT / f"p5-{config}"
    print(f"  -- {config}", flush=True)
    dovecot.empty()
    pg_options = "?options=" + quote(args.pg_options) if args.pg_options else ""
    env = deploy(config, workdir, dovecot.imap_port, smtp_port, run_id, pg_options)
    ids = create_staff(env, ["amb01", "amb02"])
    references = seed_requests(env, ids["amb01"], SEEDED_REQUESTS)
    key = (args.messages, args.seed, tuple(references))
    if cache.get("key") != key:
        started = time.perf_counter()
        cache["key"], cache["mails"] = key, corpus(args.messages, args.seed, references)
        print(
            f"  corpus: {args.messages} messages built in {time.perf_counter() - started:.1f} s", flush=True
        )
    mails: list[Mail] = cache["mails"]
    expected_items = sum(m.new_item for m in mails)
    result: dict = {"config": config, "messages": len(mails), "bytes": sum(len(m.raw) for m in mails),
                    "expected_items": expected_items, "references": references}  # fmt: skip
    result["deliver_s"] = deliver_all(dovecot.lmtp_port, mails)
    print(f"  delivered over LMTP in {result['deliver_s']:.1f} s "
          f"({len(mails) / result['deliver_s']:.0f} messages/s, {result['bytes'] / 1e6:.1f} MB)", flush=True)  # fmt: skip
    for mode in ("fetch", "parse"):
        result[mode] = run_worker(env, mode, workdir)
        r = result[mode]
        print(f"  baseline {mode:5}: {r['messages']} in {r['wall_s']:.2f} s "
              f"({r['messages'] / r['wall_s']:.0f}/s), peak RSS {r['peak_kb'] / 1024:.0f} MB", flush=True)  # fmt: skip
    profile = OUT / f"p5-profile-{config}.txt" if args.profile else None
    result["app"] = app = run_worker(env, "app", workdir, profile)
    rate = app["messages"] / app["last_record_s"]
    print(f"  app ingest: {app['messages']} recorded ({app['created']} new) in {app['last_record_s']:.2f} s to the "
          f"last commit, run_once {app['wall_s']:.2f} s: {rate:.0f} messages/s, CPU {app['cpu_s']:.1f} s, "
          f"peak RSS {app['peak_kb'] / 1024:.0f} MB, acknowledgement jobs drained {app['jobs_drain_s']:.1f} s later"
          + (f"; profile in {profile}" if profile else ""), flush=True)  # fmt: skip
    db = result["db"] = check_database(env)
    flags = dovecot.flags()
    from contact_centre.channels.email.mailbox import PROCESSED_KEYWORD

    result["flagged"] = sum(PROCESSED_KEYWORD in f for f in flags.values())
    result["in_mailbox"] = len(flags)
    problems = []
    if db["inbound"] != len(mails) or db["distinct_external_ids"] != len(mails):
        problems.append(
            f"{db['inbound']} inbound contacts ({db['distinct_external_ids']} distinct) for {len(mails)}"
        )
    if db["items"] != expected_items:
        problems.append(f"{db['items']} queue items, expected {expected_items}")
    if result["flagged"] != len(mails):
        problems.append(f"{result['flagged']} of {len(mails)} messages flagged on the server")
    if db["contact_events"] != db["inbound"] + db["acknowledgements"]:
        problems.append(
            f"{db['contact_events']} contact audit events for {db['inbound'] + db['acknowledgements']} contacts"
        )
    if db["queue_events"] != len(mails) + SEEDED_REQUESTS:
        problems.append(f"{db['queue_events']} queue audit events, expected {len(mails) + SEEDED_REQUESTS}")
    result["problems"] = problems
    print(f"  check: {db['inbound']} inbound contacts, {db['items']} items (expected {expected_items}), "
          f"{db['joined_request']} joined a request, {db['acknowledgements']} acknowledgements queued, "
          f"{db['contact_events'] + db['queue_events']} audit events, "
          f"{result['flagged']}/{result['in_mailbox']} flagged — {problems or 'OK'}", flush=True)  # fmt: skip

    if not args.idle:
        return result
    # IDLE: first the bare server's own notification delay, then the app
    idle_mails = corpus(args.idle + 1, args.seed + 1, tag=f"bench-{run_id}{config[0]}-0")
    raw_mails = corpus(args.idle, args.seed + 3, tag=f"bench-{run_id}r-0")
    result["idle_raw"] = raw = raw_idle_latency(dovecot, raw_mails, args.seed)
    print(f"  IDLE baseline (bare IMAPClient, delivery → EXISTS): p50 {ms(raw['p50'])} ms, p99 {ms(raw['p99'])} ms",
          flush=True)  # fmt: skip
    with dovecot.client() as client:  # out of the way of the app's watcher
        client.select_folder("INBOX")
        client.delete_messages(client.search(["SUBJECT", f"bench-{run_id}r-0"]))
        client.expunge()
    processes: list[AppProcess] = []
    try:
        if config == "embedded":
            port = free_port()
            cmd = [sys.executable, __file__, "--serve-with-watcher", str(port)]
            served = AppProcess(cmd, dict(env, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}"), port,
                                workdir / "serve-watch.log")  # fmt: skip
            processes.append(served.start())
        else:
            processes.append(serve_app(env, workdir / "serve.log"))
            processes.append(start_process([CLI, "email", "watch"], env, workdir / "watch.log"))
        result["idle"] = idle = idle_latency(processes[0].url, dovecot.lmtp_port, idle_mails, args.seed)
    finally:
        stop_all(processes)
    result["server_problems"] = [line for p in processes for line in p.problems()][:20]
    print(f"  IDLE: {idle['n']} deliveries, delivery → queue:added p50 {ms(idle['p50'])} ms, p99 {ms(idle['p99'])} ms, "
          f"max {ms(idle['max'])} ms (lost {idle['lost']}; LMTP alone p50 {ms(idle['lmtp']['p50'])} ms)", flush=True)  # fmt: skip
    if config == "embedded" and not args.skip_check:
        check_mails = corpus(4, args.seed + 2, tag=f"bench-{run_id}s-0")[1:]
        result["separate_watcher"] = sep = separate_watcher_check(
            env, workdir, dovecot.lmtp_port, check_mails
        )
        print(f"  embedded with `email watch` as its own process: {sep['received']}/{sep['delivered']} queue:added "
              f"reached the console within 10 s ({sep['recorded_in_db'] - db['inbound'] - len(idle_mails)} of them "
              f"recorded in the database)", flush=True)  # fmt: skip
    if config != "embedded":
        flush_p5_redis()
    return result


# ---------------------------------------------------------------- report
def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def tables(results: list[dict]) -> str:
    lines = ["| config | messages | app: to last commit | app msg/s | baseline fetch msg/s | fetch + parse msg/s "
             "| app / fetch time | app / fetch+parse time | app CPU | checks |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        a, f, p = r["app"], r["fetch"], r["parse"]
        n = a["messages"]
        lines.append(
            f"| {r['config']} | {n} ({r['bytes'] / 1e6:.0f} MB) | {a['last_record_s']:.1f} s | **{n / a['last_record_s']:.0f}** "
            f"| {f['messages'] / f['wall_s']:.0f} | {p['messages'] / p['wall_s']:.0f} "
            f"| {a['last_record_s'] / f['wall_s']:.1f}× | {a['last_record_s'] / p['wall_s']:.1f}× "
            f"| {a['cpu_s']:.1f} s ({a['cpu_s'] * 1000 / n:.1f} ms/msg) | {'OK' if not r['problems'] else '; '.join(r['problems'])} |"
        )  # fmt: skip
    lines += ["", "| config | RSS before | at 50 | at 500 | at 1,000 | at 2,000 | peak (app) | peak fetch | peak fetch+parse |",
              "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        a = r["app"]
        rss = {n: mb(a["at"][str(n)]["rss_kb"]) if str(n) in a["at"] else "–" for n in (50, 500, 1000, 2000)}
        lines.append(f"| {r['config']} | {mb(a['rss_start_kb'])} | {rss[50]} | {rss[500]} | {rss[1000]} | {rss[2000]} "
                     f"| {mb(a['peak_kb'])} | {mb(r['fetch']['peak_kb'])} | {mb(r['parse']['peak_kb'])} |")  # fmt: skip
    lines += ["", "| config | IDLE deliveries | delivery → queue:added p50 | p99 | max | baseline: delivery → EXISTS "
              "p50 / p99 | p50 ratio | p99 ratio | LMTP alone p50 | lost |",
              "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in (r for r in results if "idle" in r):
        i, b = r["idle"], r["idle_raw"]
        lines.append(f"| {r['config']} | {i['n']} | {ms(i['p50'])} ms | **{ms(i['p99'])} ms** | {ms(i['max'])} ms "
                     f"| {ms(b['p50'])} / {ms(b['p99'])} ms | {i['p50'] / b['p50']:.2f}× | {i['p99'] / b['p99']:.2f}× "
                     f"| {ms(i['lmtp']['p50'])} ms | {i['lost']} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", default="pg-redis,embedded")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--idle", type=int, default=50, help="deliveries timed while the watcher is in IDLE")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="run the app's ingestion under cProfile")
    parser.add_argument("--pg-options", default="", help="e.g. '-c synchronous_commit=off' (an experiment)")
    parser.add_argument("--skip-check", action="store_true", help="embedded: skip the separate-watcher check")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--serve-with-watcher", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.out), Path(args.profile_out) if args.profile_out else None)
        return
    if args.serve_with_watcher:
        serve_with_watcher(args.serve_with_watcher)
        return

    from tests.support.mail_servers import start_dovecot, start_smtp_sink

    run_id = format(int(time.time()) % 100000, "x")
    load_before = os.getloadavg()
    print(f"P5 e-mail ingestion — {machine()}", flush=True)
    dovecot = start_dovecot()
    sink, controller = start_smtp_sink()  # embedded sends its acknowledgements here
    cache: dict = {}
    results = []
    try:
        for config in args.configs.split(","):
            results.append(run_config(config, args, dovecot, sink.port, run_id, cache))
    finally:
        controller.stop()
        dovecot.destroy()
    load_after = os.getloadavg()
    print(f"\nload average before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}; "
          f"{len(sink.messages)} acknowledgements reached the SMTP sink (embedded sends them in-process)")  # fmt: skip
    print("\n" + tables(results))
    for r in results:
        if r.get("server_problems"):
            print(f"\nserver log problems ({r['config']}):\n  " + "\n  ".join(r["server_problems"]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "p5.json").write_text(json.dumps({"load_before": load_before, "load_after": load_after,
                                             "results": results}, indent=2, default=str))  # fmt: skip


if __name__ == "__main__":
    main()
