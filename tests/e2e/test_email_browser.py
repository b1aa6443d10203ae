"""An e-mail item in Chromium: the thread with the city's acknowledgement, a reply with an
attachment, a refused send shown and sent again (real Dovecot, real SMTP sink)."""

from __future__ import annotations

import re

import pytest

from tests.integration.test_email_ingest import fetch, message
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations
from tests.support.mail_servers import drain_jobs

pytestmark = pytest.mark.e2e


def test_reply_from_the_panel_and_a_failed_send_sent_again(
    mail_app, rt, mailbox, smtp_sink, served, page, tmp_path
):
    add_user(mail_app, "sophie", full_name="Sophie Marchal")
    mailbox.deliver(
        message(subject="Poubelle non ramassée", body="Bonjour,\nla poubelle n'a pas été ramassée.")
    )
    assert fetch(mail_app) == 1
    drain_jobs(rt)  # the acknowledgement
    smtp_sink.wait_for(1)

    page.goto(f"{served.url}/login")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.locator("[data-channel='email'] .claim").click()
    section = page.locator("#email-section")
    section.wait_for()
    thread = page.locator("#email-thread > li")
    thread.nth(1).wait_for()
    assert "la poubelle n'a pas été ramassée." in thread.nth(0).inner_text()
    assert "Envoyé à jean.dupont@example.fr" in thread.nth(1).inner_text()  # the acknowledgement
    assert serious_violations(page) == []

    attachment = tmp_path / "plan du quartier.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%plan\n")
    page.get_by_label("Votre réponse").fill("Bonjour,\nle passage est prévu demain.")
    page.get_by_label("Pièces jointes (facultatif)").set_input_files(str(attachment))
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("Réponse mise en envoi.").wait_for()
    drain_jobs(rt)
    sent = smtp_sink.wait_for(2)[1]
    assert sent.rcpt_tos == ["jean.dupont@example.fr"] and b"plan du quartier.pdf" in sent.data
    page.locator("#email-thread > li").nth(2).locator(".email-message__status--sent").wait_for()
    assert page.locator("#email-reply-text").input_value() == ""

    smtp_sink.reply = "554 5.7.1 Message refusé"
    page.get_by_label("Votre réponse").fill("Un second message.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    failed = page.locator("#email-thread > li").nth(3)
    failed.locator(".email-message__status--queued").wait_for()
    drain_jobs(rt)
    failed.locator(".email-message__status--failed").wait_for()
    assert "Le serveur de courrier a refusé le message (554 5.7.1 Message refusé)." in failed.inner_text()
    smtp_sink.reply = ""
    failed.get_by_role("button", name="Renvoyer").click()
    page.get_by_text("Message remis en envoi.").wait_for()
    drain_jobs(rt)
    page.locator("#email-thread > li").nth(3).locator(".email-message__status--sent").wait_for()
    assert len(smtp_sink.wait_for(3)) == 3
    assert serious_violations(page) == []
    expected = ["Failed to load resource: the server responded with a status of 400"]
    assert [e for e in page.errors if not e.startswith(expected[0])] == []
