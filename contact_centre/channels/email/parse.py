"""Raw message bytes → a ParsedMessage, with the standard library. Never raises: whatever cannot
be decoded is replaced or reported in `defects`, and the caller keeps the original."""

from __future__ import annotations

import email
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime

import nh3

from contact_centre.channels.email.html_text import html_to_text
from contact_centre.domain.contact_details import InvalidContactDetail, normalise_email
from contact_centre.domain.file_names import display_filename

# Headers a mail server adds on delivery: two deliveries of one message differ only there.
TRACE_HEADERS = frozenset({"received", "return-path", "delivered-to", "x-original-to", "x-delivered-to"})
MAX_HTML_CHARS = 500_000
MAX_IDS = 50
_ID_RE = re.compile(r"<([^<>\s]+)>")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_FILENAME_BAD = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass(frozen=True)
class DroppedPart:
    filename: str
    size: int


@dataclass(frozen=True)
class ParsedMessage:
    size: int
    message_id: str  # without angle brackets; "" when absent
    fingerprint: str  # sha256 of the message less its delivery headers
    subject: str
    from_name: str
    from_address: str  # normalised, "" when absent or invalid
    from_raw: str
    reply_to: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None  # the sender's Date, only when plausible
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    text: str
    html: str  # sanitised by nh3; "" when the message had none or it was too long
    attachments: tuple[ParsedAttachment, ...]
    dropped: tuple[DroppedPart, ...]  # parts over the size limit, not stored
    defects: tuple[str, ...]
    headers: dict[str, str]  # lower-cased name → first value, as decoded text
    too_large: bool = False  # over the message limit: headers only

    @property
    def external_id(self) -> str:
        """The contact's id: the Message-ID, else (or when too long to be one) the fingerprint."""
        if self.message_id and len(self.message_id) <= 200:
            return self.message_id
        return f"sha256:{self.fingerprint}"

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The messages this one answers, nearest first."""
        seen: list[str] = []
        for mid in (*self.in_reply_to, *reversed(self.references)):
            if mid not in seen:
                seen.append(mid)
        return tuple(seen[:MAX_IDS])

    @property
    def reply_address(self) -> str:
        return self.reply_to or self.from_address


def single_line(text: str, limit: int = 998) -> str:
    """No control characters, no line breaks: safe in a header and in a one-line summary."""
    return " ".join(_CONTROL_RE.sub(" ", text or "").split())[:limit]


def decode_words(raw: str) -> str:
    """RFC 2047 encoded-words in any charset; unknown charsets and broken words kept as they were."""
    try:
        return str(make_header(decode_header(raw)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return raw


def message_ids(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ID_RE.findall(raw or "")))[:MAX_IDS]


def normalise_message_id(raw: str) -> str:
    found = message_ids(raw)
    if found:
        return found[0]
    return single_line(raw).strip("<> ")[:250]


def checked_address(raw: str) -> str:
    try:
        return normalise_email(raw).lower() if raw and "@" in raw else ""
    except InvalidContactDetail:
        return ""


def _raw_headers(msg: Message) -> dict[str, str]:
    """First value of each header, unfolded but still encoded: a malformed header never stops the
    rest. Addresses are split before their names are decoded (a decoded name may hold a comma)."""
    out: dict[str, str] = {}
    try:
        items = list(msg.raw_items())
    except Exception:
        return out
    for name, value in items:
        key = str(name).strip().lower()
        if key not in out:
            # Bytes that are not ASCII come back as surrogates: read them as UTF-8, else Windows-1252.
            text = _fix_surrogates(value if isinstance(value, str) else str(value))
            out[key] = text.replace("\r", "").replace("\n", " ").strip()
    return out


def _decoded(raw: dict[str, str]) -> dict[str, str]:
    return {k: single_line(decode_words(v), 10_000) for k, v in raw.items()}


def _fix_surrogates(text: str) -> str:
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        return text
    return _decode(data, "utf-8")


def _decode(data: bytes, charset: str | None) -> str:
    """Declared charset first; then UTF-8; then Windows-1252, which decodes (nearly) any byte."""
    names = []
    if charset:
        cs = charset.strip().strip('"').lower()
        # Mailers label Windows-1252 text as Latin-1 (and ASCII): the superset reads both right.
        names.append("cp1252" if cs in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii") else cs)
    names += ["utf-8", "cp1252"]
    for name in names:
        try:
            return data.decode(name)
        except (LookupError, UnicodeError):
            continue
    return data.decode("cp1252", "replace")


def _addresses(value: str) -> list[tuple[str, str]]:
    """(decoded name, address) pairs."""
    try:
        pairs = getaddresses([value])
    except Exception:  # getaddresses is strict on some broken input; no address is the safe answer
        return []
    return [(single_line(decode_words(n), 200), a.strip()) for n, a in pairs if n or a]


def _date(raw: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    # A date before e-mail existed or in the future is the sender's clock, not a fact.
    if parsed.year < 1990 or parsed > datetime.now(UTC) + timedelta(days=1):
        return None
    return parsed


def safe_filename(raw: str, content_type: str, index: int) -> str:
    """The sender's name for display only (files are stored under generated keys): no path, no
    control character, no leading dot, bounded length."""
    ext = mimetypes.guess_extension(content_type) or ".bin"
    name = re.split(r"[\\/]", raw or "")[-1]  # the last part of a path, before `/` becomes `_`
    return display_filename(_FILENAME_BAD.sub("_", name), fallback=f"piece-jointe-{index}{ext}", max_length=180)


def _payload_bytes(part: Message, defects: list[str]) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return bytes(inner[0].as_bytes())
            except Exception:
                return str(inner[0]).encode("utf-8", "replace")
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        defects.append(f"{type(exc).__name__}: {exc}")
        return b""
    if isinstance(data, bytes):
        return data
    # A multipart with no parts, or a message/* part: its own serialisation is the content.
    try:
        return part.as_bytes()
    except Exception:
        return b""


def _text_of(part: Message, defects: list[str]) -> str:
    text = _decode(_payload_bytes(part, defects), part.get_content_charset())
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _WalkPolicy(policy.Compat32):
    """compat32 with 8-bit header values read as text. Not policy.default: the walk asks each
    part for its type, disposition, name and charset, and policy.default parses the header again on
    every such read (half the parsing time). The message's own headers are decoded once, by
    `_raw_headers` and `_decoded`."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return _fix_surrogates(value)


