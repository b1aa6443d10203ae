"""Watching the city's mailbox over IMAP. At least once, never twice: a message is marked processed
(flagged, moved or deleted per settings) only after its contact is committed, and a message seen
again is recognised by its Message-ID (or fingerprint) and records nothing new."""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import Flask
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.inbound import ingest_into
from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import Runtime
from contact_centre.services.emails import mailbox_state
from contact_centre.services.intake import RecordedContact
from contact_centre.settings import Settings

log = logging.getLogger(__name__)

PROCESSED_KEYWORD = b"$GrcTraite"
SEEN = b"\\Seen"
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
# A batch is bounded in bytes as well as in messages: memory stays flat whatever arrives.
BATCH_BYTES = 32 * 1024 * 1024
NETWORK_ERRORS = (IMAPClientError, OSError)


class MailboxNotConfigured(RuntimeError):
    pass


def connect(settings: Settings, timeout: float = 30) -> IMAPClient:
    if not settings.section(EmailSettings).imap_host:
        raise MailboxNotConfigured("IMAP_HOST n'est pas défini")
    port = settings.section(EmailSettings).imap_port or DEFAULT_PORTS[settings.section(EmailSettings).imap_security]
    context = ssl.create_default_context()  # verifies the certificate and the host name
    if settings.section(EmailSettings).imap_ca_file:
        context.load_verify_locations(cafile=settings.section(EmailSettings).imap_ca_file)
    if settings.section(EmailSettings).imap_security == "ssl":
        client = IMAPClient(settings.section(EmailSettings).imap_host, port, ssl=True, ssl_context=context, timeout=timeout)
    else:
        client = IMAPClient(settings.section(EmailSettings).imap_host, port, ssl=False, timeout=timeout)
    client.normalise_times = False  # INTERNALDATE as an aware instant, not local wall time
    try:
        if settings.section(EmailSettings).imap_security == "starttls":
            client.starttls(context)
        client.login(settings.section(EmailSettings).imap_user, settings.section(EmailSettings).imap_password)
    except BaseException:
        with contextlib.suppress(Exception):
            client.shutdown()  # a refused certificate or login must not leave the socket open
        raise
    return client


def _arrived_since_select(client: IMAPClient) -> bool:
    """Whether the server announced a new message (an untagged EXISTS) since the folder was selected.

    A message delivered during a command is announced once, in that command's answer, which imaplib
    keeps aside (`untagged_responses`); IDLE does not announce it again, so the watcher asks here."""
    return bool(client._imap.untagged_responses.pop("EXISTS", None))


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection may already be gone; nothing is left to say to it
        with contextlib.suppress(Exception):
            client.shutdown()


