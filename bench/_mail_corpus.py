"""A deterministic mix of French e-mails to a city's mailbox, for P5.

`corpus(n, seed, references)` gives n raw RFC 5322 messages (bytes), each with what the bench needs to
know about it: its kind, envelope sender, Message-ID and whether it should open a queue item of its
own (a reply naming a known request, or a follow-up of an earlier message, joins an existing item).

Kinds and weights (per 1,000): plain UTF-8 300, plain ISO-8859-1 80, plain Windows-1252 40, HTML only
120, multipart/alternative 220, with attachments (1–3 small JPEG/PDF) 120, reply naming a GRC
reference 50 (4 in 5 known), follow-up of an earlier message (In-Reply-To/References) 40, out-of-office
auto-reply 20, bounce (multipart/report, null sender) 5, mailing list (List-Id, Precedence: bulk) 5.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime

CITY = "mairie@ville.example"
PARIS = timezone(timedelta(hours=1))
BASE_DATE = datetime(2026, 11, 20, 8, 0, tzinfo=PARIS)

FIRST = ["Jean", "Marie", "Camille", "Hélène", "François", "Zoé", "Loïc", "Amélie", "Bérénice", "Noël",
         "Jérôme", "Céline", "Étienne", "Anaïs", "Gaëlle", "Thibault", "Inès", "Maël", "Chloé", "Raphaël",
         "Sébastien", "Océane", "Benoît", "Léa", "Agnès", "Cédric", "Joëlle", "Aurélien", "Mélanie", "Hugo"]  # fmt: skip
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefèbvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
        "Légaré", "Châtelain", "Bœuf", "Ménard", "Thévenin", "Béranger", "N'Diaye", "Nguyen", "O'Neill", "Da Silva"]  # fmt: skip
DOMAINS = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "wanadoo.fr", "hotmail.fr", "sfr.fr",
           "yahoo.fr", "outlook.fr", "bbox.fr"]  # fmt: skip
STREETS = ["rue de la République", "avenue Jean Jaurès", "rue Édouard Vaillant", "place de l'Hôtel de Ville",
           "boulevard Gambetta", "rue des Écoles", "impasse des Tilleuls", "chemin du Moulin",
           "rue Victor Hugo", "allée des Peupliers"]  # fmt: skip
TOPICS = [
    ("Lampadaire éteint", "le lampadaire devant le {n} {street} est éteint depuis {d} jours ; le soir la rue est "
     "complètement noire et les enfants rentrent de l'école à pied."),
    ("Nid-de-poule dangereux", "un nid-de-poule d'une trentaine de centimètres s'est formé au {n} {street}. "
     "Un cycliste est tombé hier ; pourriez-vous intervenir rapidement ?"),
    ("Dépôt sauvage", "des sacs d'ordures et un vieux matelas ont été déposés au {n} {street} il y a {d} jours. "
     "Les rats commencent à arriver."),
    ("Demande d'acte de naissance", "je souhaiterais obtenir une copie intégrale de mon acte de naissance "
     "(né(e) le {d} mars 1984 à la maternité de la ville) ; merci de m'indiquer la marche à suivre."),
    ("Inscription à la cantine", "je voudrais inscrire mon fils à la cantine de l'école des Tilleuls à partir "
     "du {d} du mois prochain. Quels documents dois-je fournir ?"),
    ("Bruit de chantier", "le chantier au {n} {street} commence à 6 h 30 tous les matins, samedi compris. "
     "Est-ce autorisé ?"),
    ("Stationnement gênant", "des véhicules stationnent tous les jours sur le trottoir au {n} {street} ; "
     "avec une poussette ou un fauteuil il faut descendre sur la chaussée."),
    ("Arbre menaçant de tomber", "après la tempête, le platane au {n} {street} penche dangereusement vers "
     "les maisons. Merci d'envoyer quelqu'un vérifier."),
    ("Rendez-vous carte d'identité", "je n'arrive pas à prendre rendez-vous en ligne pour renouveler ma carte "
     "d'identité : le site n'affiche aucun créneau depuis {d} jours."),
    ("Tags sur l'école", "des tags injurieux ont été peints sur le mur de l'école, {street}. Les enfants les "
     "voient en entrant."),
    ("Fuite d'eau sur la voie publique", "de l'eau s'écoule en continu d'une plaque au {n} {street} depuis {d} "
     "jours ; en hiver cela va geler."),
    ("Demande de subvention association", "notre association de quartier souhaite organiser une fête des voisins "
     "le {d} juin ; quelles sont les démarches pour une subvention et le prêt de tables ?"),
]  # fmt: skip
CLOSINGS = ["Cordialement,", "Bien cordialement,", "Merci d'avance,", "Salutations distinguées,",
            "Dans l'attente de votre réponse, je vous prie d'agréer mes salutations."]  # fmt: skip

KINDS = [("plain", 300), ("latin1", 80), ("cp1252", 40), ("html", 120), ("alternative", 220),
         ("attachments", 120), ("reply_ref", 50), ("followup", 40), ("auto_reply", 20), ("bounce", 5),
         ("list", 5)]  # fmt: skip


@dataclass(frozen=True)
class Mail:
    index: int
    kind: str
    raw: bytes
    sender: str  # the envelope sender (LMTP MAIL FROM); "" for a bounce
    message_id: str
    new_item: bool  # opens a queue item of its own (else joins one)
    subject: str


@dataclass(frozen=True)
class Person:
    name: str
    address: str


def people(rnd: random.Random, count: int) -> list[Person]:
    out = []
    for i in range(count):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        local = f"{first}.{last}".lower()
        for a, b in (("é", "e"), ("è", "e"), ("ë", "e"), ("ê", "e"), ("ï", "i"), ("î", "i"), ("ç", "c"),
                     ("ô", "o"), ("œ", "oe"), ("à", "a"), ("â", "a"), ("'", ""), (" ", "")):  # fmt: skip
            local = local.replace(a, b)
        out.append(Person(f"{first} {last}", f"{local}{i if i % 3 else ''}@{rnd.choice(DOMAINS)}"))
    return out


def jpeg(rnd: random.Random, size: int) -> bytes:
    """A real JPEG of about `size` bytes: a noisy photo-like image (noise does not compress)."""
    from PIL import Image

    side = max(64, int((size / 0.9) ** 0.5))
    image = Image.frombytes("L", (side, side), rnd.randbytes(side * side)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def pdf(rnd: random.Random, size: int, title: str) -> bytes:
    """A small valid one-page PDF: a line of text and a binary stream padding it to about `size`."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    content = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    blob = rnd.randbytes(max(0, size - 900))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(blob) + blob + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _body(rnd: random.Random, topic: tuple[str, str], who: Person) -> str:
    text = topic[1].format(n=rnd.randint(1, 180), street=rnd.choice(STREETS), d=rnd.randint(2, 28))
    extra = ""
    if rnd.random() < 0.3:
        extra = ("\n\nPar ailleurs, je me permets de vous signaler que le problème s'est déjà produit l'an "
                 "dernier et qu'il avait été réglé en deux jours. Je reste joignable au 06 "
                 f"{rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}.")  # fmt: skip
    return f"Bonjour,\n\n{text[0].upper()}{text[1:]}{extra}\n\n{rnd.choice(CLOSINGS)}\n{who.name}\n"


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    return (f'<html><head><meta charset="utf-8"><style>p{{font-family:Arial}}</style></head><body>'
            f'<div dir="ltr">{paragraphs}<p><a href="https://www.example.fr">Envoyé depuis mon mobile</a></p>'
            f"</div></body></html>")  # fmt: skip


