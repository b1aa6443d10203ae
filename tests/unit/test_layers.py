"""The import contracts hold on the tree, and they do catch the imports they forbid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the copy's package, not the installed one, is the one analysed.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "contact_centre", tmp_path / "contact_centre", ignore=shutil.ignore_patterns("static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def _plant(path: Path, line: str) -> None:
    path.write_text(line + "\n" + path.read_text())


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_a_domain_module_importing_flask_breaks_the_build(tree: Path) -> None:
    _plant(tree / "contact_centre/domain/business_calendar.py", "import flask  # planted")
    result = _lint(tree)
    assert result.returncode != 0
    assert "contact_centre.domain.business_calendar -> flask" in result.stdout


def test_a_channel_importing_another_breaks_the_build(tree: Path) -> None:
    _plant(tree / "contact_centre/channels/phone/calls.py", "from contact_centre.channels.email import parse  # planted")
    result = _lint(tree)
    assert result.returncode != 0
    assert "contact_centre.channels.phone is not allowed to import contact_centre.channels.email" in " ".join(
        result.stdout.split()
    )


def test_a_service_reaching_up_to_an_entry_point_breaks_the_build(tree: Path) -> None:
    _plant(tree / "contact_centre/services/intake.py", "from contact_centre.console import views  # planted")
    result = _lint(tree)
    assert result.returncode != 0
    assert "contact_centre.services is not allowed to import contact_centre.console" in " ".join(result.stdout.split())
