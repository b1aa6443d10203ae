#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs it:
# lint, types, unit, integration (SQLite and PostgreSQL + Redis) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium (browser tests)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

if ! { command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra; }; then
  echo "==> Installing Tesseract with French (scanned mail OCR)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-fra fonts-dejavu-core >/dev/null
fi

if [ ! -x /usr/sbin/dovecot ] || [ ! -e /usr/lib/dovecot/lmtp ]; then
  echo "==> Installing Dovecot (IMAP and LMTP for the e-mail tests)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-imapd dovecot-lmtpd >/dev/null
fi

echo "==> Python environment in $VENV"
[ -d "$VENV" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# The exact versions of requirements-test.lock, hash-checked, then the app itself (README, « Updating dependencies »).
"$VENV/bin/pip" install -q --require-hashes -r requirements-test.lock
"$VENV/bin/pip" install -q --no-deps --no-build-isolation -e .
"$VENV/bin/pip" check

echo "==> ruff"
"$VENV/bin/ruff" check contact_centre tests bench
echo "==> mypy"
"$VENV/bin/mypy"
echo "==> import-linter (the layers and the channels' independence, pyproject.toml)"
"$VENV/bin/lint-imports"

# PostgreSQL and Redis: the suite uses the servers at these URLs (CI has them running).
export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}

echo "==> pytest"
"$VENV/bin/pytest" -n "${PYTEST_WORKERS:-2}" --dist loadfile -q "$@"
