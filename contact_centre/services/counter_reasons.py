"""The kiosk's short list of reasons for a visit, each mapped to processes of the catalogue."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "counter_reasons.csv"


@dataclass(frozen=True)
class Reason:
    code: str
    letter: str  # the ticket's letter: one per group of reasons
    label: str
    processes: tuple[str, ...]
    priority: int  # 1 is called first, as in the queue


@lru_cache(maxsize=4)
def load_reasons(path: Path | None = None) -> tuple[Reason, ...]:
    """Reads and checks the reasons file; a broken file stops the app at start, not at the kiosk."""
    source = path or DEFAULT_FILE
    with source.open(encoding="utf-8", newline="") as handle:
        reasons = tuple(
            Reason(
                code=row["code"].strip(),
                letter=row["letter"].strip().upper(),
                label=row["label"].strip(),
                processes=tuple(p.strip() for p in row["processes"].split("|") if p.strip()),
                priority=int(row["priority"]),
            )
            for row in csv.DictReader(handle)
        )
    codes = [r.code for r in reasons]
    if not reasons or len(set(codes)) != len(codes):
        raise ValueError(f"{source}: reasons must be present, with distinct codes")
    if any(len(r.letter) != 1 or not r.letter.isalpha() for r in reasons):
        raise ValueError(f"{source}: each reason needs a one-letter group")
    return reasons


def reason_by_code(reasons: tuple[Reason, ...], code: str) -> Reason | None:
    return next((r for r in reasons if r.code == code), None)
