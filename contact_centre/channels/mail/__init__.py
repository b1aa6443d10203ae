"""Postal mail: scanned letters, OCR, the mail-room watched folder."""

from __future__ import annotations

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.mail import cli, views
    from contact_centre.channels.mail.config import MailSettings
    from contact_centre.channels.mail.console_strings import CONSOLE_STRINGS

    return ChannelPlugin(
        name="mail",
        channels={Channel.MAIL: ChannelRules("Courrier", business_days=2)},
        console_api=(views.bp,),  # uploads, letters, pages, search
        cli=cli.group,  # watch, ocr
        serve=cli.watch_beside_serve,  # without Redis, `serve` watches the scanner's folder itself
        settings=MailSettings,
        console_panels={
            "queue": "console/channels/mail/queue.html",  # upload and search above the queue
            "item": "console/channels/mail/item.html",  # the letter's pages and text
        },
        console_scripts=("letter-upload.js", "letters.js"),
        console_strings=CONSOLE_STRINGS,
    )