def _headers(msg: EmailMessage, who: Person, subject: str, date: datetime, mid: str) -> None:
    msg["From"] = f"{who.name} <{who.address}>"
    msg["To"] = f"Mairie <{CITY}>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = mid
    msg["MIME-Version"] = "1.0"


def _legacy(who: Person, subject: str, body: str, date: datetime, mid: str, charset: str) -> bytes:
    """A message as an older client writes it: 8-bit body in a legacy charset, encoded-word headers."""
    if charset == "iso-8859-1":  # what Latin-1 cannot say, as such a client would write it
        fix = str.maketrans({"œ": "oe", "Œ": "OE", "’": "'", "€": "EUR"})
        who, subject, body = (
            Person(who.name.translate(fix), who.address),
            subject.translate(fix),
            body.translate(fix),
        )
    name = Header(who.name, charset).encode()
    head = [
        f"From: {name} <{who.address}>",
        f"To: Mairie <{CITY}>",
        f"Subject: {Header(subject, charset).encode()}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: {mid}",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}; format=flowed",
        "Content-Transfer-Encoding: 8bit",
        "X-Mailer: Microsoft Outlook 14.0",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body.replace("\n", "\r\n").encode(
        charset, "replace"
    )


def corpus(count: int, seed: int = 5, references: list[str] | None = None, tag: str = "") -> list[Mail]:
    """`count` messages; `references` are requests that exist (GRC replies name them 4 times in 5);
    `tag`, when given, is appended to every subject (to find each message again in the console)."""
    rnd = random.Random(seed)
    crowd = people(rnd, max(50, count // 3))
    weights = [w for _k, w in KINDS]
    kinds = [k for k, _w in KINDS]
    out: list[Mail] = []
    parents: list[tuple[Mail, Person]] = []  # earlier human messages a follow-up can answer
    for i in range(count):
        kind = rnd.choices(kinds, weights)[0]
        if kind == "followup" and not parents:
            kind = "plain"
        if tag and kind in ("reply_ref", "followup"):
            kind = "alternative"  # tagged runs only want messages that open an item
        # A few regulars write often (Zipf-like), most people once or twice.
        who = (
            crowd[min(int(rnd.paretovariate(1.2)) - 1, len(crowd) - 1)]
            if rnd.random() < 0.3
            else rnd.choice(crowd)
        )
        topic = rnd.choice(TOPICS)
        date = BASE_DATE + timedelta(minutes=3 * i, seconds=rnd.randint(0, 170))
        mid = f"<{date:%Y%m%d%H%M%S}.{seed}.{i:05d}.{rnd.getrandbits(32):08x}@{who.address.split('@')[1]}>"
        subject = topic[0] + (f" {tag}-{i}" if tag else "")
        body = _body(rnd, topic, who)
        sender = who.address
        new_item = True
        msg = EmailMessage()
        if kind == "plain":
            _headers(msg, who, subject, date, mid)
            msg.set_content(body, cte=rnd.choice(["quoted-printable", "8bit", "base64"]))
        elif kind in ("latin1", "cp1252"):
            if kind == "cp1252":
                body = body.replace("'", "’") + "\nCoût estimé : 150 € — « urgent »\n"
            raw = _legacy(who, subject, body, date, mid, "iso-8859-1" if kind == "latin1" else "windows-1252")
            out.append(Mail(i, kind, raw, sender, mid, True, subject))
            parents.append((out[-1], who))
            continue
        elif kind == "html":
            _headers(msg, who, subject, date, mid)
            msg.set_content(_html(body), subtype="html")
        elif kind in ("alternative", "attachments"):
            _headers(msg, who, subject, date, mid)
            msg.set_content(body)
            msg.add_alternative(_html(body), subtype="html")
            if kind == "attachments":
                for n in range(rnd.choice([1, 1, 1, 2, 3])):
                    if rnd.random() < 0.65:
                        data = jpeg(rnd, rnd.randint(40_000, 400_000))
                        msg.add_attachment(data, maintype="image", subtype="jpeg",
                                           filename=f"IMG_{20261120 + n}_{rnd.randint(100000, 999999)}.jpg")  # fmt: skip
                    else:
                        data = pdf(rnd, rnd.randint(20_000, 150_000), topic[0])
                        msg.add_attachment(data, maintype="application", subtype="pdf",
                                           filename=rnd.choice(["justificatif de domicile.pdf", "Facture été 2026.pdf",
                                                                "courrier.pdf", "attestation_CAF.pdf"]))  # fmt: skip
        elif kind == "reply_ref":
            known = bool(references) and rnd.random() < 0.8
            ref = (
                rnd.choice(references)
                if known and references
                else f"GRC-2025-{rnd.randint(900000, 999999):06d}"
            )
            new_item = not known
            subject = f"RE: Votre demande {ref} : {topic[0]}"
            _headers(msg, who, subject, date, mid)
            msg["In-Reply-To"] = f"<ack.{rnd.getrandbits(40):010x}@ville.example>"
            quoted = "\n".join("> " + line for line in _body(rnd, topic, who).splitlines())
            msg.set_content(f"Bonjour,\n\nToujours rien de fait depuis mon premier message, merci de relancer.\n\n"
                            f"{who.name}\n\nLe {date - timedelta(days=4):%d/%m/%Y}, Mairie a écrit :\n{quoted}\n")  # fmt: skip
        elif kind == "followup":
            parent, who = rnd.choice(parents[-200:])
            sender = who.address
            subject = "Re: " + parent.subject
            new_item = False
            _headers(msg, who, subject, date, mid)
            msg["In-Reply-To"] = parent.message_id
            msg["References"] = parent.message_id
            msg.set_content(
                f"Bonjour,\n\nJe complète mon message précédent : la situation s'aggrave.\n\n{who.name}\n"
            )
        elif kind == "auto_reply":
            subject = f"Réponse automatique : absent(e) du bureau — {subject}"
            _headers(msg, who, subject, date, mid)
            msg["Auto-Submitted"] = "auto-replied"
            msg["X-Auto-Response-Suppress"] = "All"
            msg.set_content(f"Bonjour,\n\nJe suis absent(e) jusqu'au {rnd.randint(1, 28)} décembre inclus, "
                            f"sans accès à ma messagerie.\n\n{who.name}\n")  # fmt: skip
        elif kind == "bounce":
            subject = "Undelivered Mail Returned to Sender" + (f" {tag}-{i}" if tag else "")
            raw = (
                "From: MAILER-DAEMON@mx.example.fr (Mail Delivery System)\r\n"
                f"To: {CITY}\r\nSubject: {subject}\r\nDate: {format_datetime(date)}\r\nMessage-ID: {mid}\r\n"
                "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
                'Content-Type: multipart/report; report-type=delivery-status; boundary="=_b"\r\n\r\n'
                "--=_b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                f"Votre message n'a pas pu être remis à {who.address} : boîte pleine.\r\n"
                "--=_b\r\nContent-Type: message/delivery-status\r\n\r\n"
                f"Reporting-MTA: dns; mx.example.fr\r\n\r\nFinal-Recipient: rfc822; {who.address}\r\n"
                "Action: failed\r\nStatus: 5.2.2\r\n--=_b--\r\n"
            ).encode()
            out.append(Mail(i, kind, raw, "", mid, True, subject))
            continue
        else:  # list
            subject = f"[Lettre d'info] Les actualités de la semaine {rnd.randint(1, 52)}" + (
                f" {tag}-{i}" if tag else ""
            )
            lister = Person("Association des riverains", "lettre@asso-riverains.example")
            sender = "bounces+" + str(i) + "@asso-riverains.example"
            _headers(msg, lister, subject, date, mid)
            msg["List-Id"] = "<infos.asso-riverains.example>"
            msg["List-Unsubscribe"] = "<mailto:desinscription@asso-riverains.example>"
            msg["Precedence"] = "bulk"
            msg.set_content(_html(body * 3), subtype="html")
        if rnd.random() < 0.15 and kind in ("plain", "html", "alternative", "attachments"):
            msg["Cc"] = f"{rnd.choice(crowd).name} <{rnd.choice(crowd).address}>"
        if rnd.random() < 0.05 and kind in ("plain", "alternative"):
            msg["Reply-To"] = rnd.choice(crowd).address
        mail = Mail(i, kind, msg.as_bytes(), sender, mid, new_item, subject)
        out.append(mail)
        if kind in ("plain", "html", "alternative", "attachments"):
            parents.append((mail, who))
    return out
