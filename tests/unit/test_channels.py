"""Channel codes: one instance per code, stored as text, with the rules their plug-in gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel, ChannelRules, ChannelType, register_rules, rules_of
from contact_centre.domain.sla import default_priority, sla_due_at
from contact_centre.plugins import channel_plugins


def test_a_code_is_one_instance_compared_and_sent_as_text() -> None:
    assert Channel("email") is Channel.EMAIL
    assert Channel.EMAIL == "email" and Channel.EMAIL.value == "email"
    assert f"{Channel.PHONE}" == "phone"
    assert Channel.declare("email") is Channel.EMAIL
    with pytest.raises(ValueError, match="not a valid Channel"):
        Channel("fax")
    with pytest.raises(ValueError, match="32 ASCII"):
        Channel.declare("télécopie")


def test_a_channel_column_stores_text_and_loads_even_a_retired_code() -> None:
    column = ChannelType()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert column.process_bind_param(Channel.MAIL, dialect) == "mail"
        assert type(column.process_bind_param(Channel.MAIL, dialect)) is str
        assert column.process_result_value("mail", dialect) is Channel.MAIL
    assert column.process_result_value("minitel", sqlite.dialect()) == "minitel"


def test_every_plugin_describes_its_channels_and_no_two_claim_one() -> None:
    seen: dict[Channel, str] = {}
    for plugin in channel_plugins():
        for channel in plugin.channels:
            assert channel not in seen, f"{channel} claimed by {seen.get(channel)} and {plugin.name}"
            seen[channel] = plugin.name
    core = {Channel.PHONE, Channel.VOICEMAIL, Channel.EMAIL, Channel.MAIL, Channel.COUNTER, Channel.COUNCIL,
            Channel.GUSP, Channel.PATROL}  # fmt: skip
    assert set(seen) == core  # the web's contacts come through the API, with the core's rules


def test_due_dates_and_priorities_come_from_the_registered_rules() -> None:
    calendar = BusinessCalendar(timezone="Europe/Paris")
    tuesday_ten = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    sms = Channel.declare("sms_test")
    assert rules_of(sms) == ChannelRules("sms_test")  # nothing registered: the defaults
    assert default_priority(sms) == 3
    register_rules(sms, ChannelRules("SMS", live_target=timedelta(minutes=30), priority=2))
    assert sla_due_at(sms, tuesday_ten, calendar) == tuesday_ten + timedelta(minutes=30)
    assert default_priority(sms) == 2
    register_rules(sms, ChannelRules("SMS", business_days=1))
    due = sla_due_at(sms, tuesday_ten, calendar)
    assert due.astimezone(calendar.zone).date().isoformat() == "2026-12-02"
    assert due.astimezone(calendar.zone).hour == 17
