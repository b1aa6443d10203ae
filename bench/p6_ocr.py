#!/usr/bin/env python
"""P6 — OCR of scanned letters: throughput per core, and what a batch of 50 pages does to P1 latency.

1. Throughput: full A4 pages (300 dpi, ~30 lines of French) rendered from a PDF by the app's own code
   (`channels/mail/scans.render_pages`) and read by the app's `TesseractOcr` (the `tesseract` command)
   with OMP_THREAD_LIMIT=1, one after the other in this process: seconds per page, pages per minute
   per core.
2. Interference: PostgreSQL + Redis, 2 `serve` processes and 1 RQ worker (`contact-centre worker`,
   OCR_THREADS=1, run under `nice -n NICE`: OCR is background work). 10 logged-in consoles; contacts
   posted to `POST /api/v1/contacts` at RATE/s, latency measured exactly as P1 (reception of
   `queue:added` by each console minus the instant before the POST). Three windows in one run:
   before (no OCR), during (10 letters × 5 pages just uploaded through `POST /console/api/mail/letters`,
   the worker busy reading them), after (OCR finished). The batch must still be running when the
   "during" window ends, or that window is reported as not measured.

    python bench/p6_ocr.py                          # both parts
    python bench/p6_ocr.py --pages 6 --rate 20 --count 400 --nice 10
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    BIN,
    OUT,
    REDIS_URL,
    AppProcess,
    app_env,
    cli,
    create_staff,
    flush_redis,
    login,
    machine,
    ms,
    recreate_database,
    serve_app,
    stop_all,
    summary,
)
from p1_contact_to_console import Consoles, run_rate

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PARAGRAPHS = [
    "Madame, Monsieur le Maire,",
    "Je me permets de vous écrire au sujet de l'éclairage public de la rue Édouard Vaillant, éteint "
    "depuis le début du mois de février. Les riverains, et notamment les personnes âgées, n'osent plus "
    "sortir après dix-huit heures ; les enfants qui rentrent de l'école traversent la rue dans le noir.",
    "J'ai déjà signalé ce problème par téléphone le 12 janvier, sous la référence GRC-2026-000123, sans "
    "qu'aucune intervention n'ait eu lieu à ce jour. Je vous serais reconnaissante de bien vouloir "
    "faire le nécessaire dans les meilleurs délais, et de m'en tenir informée par courrier.",
    "Par ailleurs, le trottoir devant le numéro 14 est très abîmé : les racines des platanes ont soulevé "
    "les dalles et une voisine y est tombée la semaine dernière. Peut-on envisager une réfection ?",
    "Dans l'attente de votre réponse, je vous prie d'agréer, Madame, Monsieur le Maire, l'expression de "
    "mes salutations distinguées.",
    "Bérénice Fournier, 14 rue Édouard Vaillant",
]


def a4_page(number: int) -> object:
    """An A4 page at 300 dpi: letterhead, the paragraphs wrapped at ~70 characters, ~30 lines."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 46)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    y = 300
    draw.text((236, y), f"Reims, le 3 mars 2026 — page {number}", font=font, fill=0)
    y += 160
    for paragraph in PARAGRAPHS:
        for line in textwrap.wrap(paragraph, 68):
            draw.text((236, y), line, font=font, fill=0)
            y += 74
        y += 50
    return image


def pdf_of(pages: int, first: int = 1) -> bytes:
    images = [a4_page(first + n) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=300, save_all=True, append_images=images[1:])  # type: ignore[attr-defined]
    return out.getvalue()


# ---------------------------------------------------------------- 1. throughput
def throughput(pages: int) -> dict:
    from contact_centre.channels.mail.ocr import TesseractOcr
    from contact_centre.channels.mail.scans import render_pages

    data = pdf_of(pages)
    engine = TesseractOcr("fra", threads=1, timeout=300)
    engine.read(a4_page(0), 300)  # warm-up: loads the French model into the page cache
    render, read, chars = [], [], []
    t = time.perf_counter()
    for image, dpi in render_pages(data, "pdf", 300):
        rendered = time.perf_counter()
        text = engine.read(image, dpi)
        done = time.perf_counter()
        render.append(rendered - t)
        read.append(done - rendered)
        chars.append(len(text))
        t = time.perf_counter()
    per_page = [a + b for a, b in zip(render, read, strict=True)]
    result = {
        "pages": pages,
        "render_s": summary(render),
        "ocr_s": summary(read),
        "page_s": summary(per_page),
        "pages_per_minute_per_core": 60 / statistics.median(per_page),
        "characters_per_page": statistics.median(chars),
    }
    print(f"  throughput: {pages} A4 pages, render p50 {ms(result['render_s']['p50'])} ms, OCR p50 "
          f"{result['ocr_s']['p50']:.2f} s (p99 {result['ocr_s']['p99']:.2f} s), "
          f"{result['pages_per_minute_per_core']:.1f} pages/min/core, {result['characters_per_page']:.0f} chars/page",
          flush=True)  # fmt: skip
    return result


