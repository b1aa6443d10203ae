"""The built wheel is the whole app: installed in a fresh virtual environment outside the checkout, it
creates its database (the migrations are package data) and serves its pages (templates, static files)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory

from contact_centre.migrate import alembic_config

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list, **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _build_wheel(tmp_path: Path) -> Path:
    # From a copy of the sources: setuptools writes build/ and *.egg-info beside what it builds, and other
    # runs may share the checkout. No build isolation: the test extra pins setuptools, nothing is downloaded.
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "contact_centre", src / "contact_centre", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, src])
    (wheel,) = dist.glob("espace_citoyen-*.whl")
    return wheel


def _venv_with(wheel: Path, tmp_path: Path) -> Path:
    """A new venv holding only the wheel; the dependencies are this interpreter's (already installed),
    reached through a .pth line that adds their folders at the end of sys.path. Such a line does not run
    the .pth files found there, so the checkout's editable install stays out."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site_packages = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site_packages / "zz_test_dependencies.pth").write_text("".join(f"{d}\n" for d in deps))
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel])
    return venv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_the_wheel_installs_creates_its_database_and_serves_its_pages(tmp_path):
    wheel = _build_wheel(tmp_path)
    venv = _venv_with(wheel, tmp_path)
    instance = tmp_path / "instance"
    # Nothing from the caller's environment (DATABASE_URL, REDIS_URL, PYTHONPATH, IMAP_HOST…): the defaults.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "INSTANCE_PATH": str(instance)}  # fmt: skip
    run_here = {"cwd": tmp_path, "env": env}

    where = json.loads(
        _run(
            [venv / "bin" / "python", "-c",
             "import json, contact_centre.migrate as m; print(json.dumps([m.__file__, str(m.MIGRATIONS)]))"],
            **run_here,
        ).stdout
    )  # fmt: skip
    assert all(Path(p).is_relative_to(venv) for p in where), where
    assert Path(where[1], "env.py").is_file() and Path(where[1], "script.py.mako").is_file()

    out = _run([venv / "bin" / "contact-centre", "init-db"], **run_here)
    assert "Base à jour" in out.stdout
    database = instance / "espace-citoyen.sqlite3"
    with sqlite3.connect(database) as db:
        (version,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    _run([venv / "bin" / "contact-centre", "create-user", "amelie", "--role", "ambassador",
          "--password", "mot-de-passe-test"], **run_here)  # fmt: skip

    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(venv / "bin" / "contact-centre"), "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, **run_here,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert status == 200, body
        assert json.loads(body) == {"status": "ok"}

        status, page = _get(f"{base}/login")
        assert status == 200
        assert "Se connecter" in page and 'name="csrf_token"' in page
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        assert any(".css" in a for a in assets) and any(".js" in a for a in assets), assets
        for asset in assets:
            status, _ = _get(base + asset.replace("&amp;", "&"))
            assert status == 200, asset

        # The console, with every channel's panels and modules: they travel in the channels' packages.
        http = requests.Session()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(f"{base}/login", timeout=5).text)
        assert token is not None
        answer = http.post(
            f"{base}/login",
            data={"csrf_token": token[1], "username": "amelie", "password": "mot-de-passe-test"},
            timeout=5,
        )
        assert answer.status_code == 200 and answer.url.endswith("/console/"), answer.url
        for panel in ("phone-heading", "counter-desk", "letter-upload"):
            assert f'id="{panel}"' in answer.text, panel
        scripts = re.findall(r'src="(/static/js/console/channels/[^"]+)"', answer.text)
        assert len(scripts) >= 5, scripts
        for script in scripts:
            assert http.get(base + script, timeout=5).status_code == 200, script
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()
