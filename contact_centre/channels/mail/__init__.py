"""Postal mail: scanned letters, OCR, the mail-room watched folder."""

from __future__ import annotations

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.mail import cli, views
    from contact_centre.channels.mail.config import MailSettings

    return ChannelPlugin(
        name="mail",
        channels={Channel.MAIL: ChannelRules("Courrier", business_days=2)},
        console_api=(views.bp,),  # uploads, letters, pages, search
        cli=cli.group,  # watch, ocr
        settings=MailSettings,
    )
