#!/usr/bin/env bash
# Writes the locks from pyproject.toml: the exact versions, with their hashes, that scripts/test.sh
# (requirements-test.lock: the app and the test extra) and scripts/demo.sh (requirements.lock: the app)
# install. The same resolution for both: the app's lock is constrained by the test lock.
#   bash scripts/lock.sh                        keeps every locked version that still fits pyproject.toml
#   bash scripts/lock.sh --upgrade              the newest versions pyproject.toml allows
#   bash scripts/lock.sh --upgrade-package rq   only that one (and what it needs)
# uv runs from a venv of its own: it is no dependency of the app.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
TOOLS=${LOCK_TOOLS:-${TMPDIR:-/tmp}/espace-citoyen-lock-tools}
if [ ! -x "$TOOLS/bin/uv" ] || [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  "${PYTHON:-python3}" -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q "uv==$UV_VERSION"
fi

compile() {
  # --universal: markers instead of this machine's answers, so the lock holds on any platform (Python 3.11+).
  "$TOOLS/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command "bash scripts/lock.sh" "$@"
}
compile pyproject.toml --extra test -o requirements-test.lock "$@"
compile pyproject.toml -c requirements-test.lock -o requirements.lock
echo "requirements-test.lock and requirements.lock written; commit them with pyproject.toml."
