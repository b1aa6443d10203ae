#!/usr/bin/env python
"""Bulk-loads (or grows) a PostgreSQL database to a given number of requests, for the P4 bench.

Per N requests: 3·N contacts, each with its (done) queue item, 0.3·N citizens with phones and
e-mails, and an open queue of a few hundred items (the newest ones). The schema comes from the
app's migrations (`contact-centre init-db`), the catalogue from its own CSV import; staff are
created through the domain. Rows are written with COPY (citizens, whose search keys come from the
app's own fold_name) and INSERT … SELECT generate_series (the rest), then VACUUM ANALYZE.

Growing is incremental: running it again with a larger --requests adds the missing rows.

    python bench/generate_data.py --database bench_p4 --requests 10000 --fresh
    python bench/generate_data.py --database bench_p4 --requests 1000000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, app_env, cli, create_staff, psycopg_url, recreate_database, sqlalchemy_url

DATA = Path(__file__).resolve().parent.parent / "contact_centre" / "data"
CITIZENS_PER_REQUEST = 0.3
CONTACTS_PER_REQUEST = 3
AMBASSADORS = [f"amb{i:02d}" for i in range(10)]


def _words(text: str) -> list[str]:
    """Whitespace-separated words; "_" stands for a space inside a name ("Le_Gall")."""
    return [word.replace("_", " ") for word in text.split()]


FIRST = _words("""
Jean Marie Pierre Michel Philippe Nathalie Isabelle Sylvie Catherine Françoise Alain Patrick Nicolas
Christophe Stéphane Sébastien Julien Camille Léa Chloé Manon Emma Inès Jade Louise Léo Hugo Lucas Gabriel
Raphaël Arthur Louis Jules Adam Maël Éloïse Zoé Anaïs Mathéo Théo Noé Clément Jérôme Hélène Bérénice
Gaëlle Maëlys Noémie Océane Benoît François Grégoire Josiane Monique Danielle Gérard Bernard André René
Yves Hervé Thierry Valérie Sandrine Céline Aurélie Émilie Mélanie Élodie Laëtitia Nadia Fatima Karim
Mohamed Yasmine Rachid Samir Amina Aïcha Kevin Dylan Enzo Lina Sarah Anne Claire Laure Agnès Thérèse
Solène Margaux Capucine Apolline Timothée Baptiste
""")
LAST = _words("""
Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux
David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefebvre
Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin
Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël
Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez
Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas
Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte
Lopez Jean Dupuis Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur
Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault
Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le_Gall Collet Léger Bouvier
Julien Prévost Millet Perrot Daniel Le_Roux Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier
Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez
Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître
Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy
Delaunay Pasquier Carlier Laporte N'Diaye D'Almeida Saint-Martin
""")
SYLLABLES = (
    _words(
        "ber bou cha de du fa ga gui la le ma mo pa pe ri ro sa te va vi lou mar jou cour bel ra no fer gar mon"
    ),
    _words("the ran lan vil ri cor min tel mon ge pel dar bar cas lo ne sel ton ver gnon rac ren sar bot"),
    _words("lot ard on et ier in eau aud y ac ot is as el e ant"),
)
DOMAINS = [
    "orange.fr",
    "gmail.com",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "wanadoo.fr",
    "hotmail.fr",
    "yahoo.fr",
]
STREETS = ["rue de la République", "avenue de Paris", "rue Léon Bourgeois", "boulevard Vaubécourt",
           "rue du Lycée", "rue de Vinetz", "avenue du Général Sarrail", "rue Saint-Dominique"]  # fmt: skip

# A deterministic pseudo-random integer in [0, n) from a bigint expression, salted.
H = "mod(hashint8(({x}) * 7 + {salt})::bigint + 2147483648, {n})"


def h(x: str, salt: int, n: int | str) -> str:
    return H.format(x=x, salt=salt, n=n)


def log(message: str, started: float) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)


def setup(database: str, fresh: bool) -> str:
    """Schema, catalogue and staff, if the database is new; returns its SQLAlchemy URL."""
    url = recreate_database(database) if fresh else sqlalchemy_url(database)
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        has_schema = conn.execute("SELECT to_regclass('public.staff_users') IS NOT NULL").fetchone()[0]
    if not has_schema:
        env = app_env(OUT / f"{database}-instance", url)
        cli(env, "init-db")
        cli(env, "import-referents", str(DATA / "referents.csv"))
        cli(env, "import-processes", str(DATA / "processes.csv"))
        create_staff(env, AMBASSADORS)
    return url


def citizen_rows(first_id: int, last_id: int):  # type: ignore[no-untyped-def]
    """Citizens, their phones and e-mails; search keys from the app's own fold_name."""
    from contact_centre.domain.contact_details import fold_name

    keys: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in keys:
            keys[name] = fold_name(name)[:120]
        return keys[name]

    rng = random.Random(first_id)
    for cid in range(first_id, last_id + 1):
        first = FIRST[min(len(FIRST) - 1, int(len(FIRST) * rng.random() ** 1.5))]
        if rng.random() < 0.5:  # common surnames, Zipf-like; the other half: a long tail
            last = LAST[min(len(LAST) - 1, int(len(LAST) * rng.random() ** 1.3))]
        else:
            last = "".join(rng.choice(part) for part in SYLLABLES).capitalize()
        civility = "Mme" if rng.random() < 0.52 else "M."
        phones = []
        if rng.random() < 0.85:
            phones.append(f"+336{(cid * 7919 + 12345678) % 100_000_000:08d}")
        if rng.random() < 0.25:  # landlines, some shared by a household
            phones.append(f"+33326{rng.randrange(0, 120_000) % 1_000_000:06d}")
        emails = []
        if rng.random() < 0.7:
            local = "".join(ch for ch in f"{key(first)}.{key(last)}" if ch.isalnum() or ch == ".")
            emails.append(f"{local}{cid}@{rng.choice(DOMAINS)}")
        address = f"{rng.randrange(1, 150)} {rng.choice(STREETS)}"
        yield (cid, civility, first, last, key(first), key(last), address, "51000", "Châlons-en-Champagne",
               None, rng.random() < 0.3, ""), phones, emails  # fmt: skip


