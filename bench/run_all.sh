#!/usr/bin/env bash
# Runs every bench in turn; logs and JSON results go to $BENCH_OUT (default /tmp/bench-out).
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379 (db 15 is flushed).
# Creates/drops only the databases bench_p1, bench_p3 and bench_p4. About 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
OUT="${BENCH_OUT:-/tmp/bench-out}"
mkdir -p "$OUT"
"$PY" bench/p1_contact_to_console.py 2>&1 | tee "$OUT/p1.log"
"$PY" bench/p3_claim.py 2>&1 | tee "$OUT/p3.log"
"$PY" bench/p4_large_data.py 2>&1 | tee "$OUT/p4.log"