def _batches(sizes: dict[int, int], count: int) -> Iterator[list[int]]:
    batch: list[int] = []
    total = 0
    for uid in sorted(sizes):
        if batch and (len(batch) >= count or total + sizes[uid] > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


class MailboxWatcher:
    """`run_once()` takes what is waiting (a job, `email fetch`); `watch()` keeps at it with IDLE
    until `stop` is set (`email watch`), reconnecting with exponential backoff."""

    def __init__(
        self,
        app: Flask,
        *,
        stop: threading.Event | None = None,
        on_recorded: Callable[[RecordedContact], None] | None = None,
        min_backoff: float = 1.0,
        max_backoff: float = 300.0,
    ) -> None:
        self.app = app
        self.rt: Runtime = app.extensions["espace_citoyen"]
        self.stop = stop or threading.Event()
        self.on_recorded = on_recorded
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff

    @property
    def settings(self) -> Settings:
        return self.rt.settings

    @property
    def key(self) -> str:
        s = self.settings
        return f"{s.section(EmailSettings).imap_user}@{s.section(EmailSettings).imap_host}:{s.section(EmailSettings).imap_port}/{s.section(EmailSettings).imap_folder}"[:255]

    def run_once(self) -> int:
        """One pass over the folder; returns how many new contacts it recorded."""
        with self.app.app_context():
            client = connect(self.settings)
            try:
                return self.sync(client)
            finally:
                _close(client)

    def watch(self) -> None:
        delay = self.min_backoff
        with self.app.app_context():
            while not self.stop.is_set():
                client = None
                try:
                    client = connect(self.settings)
                    log.info("mailbox %s connected", self.key)
                    delay = self.min_backoff
                    while not self.stop.is_set():
                        self.sync(client)
                        self._wait(client)
                except MailboxNotConfigured:
                    raise
                except NETWORK_ERRORS as exc:
                    log.warning("mailbox %s unreachable (%s); retrying in %.1f s", self.key, exc, delay)
                except Exception:
                    # A database outage or a bug: logged, and the same messages are tried again later.
                    log.exception("mailbox %s: pass failed; retrying in %.1f s", self.key, delay)
                finally:
                    if client is not None:
                        _close(client)
                if self.stop.wait(delay):
                    break
                delay = min(delay * 2, self.max_backoff)
        log.info("mailbox %s: watcher stopped", self.key)

    def _wait(self, client: IMAPClient) -> None:
        """Until something arrives, the poll interval passes or we are stopped. IDLE when the server
        has it; the interval also catches an IDLE the server silently dropped."""
        deadline = time.monotonic() + self.settings.section(EmailSettings).imap_poll_seconds
        if b"IDLE" not in client.capabilities():
            self.stop.wait(self.settings.section(EmailSettings).imap_poll_seconds)
            return
        if _arrived_since_select(client):
            return  # a message delivered while we searched: IDLE would not announce it again
        client.idle()
        try:
            while not self.stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                responses = client.idle_check(timeout=min(0.5, remaining))
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    break
        finally:
            client.idle_done()

    def _criteria(self, keywords: bool, last_uid: int) -> list[Any]:
        if self.settings.section(EmailSettings).imap_processed_folder:
            return ["NOT", "DELETED"]  # processed messages leave the folder
        if not self.settings.section(EmailSettings).imap_keep_originals:
            return ["NOT", "DELETED"]  # processed messages are deleted
        if keywords:
            return ["NOT", "KEYWORD", PROCESSED_KEYWORD.decode()]
        # A server without custom keywords: the highest UID recorded is the mark.
        return ["UID", f"{last_uid + 1}:*"]

    def sync(self, client: IMAPClient) -> int:
        settings = self.settings
        info = client.select_folder(settings.section(EmailSettings).imap_folder)
        _arrived_since_select(client)  # the SELECT's own count, read in `info`
        uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        keywords = b"\\*" in info.get(b"PERMANENTFLAGS", ())
        with self.rt.new_uow() as uow:
            state = mailbox_state(uow.session, self.key)
            if state.uidvalidity != uidvalidity:
                if state.uidvalidity is not None:
                    # UIDs were renumbered: every message is looked at again; Message-IDs keep
                    # the ones already recorded from being recorded twice.
                    log.warning(
                        "mailbox %s: UIDVALIDITY changed (%s → %s); rescanning",
                        self.key,
                        state.uidvalidity,
                        uidvalidity,
                    )
                state.uidvalidity, state.last_uid = uidvalidity, 0
            state.checked_at = utcnow()
            last_uid = state.last_uid
            # Closure days change when an admin adds one, not between two messages: read once a pass.
            calendar = self.rt.calendar(uow.session)
            uow.commit()
        uids = [u for u in client.search(self._criteria(keywords, last_uid)) if keywords or u > last_uid]
        if not uids:
            return 0
        sizes = {
            uid: int(data.get(b"RFC822.SIZE", 0))
            for uid, data in client.fetch(uids, [b"RFC822.SIZE"]).items()
        }
        recorded = 0
        for batch in _batches(sizes, settings.section(EmailSettings).imap_batch_size):
            fetched = client.fetch(batch, [b"INTERNALDATE", b"BODY.PEEK[]"])
            # A message expunged meanwhile by another client is simply absent.
            messages = [(uid, fetched[uid]) for uid in batch if fetched.get(uid)]
            try:
                results = self._record_batch(messages, uidvalidity, calendar)
            except Exception:
                log.warning(
                    "mailbox %s: batch of %d failed; recording its messages one at a time",
                    self.key,
                    len(messages),
                    exc_info=True,
                )
                results = self._record_each(messages, uidvalidity, calendar)
            # Marked on the server only once their contacts are committed.
            self._mark_processed(client, [uid for uid, _ in results], keywords)
            for _uid, result in results:
                recorded += result.created
                if self.on_recorded is not None:
                    self.on_recorded(result)
        return recorded

    def _record_batch(
        self, messages: list[tuple[int, dict[bytes, Any]]], uidvalidity: int, calendar: BusinessCalendar
    ) -> list[tuple[int, RecordedContact]]:
        """The usual case: one transaction, no savepoint, one COMMIT for the whole batch. Any
        failure fails it all, and the caller records the batch again one message at a time."""
        with self.rt.new_uow(savepoints=False) as uow:
            results = [(uid, self._ingest(uow, uid, uidvalidity, data, calendar)) for uid, data in messages]
            self._note_last_uid(uow, [uid for uid, _ in results], uidvalidity)
            uow.commit()
        return results

    def _record_each(
        self, messages: list[tuple[int, dict[bytes, Any]]], uidvalidity: int, calendar: BusinessCalendar
    ) -> list[tuple[int, RecordedContact]]:
        """One transaction per message: the one that fails is left out alone, unmarked, and tried
        again at the next pass; a message is never dropped."""
        results = []
        for uid, data in messages:
            try:
                with self.rt.new_uow() as uow:
                    result = self._ingest(uow, uid, uidvalidity, data, calendar)
                    self._note_last_uid(uow, [uid], uidvalidity)
                    uow.commit()
            except Exception:
                log.exception("mailbox %s: message UID %s not recorded; will retry", self.key, uid)
                continue
            results.append((uid, result))
        return results

    def _ingest(
        self, uow: UnitOfWork, uid: int, uidvalidity: int, data: dict[bytes, Any], calendar: BusinessCalendar
    ) -> RecordedContact:
        raw = data.get(b"BODY[]") or b""
        when = data.get(b"INTERNALDATE")
        received = when if isinstance(when, datetime) and when.tzinfo is not None else None
        source = {"folder": self.settings.section(EmailSettings).imap_folder, "uid": uid, "uidvalidity": uidvalidity}
        return ingest_into(uow, bytes(raw), received, source, calendar)

    def _note_last_uid(self, uow: UnitOfWork, uids: list[int], uidvalidity: int) -> None:
        """For servers without keywords, the highest UID recorded is the mark."""
        state = mailbox_state(uow.session, self.key)
        if uids and state.uidvalidity == uidvalidity:
            state.last_uid = max(state.last_uid, *uids)

    def _mark_processed(self, client: IMAPClient, uids: list[int], keywords: bool) -> None:
        if not uids:
            return
        settings = self.settings
        capabilities = client.capabilities()
        if settings.section(EmailSettings).imap_processed_folder:
            if not client.folder_exists(settings.section(EmailSettings).imap_processed_folder):
                client.create_folder(settings.section(EmailSettings).imap_processed_folder)
            if b"MOVE" in capabilities:
                client.move(uids, settings.section(EmailSettings).imap_processed_folder)
                return
            client.copy(uids, settings.section(EmailSettings).imap_processed_folder)
            self._delete(client, uids)
        elif not settings.section(EmailSettings).imap_keep_originals:
            self._delete(client, uids)
        else:
            client.add_flags(uids, [SEEN, PROCESSED_KEYWORD] if keywords else [SEEN])

    def _delete(self, client: IMAPClient, uids: list[int]) -> None:
        client.delete_messages(uids)
        if b"UIDPLUS" in client.capabilities():
            client.uid_expunge(uids)
        else:
            client.expunge()