def copy_citizens(conn: psycopg.Connection, first_id: int, last_id: int) -> None:
    cols = ("id, civility, first_name, last_name, first_name_key, last_name_key, address_line, postcode, city, "
            "preferred_contact, accepts_sms, notes, created_at")  # fmt: skip
    phones, emails = [], []
    with conn.cursor() as cur:
        with cur.copy(f"COPY citizens ({cols}) FROM STDIN") as copy:
            for row, ph, em in citizen_rows(first_id, last_id):
                copy.write_row((*row, "2020-01-01T00:00:00Z"))
                phones += [(row[0], p, "mobile" if p.startswith("+336") else "domicile") for p in ph]
                emails += [(row[0], e) for e in em]
        with cur.copy("COPY citizen_phones (citizen_id, e164, label) FROM STDIN") as copy:
            for phone_row in phones:
                copy.write_row(phone_row)
        with cur.copy("COPY citizen_emails (citizen_id, address) FROM STDIN") as copy:
            for email_row in emails:
                copy.write_row(email_row)


def insert_requests(conn: psycopg.Connection, lo: int, hi: int, citizens: int) -> None:
    # Ten years of requests; year and number follow from the id, so growing never collides.
    conn.execute(f"""
        INSERT INTO requests (id, reference, year, number, subject, description, process_id, status, service_id,
                              referent_id, citizen_id, due_on, location_address, created_at, created_by_id, closed_at)
        SELECT g, 'GRC-' || y || '-' || lpad(num::text, 6, '0'), y, num, p.title,
               'Demande n° ' || g || ' : ' || p.title, p.id,
               CASE WHEN y < 2026 OR {h('g', 3, 10)} < 6 THEN 'closed'
                    ELSE (ARRAY['new','in_progress','awaiting_validation','answered'])[1 + {h('g', 4, 4)}] END,
               p.service_id, p.referent_id,
               CASE WHEN {h('g', 5, 100)} < 85 THEN 1 + {h('g', 6, citizens)} END,
               (created + make_interval(days => p.commitment_days + 4))::date,
               (1 + {h('g', 7, 150)}) || ' rue de la République', created, NULL,
               CASE WHEN y < 2026 OR {h('g', 3, 10)} < 6 THEN created + interval '12 days' END
        FROM generate_series(%s::bigint, %s::bigint) AS g
        CROSS JOIN LATERAL (SELECT (2017 + mod(g, 10))::int AS y, (g / 10 + 1)::int AS num) AS yn
        CROSS JOIN LATERAL (SELECT make_timestamptz(y, 1, 2, 8, 0, 0, 'Europe/Paris')
                                   + make_interval(days => {h('g', 8, 'CASE WHEN y = 2026 THEN 320 ELSE 360 END')}::int,
                                                   secs => {h('g', 9, 36000)}) AS created) AS c
        JOIN bench_processes p ON p.rn = {h('g', 10, '(SELECT count(*) FROM bench_processes)')}
    """, (lo, hi))  # fmt: skip