# ---------------------------------------------------------------- 2. interference
def start_worker(env: dict[str, str], log: Path, niceness: int) -> AppProcess:
    env = dict(env, OCR_THREADS="1", OMP_THREAD_LIMIT="1")
    cmd = ["nice", "-n", str(niceness), str(BIN / "contact-centre"), "worker"]
    worker = AppProcess(cmd, env, 0, log)
    log.parent.mkdir(parents=True, exist_ok=True)
    worker.proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return worker


def console_http(base: str, username: str) -> requests.Session:
    http = login(base, username)
    page = http.get(f"{base}/console/", timeout=10)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, "no csrf-token meta on the console"
    http.headers["X-CSRFToken"] = match.group(1)
    return http


def ocr_progress(http: requests.Session, base: str, item_ids: list[int]) -> tuple[int, int]:
    """(pages read, letters still pending), from the console's own letter endpoint."""
    read, pending = 0, 0
    for item_id in item_ids:
        data = http.get(f"{base}/console/api/mail/items/{item_id}/letter", timeout=10).json()
        for letter in data["letters"]:
            read += len(letter["pages"])
            pending += letter["status"] == "pending"
    return read, pending


def interference(
    rate: float, count: int, letters: int, pages_per_letter: int, niceness: int, run_id: str
) -> dict:
    workdir = OUT / "p6"
    shutil.rmtree(workdir, ignore_errors=True)
    flush_redis()
    url = recreate_database("bench_p6")
    env = app_env(workdir / "instance", url, REDIS_URL, channel=f"bench-p6-{os.getpid()}")
    cli(env, "init-db")
    users = [f"amb{i:02d}" for i in range(10)]
    create_staff(env, [*users, "formulaire", "courrier"])
    auth = [{"Authorization": "Bearer " + cli(env, "create-token", "formulaire")}]
    scans = [pdf_of(pages_per_letter, first=n * pages_per_letter + 1) for n in range(letters)]
    apps: list[AppProcess] = []
    consoles = Consoles()
    windows: dict = {}
    try:
        apps = [serve_app(env, workdir / f"app{n}.log") for n in range(2)]
        worker = start_worker(env, workdir / "worker.log", niceness)
        apps.append(worker)
        for i, user in enumerate(users):
            app = apps[i % 2]
            consoles.connect(app.url, login(app.url, user))
        urls = [a.url for a in apps[:2]]
        run_rate(urls, auth, consoles, 10, 20, f"bench-{run_id}w-0")  # warm-up

        def window(name: str) -> dict:
            result = run_rate(urls, auth, consoles, rate, count, f"bench-{run_id}{name[0]}-0")
            print(f"  {name:7} {rate:g}/s ×{count}: p50 {ms(result['p50'])} ms, p99 {ms(result['p99'])} ms, "
                  f"max {ms(result['max'])} ms (lost {result['lost']}, errors {result['errors']}, "
                  f"send lag {ms(result['max_send_lag'])} ms)", flush=True)  # fmt: skip
            return result

        windows["before"] = window("before")
        clerk = console_http(urls[0], "courrier")
        started = time.perf_counter()
        item_ids = []
        for n, data in enumerate(scans):
            response = clerk.post(f"{urls[0]}/console/api/mail/letters",
                                  files=[("files", (f"lettre-{n + 1}.pdf", data))], timeout=60)  # fmt: skip
            assert response.status_code == 201, response.text
            item_ids.append(response.json()["letters"][0]["queue_item_id"])
        upload_s = time.perf_counter() - started
        windows["during"] = window("during")
        read, pending = ocr_progress(clerk, urls[0], item_ids)
        windows["during"]["ocr_pages_done_at_end"] = read
        windows["during"]["ocr_letters_pending_at_end"] = pending
        windows["during"]["valid"] = pending > 0
        total = letters * pages_per_letter
        deadline = time.monotonic() + 60 + total * 30
        while pending and time.monotonic() < deadline:
            time.sleep(1)
            read, pending = ocr_progress(clerk, urls[0], item_ids)
        batch_s = time.perf_counter() - started
        assert not pending, f"OCR batch not finished after {batch_s:.0f} s"
        print(f"  OCR batch: {total} pages in {batch_s:.1f} s ({total * 60 / batch_s:.1f} pages/min, "
              f"upload {upload_s:.1f} s); {windows['during']['ocr_pages_done_at_end']} pages read when the "
              f"'during' window ended", flush=True)  # fmt: skip
        windows["after"] = window("after")
    finally:
        consoles.close()
        time.sleep(0.5)
        stop_all(apps)
    base = windows["before"]
    return {
        "rate": rate,
        "count": count,
        "letters": letters,
        "pages": letters * pages_per_letter,
        "nice": niceness,
        "batch_seconds": batch_s,
        "upload_seconds": upload_s,
        "windows": windows,
        "ratio_p50": windows["during"]["p50"] / base["p50"],
        "ratio_p99": windows["during"]["p99"] / base["p99"],
        "server_problems": [line for a in apps for line in a.problems()][:20],
    }


