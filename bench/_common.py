"""Shared helpers for the benches: percentiles, throw-away databases, app processes, logged-in consoles.

Everything stays on loopback; every wait is bounded; every process started here is stopped by the
caller's try/finally (AppProcess.stop, or stop_all).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from contact_centre.domain.business_calendar import BusinessCalendar

BIN = Path(sys.executable).parent
CLI = (
    str(BIN / "contact-centre")
    if (BIN / "contact-centre").exists()
    else (shutil.which("contact-centre") or "")
)
PG_ADMIN = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")  # db 15 only
OUT = Path(os.environ.get("BENCH_OUT", "/tmp/bench-out"))
PASSWORD = "longpassword"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


# ---------------------------------------------------------------- statistics
def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"n": len(values), "p50": pct(values, 50), "p99": pct(values, 99), "max": max(values)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def jitter(reps: int = 100) -> dict[str, float]:
    """The machine's own noise: a fixed ~5 ms pure-Python loop, timed `reps` times."""
    timings = []
    for _ in range(reps):
        t = time.perf_counter()
        sum(i * i for i in range(60_000))
        timings.append(time.perf_counter() - t)
    return summary(timings)


def machine() -> str:
    load = os.getloadavg()
    probe = jitter()
    return (f"{os.cpu_count()} cores, load avg {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, "
            f"CPU jitter probe (fixed busy loop) p50 {ms(probe['p50'])} ms p99 {ms(probe['p99'])} ms")  # fmt: skip


# ---------------------------------------------------------------- databases / redis
def sqlalchemy_url(name: str) -> str:
    return PG_ADMIN.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def recreate_database(name: str) -> str:
    """Drops and creates a bench database (never `test`); returns its SQLAlchemy URL."""
    assert name.startswith("bench"), "benches only touch their own databases"
    import psycopg

    with psycopg.connect(PG_ADMIN + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return sqlalchemy_url(name)


def flush_redis() -> None:
    import redis

    assert REDIS_URL.endswith("/15")
    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- the app
def app_env(instance: Path, database_url: str = "", redis_url: str = "", channel: str = "") -> dict[str, str]:
    """The environment of one deployment; empty database/redis means the embedded defaults."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["INSTANCE_PATH"] = str(instance)
    env["SECRET_KEY"] = "bench-secret-not-for-production"
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["SOCKETIO_CHANNEL"] = channel or f"bench-{os.getpid()}"
        env["RQ_QUEUE"] = env["SOCKETIO_CHANNEL"]
    return env


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"contact-centre {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


@dataclass
class AppProcess:
    """One serving process (the app's `serve`, or a baseline server), its log kept in a file."""

    cmd: list[str]
    env: dict[str, str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/healthz", timeout: float = 30) -> AppProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("wb")
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.cmd[0]} exited early, see {self.log}")
            try:
                requests.get(self.url + ready_path, timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"{self.url} not ready after {timeout}s, see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def cpu_seconds(self) -> float:
        """User + system CPU time consumed so far by the process (Linux /proc)."""
        if self.proc is None:
            return 0.0
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def problems(self) -> list[str]:
        """Lines of the log that look like server-side errors."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        return [ln for ln in lines if re.search(r"Traceback|ERROR|Exception|Error:", ln)]


def serve_app(env: dict[str, str], log: Path) -> AppProcess:
    port = free_port()
    env = dict(env, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")  # the Socket.IO CORS check
    return AppProcess([CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], env, port, log).start()


def stop_all(processes: list[AppProcess]) -> None:
    for process in processes:
        process.stop()


# ---------------------------------------------------------------- accounts, consoles
def create_staff(env: dict[str, str], usernames: list[str], role: str = "ambassador") -> dict[str, int]:
    """Creates accounts through the domain (faster than one CLI process each); returns their ids."""
    from sqlalchemy.orm import Session

    import contact_centre.domain.models  # noqa: F401  (every table, for the ORM's flush order)
    from contact_centre.domain.unit_of_work import UnitOfWork
    from contact_centre.infrastructure.db import Database
    from contact_centre.infrastructure.publishing import NullPublisher
    from contact_centre.plugins import load_settings
    from contact_centre.services.staff import create_user

    settings = load_settings(env).resolved()
    database = Database(settings.database.database_url)
    ids = {}
    try:
        with Session(database.engine) as session:
            uow = UnitOfWork(session, NullPublisher())
            for name in usernames:
                ids[name] = create_user(uow, name, role, PASSWORD, full_name=name.title()).id
            uow.commit()
    finally:
        database.dispose()
    return ids


def login(base: str, username: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=10)
    match = CSRF_RE.search(page.text)
    assert match, "no csrf_token on /login"
    token = next(g for g in match.groups() if g)
    response = http.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                         timeout=10, allow_redirects=False)  # fmt: skip
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    return http


def cookie_header(http: requests.Session | None) -> dict[str, str]:
    if http is None:
        return {}
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in http.cookies)}


# ---------------------------------------------------------------- business hours
def in_hours_offset(calendar: BusinessCalendar, now: datetime) -> timedelta:
    """How far to shift a clock reading `now` so that it reads business hours for at least an hour:
    nothing if the service is open now and an hour from now, else one hour after the next opening."""
    hour = timedelta(hours=1)
    if calendar.is_open(now) and calendar.is_open(now + hour):
        return timedelta(0)
    return calendar.next_opening(now + hour) + hour - now