_WALK_POLICY = _WalkPolicy()


class _Walker:
    def __init__(self, max_attachment_bytes: int) -> None:
        self.limit = max_attachment_bytes
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.dropped: list[DroppedPart] = []
        self.defects: list[str] = []

    def walk(self, part: Message, depth: int = 0) -> None:
        self.defects += [type(d).__name__ for d in part.defects]
        if depth > 20:
            self.defects.append("TooDeeplyNested")
            return
        ctype = part.get_content_type()
        if part.is_multipart() and ctype != "message/rfc822":
            payload = part.get_payload()
            parts = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            if ctype == "multipart/alternative":
                self._alternative(parts, depth)
            else:
                for sub in parts:
                    self.walk(sub, depth + 1)
            return
        try:
            self._leaf(part, ctype)
        except Exception as exc:  # one broken part is reported; the others are still read
            self.defects.append(f"{type(exc).__name__}: {exc}")

    def _leaf(self, part: Message, ctype: str) -> None:
        disposition = (part.get_content_disposition() or "").lower()
        filename = self._filename(part)
        is_body = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if is_body:
            (self.texts if ctype == "text/plain" else self.htmls).append(_text_of(part, self.defects))
            return
        data = _payload_bytes(part, self.defects)
        name = safe_filename(filename, ctype, len(self.attachments) + len(self.dropped) + 1)
        if ctype == "message/rfc822" and not name.endswith(".eml"):
            name += ".eml"
        if len(data) > self.limit:
            self.dropped.append(DroppedPart(name, len(data)))
            return
        self.attachments.append(ParsedAttachment(name, ctype, data, inline=disposition == "inline"))

    def _alternative(self, parts: list[Message], depth: int) -> None:
        """One body from the alternatives: plain text if there is one, HTML otherwise; the others'
        own attachments (related images) still count."""
        before_texts, before_htmls = len(self.texts), len(self.htmls)
        for sub in parts:
            self.walk(sub, depth + 1)
        texts, htmls = self.texts[before_texts:], self.htmls[before_htmls:]
        if texts and htmls:
            # The HTML alternative is kept (sanitised) for display, the text one is the body.
            self.texts[before_texts:] = texts[:1]

    def _filename(self, part: Message) -> str:
        try:
            # RFC 2231 is decoded by get_filename, RFC 2047 words (Outlook, Gmail) here.
            return decode_words(part.get_filename() or "")
        except Exception as exc:
            self.defects.append(f"BadFilename: {type(exc).__name__}")
            return ""