def insert_contacts(conn: psycopg.Connection, lo: int, hi: int) -> None:
    conn.execute(f"""
        INSERT INTO contacts (id, channel, direction, citizen_id, request_id, subject, body, hints, payload,
                              received_at, created_at)
        SELECT c, ch.channel, 'inbound', r.citizen_id, CASE WHEN mod(c, 10) <> 0 THEN r.id END, r.subject,
               'Bonjour, je vous contacte au sujet de : ' || r.subject || '. Merci de votre retour.',
               jsonb_build_object('name', '', 'phone', '', 'email', ''),
               '{{"source": "generated"}}'::jsonb, r.created_at + mod(c, 3) * interval '2 days',
               r.created_at + mod(c, 3) * interval '2 days'
        FROM generate_series(%s::bigint, %s::bigint) AS c
        JOIN requests r ON r.id = (c - 1) / {CONTACTS_PER_REQUEST} + 1
        CROSS JOIN LATERAL (SELECT CASE WHEN k < 40 THEN 'phone' WHEN k < 65 THEN 'email' WHEN k < 85 THEN 'web'
                                        WHEN k < 93 THEN 'counter' WHEN k < 97 THEN 'mail' WHEN k < 98 THEN 'voicemail'
                                        WHEN k < 99 THEN 'patrol' ELSE 'council' END AS channel
                            FROM (SELECT {h('c', 11, 100)} AS k) AS kk) AS ch
    """, (lo, hi))  # fmt: skip


def insert_queue_items(conn: psycopg.Connection, lo: int, hi: int, ambassadors: list[int]) -> None:
    conn.execute(f"""
        INSERT INTO queue_items (id, channel, status, priority, summary, contact_id, citizen_id, request_id,
                                 received_at, sla_due_at, claimed_by_id, claimed_at, done_at, version)
        SELECT c.id, c.channel, 'done', CASE WHEN c.channel IN ('phone', 'voicemail') THEN 2 ELSE 3 END,
               left('Citoyen·ne — ' || c.subject, 255), c.id, c.citizen_id, c.request_id, c.received_at,
               c.received_at + interval '1 day', (%s::int[])[1 + {h('c.id', 12, len(ambassadors))}],
               c.received_at + interval '5 minutes', c.received_at + interval '20 minutes', 3
        FROM contacts c WHERE c.id BETWEEN %s AND %s
    """, (ambassadors, lo, hi))  # fmt: skip


def reopen_queue(conn: psycopg.Connection, open_items: int, ambassadors: list[int]) -> None:
    """The newest items form today's open queue (a quarter claimed); everything older is done."""
    top = conn.execute("SELECT coalesce(max(id), 0) FROM queue_items").fetchone()[0]
    conn.execute(
        """UPDATE queue_items SET status = 'done', done_at = received_at + interval '20 minutes',
                    claimed_by_id = coalesce(claimed_by_id, (%s::int[])[1])
                    WHERE status IN ('waiting', 'claimed') AND id <= %s""",
        (ambassadors, top - open_items),
    )
    conn.execute("""UPDATE queue_items SET
                      status = CASE WHEN mod(id, 4) = 0 THEN 'claimed' ELSE 'waiting' END,
                      claimed_by_id = CASE WHEN mod(id, 4) = 0 THEN (%s::int[])[1 + mod(id, 10)] END,
                      claimed_at = CASE WHEN mod(id, 4) = 0 THEN now() - interval '3 minutes' END,
                      done_at = NULL, received_at = now() - (%s - id) * interval '30 seconds',
                      sla_due_at = now() - (%s - id) * interval '30 seconds' + interval '1 day'
                    WHERE id > %s""", (ambassadors, top, top, top - open_items))  # fmt: skip


