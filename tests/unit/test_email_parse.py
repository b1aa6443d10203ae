"""Taking a message apart: every charset, every oddity, never an exception."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from contact_centre.channels.email.automatic import automatic_reason
from contact_centre.channels.email.compose import build_email, references, reply_subject
from contact_centre.channels.email.parse import fingerprint, parse_message, safe_filename
from contact_centre.plugins import load_settings

LIMITS = {"max_attachment_bytes": 1000, "max_message_bytes": 100_000}
CRLF = b"\r\n"


def parse(raw: bytes | str, **limits: int):
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    return parse_message(data.replace(b"\r\n", b"\n").replace(b"\n", CRLF), **(LIMITS | limits))


def test_plain_text_with_rfc2047_subject_and_name():
    p = parse(
        "From: =?utf-8?q?=C3=89lo=C3=AFse_Lefranc?= <Eloise.Lefranc@Example.FR>\n"
        "Subject: =?iso-8859-1?q?Lampadaire_=E9teint?= =?utf-8?b?4oCUIHJ1ZSBIb2NoZQ==?=\n"
        "Message-ID: <abc.123@example.fr>\nDate: Mon, 2 Nov 2026 09:00:00 +0100\n\nBonjour,\nle lampadaire.\n"
    )
    assert p.subject == "Lampadaire éteint— rue Hoche"
    assert (p.from_name, p.from_address) == ("Éloïse Lefranc", "eloise.lefranc@example.fr")
    assert p.message_id == p.external_id == "abc.123@example.fr"
    assert p.text == "Bonjour,\nle lampadaire."
    assert p.date is not None and p.date.isoformat() == "2026-11-02T08:00:00+00:00"
    assert p.defects == () and p.attachments == ()


def test_a_decoded_name_with_a_comma_keeps_its_address():
    p = parse("From: =?utf-8?q?Dupont=2C_Jean?= <jean@example.fr>\n\nx")
    assert (p.from_name, p.from_address) == ("Dupont, Jean", "jean@example.fr")


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("iso-8859-1", b"Caf\xe9 ferm\xe9 \xe0 No\xebl", "Café fermé à Noël"),
        # Windows-1252 text labelled Latin-1, as mailers do: the dash and the quotes read right.
        ("iso-8859-1", b"Rue \x96 \x93ici\x94", "Rue – “ici”"),
        ("windows-1252", b"\x80 50 \x85 l\x92arr\xeat", "€ 50 … l’arrêt"),
        ("x-inconnu", "déjà".encode(), "déjà"),  # unknown charset: UTF-8 tried next
        ("utf-8", b"caf\xe9", "café"),  # lies about UTF-8: Windows-1252 reads it
    ],
)
def test_bodies_in_any_charset(charset, body, expected):
    p = parse(b"From: a@example.fr\nContent-Type: text/plain; charset=" + charset.encode() + b"\n\n" + body)
    assert p.text == expected


def test_html_only_becomes_text_and_is_kept_sanitised():
    p = parse(
        "From: a@example.fr\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><style>p{}</style><script>alert('x')</script></head><body>"
        "<p>Bonjour&nbsp;!</p><p onclick='evil()'>Voir <a href='https://ville.fr/x'>ici</a></p>"
        "<ul><li>un</li><li>deux</li></ul><img src=x onerror=alert(1)></body></html>"
    )
    assert p.text == "Bonjour !\n\nVoir ici <https://ville.fr/x>\n\n- un\n\n- deux"
    assert "script" not in p.html and "onclick" not in p.html and "onerror" not in p.html
    assert "<p>Bonjour" in p.html


def test_alternative_with_attachments_inline_image_and_forwarded_message():
    msg = EmailMessage()
    msg["From"] = "a@example.fr"
    msg["Subject"] = "Photos"
    msg.set_content("Le texte.")
    msg.add_alternative("<p>Le <b>texte</b>.</p>", subtype="html")
    msg.get_payload()[1].add_related(b"PNG", maintype="image", subtype="png", cid="<img1>")
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="../../etc/passwd")
    msg.add_attachment(b"", maintype="text", subtype="plain", filename="vide.txt")
    forwarded = EmailMessage()
    forwarded["Subject"] = "transféré"
    forwarded.set_content("dedans")
    msg.add_attachment(forwarded, filename="")
    p = parse(msg.as_bytes())
    assert p.text == "Le texte."
    assert "<b>texte</b>" in p.html
    names = [(a.filename, a.content_type, len(a.data)) for a in p.attachments]
    assert names[1:3] == [("passwd", "application/pdf", 4), ("vide.txt", "text/plain", 0)]
    assert names[0][1] == "image/png" and p.attachments[0].inline
    assert names[3][0].endswith(".eml") and b"dedans" in p.attachments[3].data


def test_oversized_part_is_dropped_and_reported():
    msg = EmailMessage()
    msg["From"] = "a@example.fr"
    msg.set_content("voir pièce")
    msg.add_attachment(b"x" * 1001, maintype="application", subtype="zip", filename="gros.zip")
    p = parse(msg.as_bytes())
    assert p.attachments == ()
    assert [(d.filename, d.size) for d in p.dropped] == [("gros.zip", 1001)]


def test_a_message_over_the_message_limit_is_read_for_headers_only():
    p = parse(b"From: a@example.fr\nSubject: gros\n\n" + b"y" * 2000, max_message_bytes=1000)
    assert p.too_large and p.subject == "gros" and p.text == ""


def test_truncated_mime_gives_what_could_be_read():
    p = parse(
        "From: a@example.fr\nContent-Type: multipart/mixed; boundary=ZZ\n\n--ZZ\n"
        "Content-Type: text/plain\n\nLe début est là.\n--ZZ\nContent-Type: application/pdf\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLj"
    )
    assert p.text == "Le début est là."
    assert p.defects  # reported, so the original is kept
    assert len(p.attachments) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: \nSubject: \n\n",
        b"Content-Type: multipart/mixed\n\nno boundary at all",
        b"Content-Type: text/plain; charset=\xff\xfe\n\nbody",
        b"From: <<<@@@>>>\nDate: not a date\nMessage-ID: \n\n",
        b"Subject: =?bogus-charset?q?x?= =?utf-8?b?!!!?=\n\nx",
        b"Content-Type: multipart/mixed; boundary=a\n\n"
        + b"--a\nContent-Type: multipart/mixed; boundary=a\n\n" * 50,
    ],
)
def test_garbage_never_raises(raw):
    p = parse(raw)
    assert p.external_id.startswith("sha256:")
    assert p.from_address == ""


def test_absurd_dates_and_from_without_address():
    assert parse("Date: Mon, 1 Jan 1900 00:00:00 +0000\n\nx").date is None
    assert parse("Date: Fri, 1 Jan 2100 00:00:00 +0000\n\nx").date is None
    p = parse("From: Jean Dupont\n\nx")
    assert (p.from_name, p.from_address, p.reply_address) == ("Jean Dupont", "", "")
    assert automatic_reason(p) == "expéditeur sans adresse valide"


def test_filenames_lose_paths_and_control_characters():
    assert safe_filename("../../etc/passwd", "text/plain", 1) == "passwd"
    assert safe_filename("C:\\Users\\x\\..\\photo.jpg", "image/jpeg", 1) == "photo.jpg"
    assert safe_filename("..", "application/pdf", 3) == "piece-jointe-3.pdf"
    assert safe_filename("a\r\nb<>.txt", "text/plain", 1) == "a__b__.txt"
    long = safe_filename("x" * 400 + ".pdf", "application/pdf", 1)
    assert len(long) <= 180 and long.endswith(".pdf")


@pytest.mark.parametrize(
    "disposition",
    [
        # Outlook and Gmail: an RFC 2047 word inside the quoted parameter.
        b'attachment; filename="=?utf-8?q?Re=C3=A7u_=C3=A9t=C3=A9.pdf?="',
        # RFC 2231, in two continuations.
        b"attachment; filename*0*=iso-8859-1''Re%E7u%20; filename*1*=%E9t%E9.pdf",
        # Raw 8-bit UTF-8, as some mailers send it.
        'attachment; filename="Reçu été.pdf"'.encode(),
        # Raw 8-bit Latin-1: read as Windows-1252 rather than lost.
        'attachment; filename="Reçu été.pdf"'.encode("latin-1"),
    ],
)
def test_attachment_names_in_every_encoding_mailers_use(disposition: bytes):
    raw = (
        b"From: a@example.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nbonjour\n--b\n"
        b"Content-Type: application/pdf\nContent-Disposition: " + disposition + b"\n\n%PDF-1.4\n--b--\n"
    )
    p = parse(raw)
    assert [a.filename for a in p.attachments] == ["Reçu été.pdf"]
    assert p.text == "bonjour"


def test_redelivery_has_the_same_fingerprint():
    body = b"From: a@example.fr\r\nSubject: s\r\n\r\nx\r\n"
    first = b"Return-Path: <a@example.fr>\r\nReceived: by mx1; Mon\r\n\tcontinued\r\n" + body
    second = b"Return-Path: <a@example.fr>\r\nReceived: by mx2; Tue\r\nDelivered-To: m@v.fr\r\n" + body
    assert fingerprint(first) == fingerprint(second) != fingerprint(body.replace(b"x", b"y"))


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied", "message automatique (Auto-Submitted: auto-replied)"),
        ("Precedence: bulk", "envoi en nombre (Precedence: bulk)"),
        ("List-Id: <annonces.example.fr>", "liste de diffusion"),
        ("X-Auto-Response-Suppress: All", "réponses automatiques refusées"),
        ("X-Loop: mairie@ville.example", "boucle (X-Loop)"),
        ("Return-Path: <>", "avis de non-remise"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "avis de non-remise"),
        ("Auto-Submitted: no", None),
    ],
)
def test_automatic_messages_are_recognised(headers, reason):
    p = parse(f"From: jean@example.fr\n{headers}\n\nx")
    assert automatic_reason(p, ["mairie@ville.example"]) == reason


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        ("MAILER-DAEMON@mx.example.fr", "avis de non-remise"),
        ("no-reply@service.example.fr", "adresse qui n'accepte pas de réponse"),
        ("ne-pas-repondre@impots.example", "adresse qui n'accepte pas de réponse"),
        ("mairie@ville.example", "message de l'adresse de la Ville"),
    ],
)
def test_senders_never_answered(sender, reason):
    assert automatic_reason(parse(f"From: {sender}\n\nx"), ["mairie@ville.example"]) == reason


def test_reply_subjects_are_one_line_and_carry_the_reference():
    assert reply_subject("RE: Re: TR: Trottoir", "GRC-2026-000001") == "Re: Trottoir [GRC-2026-000001]"
    assert (
        reply_subject("Re: Trottoir [GRC-2026-000001]", "GRC-2026-000001") == "Re: Trottoir [GRC-2026-000001]"
    )
    injected = reply_subject("Bonjour\r\nBcc: victime@example.fr\r\n\r\ncorps")
    assert "\r" not in injected and "\n" not in injected
    assert reply_subject("") == "Re: Votre message"


def test_built_messages_thread_and_say_they_are_automatic():
    settings = load_settings({}, mail_from="mairie@ville.example", mail_from_name="Espace Citoyen")
    msg = build_email(
        settings,
        to="jean@example.fr",
        to_name="Jean\r\nBcc: x@y.fr",
        subject="Re: a\r\nBcc: x@y.fr",
        body="Bonjour",
        message_id="m1@ville.example",
        in_reply_to="c1@example.fr",
        thread=references(["c0@example.fr"], "c1@example.fr"),
        automatic=True,
        attachments=[("note.pdf", "application/pdf", b"%PDF"), ("fwd.eml", "message/rfc822", b"x")],
    )
    raw = msg.as_bytes()
    assert b"\nBcc" not in raw
    assert msg["Message-ID"] == "<m1@ville.example>" and msg["In-Reply-To"] == "<c1@example.fr>"
    assert msg["References"] == "<c0@example.fr> <c1@example.fr>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert [p.get_filename() for p in msg.iter_attachments()] == ["note.pdf", "fwd.eml"]


def test_references_are_bounded_keeping_the_first():
    ids = references([f"m{i}@x" for i in range(30)], "last@x")
    assert len(ids) == 10 and ids[0] == "m0@x" and ids[-1] == "last@x"