def fingerprint(raw: bytes) -> str:
    """The message's digest less the headers each delivery adds, so a redelivery matches."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        skipping = name in TRACE_HEADERS
        if not skipping:
            kept.append(line)
    digest = hashlib.sha256(b"".join(kept))
    digest.update(sep + body)
    return digest.hexdigest()


def parse_message(raw: bytes, *, max_attachment_bytes: int, max_message_bytes: int) -> ParsedMessage:
    too_large = len(raw) > max_message_bytes
    defects: list[str] = []
    try:
        msg: Message = (
            BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
            if too_large
            else email.message_from_bytes(raw, policy=_WALK_POLICY)
        )
    except Exception as exc:  # the parser is lenient; this is for what it still cannot take
        defects.append(f"{type(exc).__name__}: {exc}")
        msg = EmailMessage()
    raw_headers = _raw_headers(msg)
    headers = _decoded(raw_headers)
    walker = _Walker(max_attachment_bytes)
    if not too_large:
        try:
            walker.walk(msg)
        except Exception as exc:
            walker.defects.append(f"{type(exc).__name__}: {exc}")
    defects += walker.defects

    from_pairs = _addresses(raw_headers.get("from", ""))
    from_name, from_addr = from_pairs[0] if from_pairs else ("", "")
    from_address = checked_address(from_addr)
    reply_pairs = _addresses(raw_headers.get("reply-to", ""))
    reply_to = checked_address(reply_pairs[0][1]) if reply_pairs else ""

    text = "\n\n".join(t.strip() for t in walker.texts if t.strip())
    html_raw = "\n".join(walker.htmls)
    if not text and html_raw:
        text = html_to_text(html_raw)
    html = ""
    if html_raw and len(html_raw) <= MAX_HTML_CHARS:
        try:
            html = nh3.clean(html_raw)
        except Exception as exc:
            defects.append(f"HtmlSanitiser: {type(exc).__name__}")
    return ParsedMessage(
        size=len(raw),
        message_id=normalise_message_id(raw_headers.get("message-id", "")),
        fingerprint=fingerprint(raw),
        subject=single_line(headers.get("subject", ""), 500),
        # Without a usable address, what the From said is all the ambassador has to go on.
        from_name=from_name if from_address else single_line(headers.get("from", ""), 200),
        from_address=from_address,
        from_raw=headers.get("from", ""),
        reply_to=reply_to,
        to=tuple(a for _n, a in _addresses(raw_headers.get("to", "")) if a)[:50],
        cc=tuple(a for _n, a in _addresses(raw_headers.get("cc", "")) if a)[:50],
        date=_date(headers.get("date", "")),
        in_reply_to=message_ids(raw_headers.get("in-reply-to", "")),
        references=message_ids(raw_headers.get("references", "")),
        text=text.replace("\x00", ""),
        html=html,
        attachments=tuple(walker.attachments),
        dropped=tuple(walker.dropped),
        defects=tuple(dict.fromkeys(defects)),
        headers=headers,
        too_large=too_large,
    )
