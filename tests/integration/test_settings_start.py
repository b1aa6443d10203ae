"""A bad setting stops every way in before a port or the database is opened: one French line per
variable, exit status 2 (3 under gunicorn: its « worker failed to boot »), never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, "INSTANCE_PATH": str(tmp_path / "instance"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"SMTP_PORT": "abc"}, "SMTP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu, reçu « abc »"),
        ({"IMAP_SECURITY": "tls"}, "IMAP_SECURITY : ssl, starttls ou none est attendu, reçu « tls »"),
    ],
)  # fmt: skip
def test_serve_stops_at_a_bad_value_before_opening_a_port(tmp_path, env, line):
    port = _free_port()
    result = _run(tmp_path, env, "-m", "contact_centre.cli", "serve", "--port", str(port))
    assert result.returncode == 2, result.stderr
    assert line in result.stderr.splitlines()[1]
    assert "Traceback" not in result.stderr + result.stdout
    assert "Espace Citoyen sur" not in result.stdout
    with socket.socket() as s:  # nothing was left listening, and nothing had been: the port is free
        s.bind(("127.0.0.1", port))
    assert not (tmp_path / "instance" / "espace-citoyen.sqlite3").exists()


def test_init_db_stops_at_a_bad_value_without_creating_the_database(tmp_path):
    result = _run(tmp_path, {"CLAIM_LEASE_SECONDS": "deux minutes", "SMTP_PORT": "abc"}, "-m", "contact_centre.cli", "init-db")
    assert result.returncode == 2
    assert result.stderr.splitlines()[1:3] == [
        "  CLAIM_LEASE_SECONDS : un entier supérieur ou égal à 1 est attendu, reçu « deux minutes »",
        "  SMTP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu, reçu « abc »",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "instance" / "espace-citoyen.sqlite3").exists()
    good = _run(tmp_path, {}, "-m", "contact_centre.cli", "init-db")
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "instance" / "espace-citoyen.sqlite3").exists()


def test_check_config_reports_instead_of_stopping(tmp_path):
    result = _run(tmp_path, {"SMTP_PORT": "abc", "SMTP_PASSWORD": "mdp-smtp"}, "-m", "contact_centre.cli", "check-config")
    assert result.returncode == 2
    assert "SMTP_PASSWORD" in result.stdout and "mdp-smtp" not in result.stdout + result.stderr
    assert "  SMTP_PORT : un entier entre 1 et 65535 (ou 0, le port habituel) est attendu, reçu « abc »" in result.stderr


def test_gunicorns_import_fails_clearly(tmp_path):
    result = _run(tmp_path, {"IMAP_SECURITY": "tls"}, "-c", "import contact_centre.wsgi")
    assert result.returncode == 3  # gunicorn's WORKER_BOOT_ERROR: the arbiter stops instead of respawning
    assert result.stderr.splitlines() == [
        "Configuration invalide :",
        "  IMAP_SECURITY : ssl, starttls ou none est attendu, reçu « tls »",
    ]
