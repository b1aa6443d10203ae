"""Fixtures for integration tests beyond the shared ones in tests/conftest.py."""

from tests.support.mail_servers import (  # noqa: F401 (fixtures: a private Dovecot, an SMTP sink)
    _smtp_server,
    dovecot,
    mail_app,
    mailbox,
    smtp_sink,
)
