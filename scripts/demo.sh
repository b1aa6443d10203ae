#!/usr/bin/env bash
# Installs the app and runs it on the embedded defaults (SQLite, in-process jobs) with demo
# data at http://127.0.0.1:5000 — nothing else to install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
[ -d "$VENV" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# The exact versions of requirements.lock, hash-checked, then the app itself (README, « Updating dependencies »).
"$VENV/bin/pip" install -q --require-hashes -r requirements.lock
"$VENV/bin/pip" install -q --no-deps -e .

"$VENV/bin/contact-centre" init-db
"$VENV/bin/contact-centre" seed-demo
exec "$VENV/bin/contact-centre" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