def grow(url: str, requests_target: int, open_items: int = 300) -> None:
    started = time.perf_counter()
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '64MB'")
        # The rows are consistent by construction: skip the per-row foreign-key triggers (superuser only).
        conn.execute("SET session_replication_role = replica")
        have_r = conn.execute("SELECT coalesce(max(id), 0) FROM requests").fetchone()[0]
        have_c = conn.execute("SELECT coalesce(max(id), 0) FROM citizens").fetchone()[0]
        if have_r >= requests_target:
            print(f"  already {have_r} requests", flush=True)
            return
        ambassadors = [r[0] for r in conn.execute(
            "SELECT id FROM staff_users WHERE role = 'ambassador' ORDER BY id").fetchall()]  # fmt: skip
        conn.execute("""CREATE TEMP TABLE bench_processes AS
                        SELECT (row_number() OVER (ORDER BY p.id) - 1) AS rn, p.id, p.service_id, p.title,
                               p.commitment_days,
                               (SELECT user_id FROM process_referents pr WHERE pr.process_id = p.id
                                ORDER BY rank LIMIT 1) AS referent_id
                        FROM processes p WHERE p.active""")  # fmt: skip
        citizens = int(requests_target * CITIZENS_PER_REQUEST)
        copy_citizens(conn, have_c + 1, citizens)
        log(f"citizens {have_c + 1}..{citizens} (with phones, e-mails)", started)
        step = 250_000
        for lo in range(have_r + 1, requests_target + 1, step):
            insert_requests(conn, lo, min(requests_target, lo + step - 1), citizens)
        log(f"requests {have_r + 1}..{requests_target}", started)
        have_k, target_k = have_r * CONTACTS_PER_REQUEST, requests_target * CONTACTS_PER_REQUEST
        for lo in range(have_k + 1, target_k + 1, step * 2):
            hi = min(target_k, lo + step * 2 - 1)
            insert_contacts(conn, lo, hi)
            insert_queue_items(conn, lo, hi, ambassadors)
            log(f"contacts and queue items ..{hi}", started)
        reopen_queue(conn, open_items, ambassadors)
        conn.execute("""INSERT INTO reference_counters (year, last_number)
                        SELECT year, max(number) FROM requests GROUP BY year
                        ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number""")  # fmt: skip
        for table in ("citizens", "citizen_phones", "citizen_emails", "requests", "contacts", "queue_items"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        orphans = conn.execute("""SELECT
            (SELECT count(*) FROM contacts c WHERE c.request_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = c.request_id))
          + (SELECT count(*) FROM queue_items q WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = q.contact_id))
          + (SELECT count(*) FROM requests r WHERE r.citizen_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM citizens c WHERE c.id = r.citizen_id))""").fetchone()[0]
        assert orphans == 0, f"{orphans} rows break a foreign key"
        conn.execute("VACUUM ANALYZE")
        log("open queue reset, counters and sequences set, VACUUM ANALYZE done", started)
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("requests", "contacts", "queue_items", "citizens", "citizen_phones", "citizen_emails")
        }
        counts["open"] = conn.execute(
            "SELECT count(*) FROM queue_items WHERE status IN ('waiting', 'claimed')"
        ).fetchone()[0]
        log(", ".join(f"{k} {v:,}" for k, v in counts.items()), started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="bench_p4")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--open-items", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    url = setup(args.database, args.fresh)
    grow(url, args.requests, args.open_items)


if __name__ == "__main__":
    main()
