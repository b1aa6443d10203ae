#!/usr/bin/env bash
# Runs every bench in turn; logs and JSON results go to $BENCH_OUT (default /tmp/bench-out).
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379 (db 15 is flushed;
# P5 flushes db 13). P5 also needs Dovecot (run as root: it starts a private one on loopback ports).
# Creates/drops only the databases bench_p1, bench_p2, bench_p3, bench_p4, bench_p5 and bench_p6. About 27 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
OUT="${BENCH_OUT:-/tmp/bench-out}"
mkdir -p "$OUT"
"$PY" bench/p1_contact_to_console.py 2>&1 | tee "$OUT/p1.log"
"$PY" bench/p2_phone_voice.py 2>&1 | tee "$OUT/p2.log"
"$PY" bench/p3_claim.py 2>&1 | tee "$OUT/p3.log"
"$PY" bench/p4_large_data.py 2>&1 | tee "$OUT/p4.log"
"$PY" bench/p5_email.py 2>&1 | tee "$OUT/p5.log"
"$PY" bench/p6_ocr.py 2>&1 | tee "$OUT/p6.log"