def throughput_table(tp: dict) -> str:
    return "\n".join([
        "| OCR, one core (OMP_THREAD_LIMIT=1) | p50 | p99 |",
        "|---|---|---|",
        f"| render one A4 page from the PDF at 300 dpi | {ms(tp['render_s']['p50'])} ms | {ms(tp['render_s']['p99'])} ms |",
        f"| Tesseract `fra`, one A4 page (~{tp['characters_per_page']:.0f} characters) | {tp['ocr_s']['p50']:.2f} s | {tp['ocr_s']['p99']:.2f} s |",
        f"| **throughput** | **{tp['pages_per_minute_per_core']:.1f} pages/min/core** | |",
    ])  # fmt: skip


def table(res: dict) -> str:
    during = res["windows"]["during"]
    lines = [
        f"RQ worker at nice {res['nice']}: {res['pages']} pages read in {res['batch_seconds']:.1f} s "
        f"({res['pages'] * 60 / res['batch_seconds']:.1f} pages/min); {during['ocr_pages_done_at_end']} pages "
        f"read when the 'during' window ended ({'valid' if during['valid'] else 'NOT valid: batch already over'}).",
        "",
        f"| P1 window ({res['rate']:g} contacts/s × {res['count']}, 10 consoles) | p50 | p99 | max | p50 ratio | p99 ratio | lost / errors |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    base = res["windows"]["before"]
    for name in ("before", "during", "after"):
        w = res["windows"][name]
        label = {"before": "before (no OCR)", "during": f"during the OCR of {res['pages']} pages",
                 "after": "after (OCR done)"}[name]  # fmt: skip
        lines.append(
            f"| {label} | {ms(w['p50'])} ms | {ms(w['p99'])} ms | {ms(w['max'])} ms "
            f"| {w['p50'] / base['p50']:.2f}× | {w['p99'] / base['p99']:.2f}× | {w['lost']} / {w['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=8, help="pages for the throughput part")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--count", type=int, default=400, help="contacts per P1 window")
    parser.add_argument("--letters", type=int, default=10)
    parser.add_argument("--pages-per-letter", type=int, default=5)
    parser.add_argument("--nice", default="10,0", help="niceness of the RQ worker; one run per value")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    run_id = format(int(time.time()) % 100000, "x")
    print(f"P6 OCR — {machine()}", flush=True)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    tp = {} if args.skip_throughput else throughput(args.pages)
    runs = []
    for niceness in (int(n) for n in args.nice.split(",")):
        print(f"  -- RQ worker at nice {niceness}", flush=True)
        runs.append(
            interference(args.rate, args.count, args.letters, args.pages_per_letter, niceness, run_id)
        )
    if tp:
        print("\n" + throughput_table(tp))
    for res in runs:
        print("\n" + table(res))
        if res["server_problems"]:
            print("\nserver log problems:\n  " + "\n  ".join(res["server_problems"]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "p6.json").write_text(json.dumps({"throughput": tp, "interference": runs}, indent=2))


if __name__ == "__main__":
    main()
