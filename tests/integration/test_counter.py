"""The counter: kiosk tickets, calling them to a desk, the waiting-room display's socket."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
import socketio
from sqlalchemy import func, select

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.counter import CounterTicket, TicketStatus
from contact_centre.domain.queue import QueueItem
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, csrf_from, login
from tests.support.factories import inbound

TUESDAY_10H = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def at(rt, instant: datetime) -> None:
    rt.clock = lambda: instant


class Kiosk:
    """The tablet at the entrance, as a browser without JavaScript would use it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def page(self) -> str:
        response = self.http.get(f"{self.base}/counter/kiosk", timeout=10)
        assert response.status_code == 200
        return response.text

    def tap(self, reason: str, page: str | None = None) -> requests.Response:
        page = page or self.page()
        key = re.search(r'name="kiosk_key" value="([^"]+)"', page).group(1)
        return self.http.post(
            f"{self.base}/counter/kiosk",
            data={"reason": reason, "kiosk_key": key, "csrf_token": csrf_from(page)},
            timeout=10,
        )


def number_on(ticket_page: requests.Response) -> str:
    return re.search(r'id="ticket-number">([A-Z]\d{3})<', ticket_page.text).group(1)


def counts(rt) -> tuple[int, int, int]:
    with rt.new_uow() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(table))
            for table in (CounterTicket, Contact, QueueItem)
        )  # type: ignore[return-value]


@pytest.fixture
def desk(app, rt, served):
    """Sophie at Guichet 2, with the console's session."""
    at(rt, TUESDAY_10H)
    add_user(app, "sophie", full_name="Sophie Marchal")
    return login(served.url, "sophie", PASSWORD)


def test_tickets_are_numbered_per_letter_and_day_and_a_double_tap_gives_one(rt, served):
    at(rt, TUESDAY_10H)
    kiosk = Kiosk(served.url)
    page = kiosk.page()
    assert "Carte d&#39;identité, passeport" in page or "Carte d'identité, passeport" in page
    first = kiosk.tap("identite", page)
    assert number_on(first) == "B001" and "Vous serez appelé·e dans un instant." in first.text
    again = kiosk.tap("identite", page)  # the same page tapped twice
    assert again.url == first.url and number_on(again) == "B001"
    second = kiosk.tap("identite")
    assert number_on(second) == "B002" and "environ 5 minutes" in second.text
    assert number_on(kiosk.tap("etat-civil")) == "A001"
    assert counts(rt) == (3, 3, 3)

    at(rt, TUESDAY_10H + timedelta(days=1))  # a new opening day starts again at 1
    assert number_on(kiosk.tap("identite")) == "B001"

    # The ticket page is for the kiosk that issued it only.
    ticket_id = re.search(r"/tickets/(\d+)", first.url).group(1)
    assert kiosk.http.get(f"{served.url}/counter/kiosk/tickets/{ticket_id}?k=devine").status_code == 404


def test_no_ticket_when_closed_nor_for_an_unknown_reason(rt, served):
    kiosk = Kiosk(served.url)
    at(rt, TUESDAY_10H)
    page = kiosk.page()
    at(rt, SATURDAY)
    closed = kiosk.tap("identite", page)
    assert closed.status_code == 409
    assert "L&#39;accueil est fermé" in closed.text or "L'accueil est fermé" in closed.text
    assert "Réouverture lundi 30 novembre à 9h00" in kiosk.page()
    at(rt, TUESDAY_10H)
    unknown = kiosk.tap("n-importe-quoi")
    assert unknown.status_code == 400 and "Ce motif n" in unknown.text
    stale = kiosk.http.post(f"{served.url}/counter/kiosk", data={"reason": "identite", "kiosk_key": "x"})
    assert stale.status_code == 400 and "touchez à nouveau votre choix" in stale.text
    assert counts(rt) == (0, 0, 0)


def test_call_next_by_priority_then_age_recall_and_no_show(rt, served, desk):
    kiosk = Kiosk(served.url)
    display = ConsoleClient("/counter").connect(served.url)
    assert display.wait_for("counter:snapshot") == {"called": []}
    url = f"{served.url}/console/api/counter"

    nobody = desk.post(f"{url}/call-next", json={"desk": "Guichet 2"})
    assert nobody.status_code == 404
    assert nobody.json()["error"]["message"] == "Personne n'attend au guichet pour le moment."
    kiosk.tap("etat-civil")
    at(rt, TUESDAY_10H + timedelta(minutes=4))
    kiosk.tap("prioritaire")  # later, but a priority visitor
    no_desk = desk.post(f"{url}/call-next", json={})
    assert (
        no_desk.status_code == 400
        and no_desk.json()["error"]["message"] == "Choisissez d'abord votre guichet."
    )

    at(rt, TUESDAY_10H + timedelta(minutes=6))
    called = desk.post(f"{url}/call-next", json={"desk": "Guichet 2"}).json()
    assert called["ticket"]["ticket"] == "P001" and called["ticket"]["waited_seconds"] == 120
    assert called["item"]["status"] == "claimed" and called["item"]["claimed_by"]["name"] == "Sophie Marchal"
    assert display.wait_for("counter:called")["ticket"] == "P001"

    recall = desk.post(f"{url}/items/{called['item']['id']}/recall", json={})
    assert recall.json()["ticket"]["recalls"] == 1
    assert [e["ticket"] for e in display.wait_for_count("counter:called", 2)] == ["P001", "P001"]
    gone = desk.post(f"{url}/items/{called['item']['id']}/no-show", json={})
    assert gone.json()["ticket"]["status"] == "no_show" and gone.json()["item"]["status"] == "done"
    again = desk.post(f"{url}/items/{called['item']['id']}/no-show", json={})
    assert again.status_code == 409

    at(rt, TUESDAY_10H + timedelta(minutes=8))
    second = desk.post(f"{url}/call-next", json={"desk": "Guichet 2"}).json()
    assert second["ticket"]["ticket"] == "A001" and second["ticket"]["waited_seconds"] == 480
    at(rt, TUESDAY_10H + timedelta(minutes=20))
    assert desk.post(f"{served.url}/console/api/items/{second['item']['id']}/complete").status_code == 200
    ticket = desk.get(f"{url}/items/{second['item']['id']}/ticket").json()
    assert ticket["status"] == "called" and ticket["handled_seconds"] >= 0  # claim to completion
    display.disconnect()

    # A new display sees the last numbers called.
    later = ConsoleClient("/counter").connect(served.url)
    assert [c["ticket"] for c in later.wait_for("counter:snapshot")["called"]] == ["A001", "P001"]
    later.disconnect()
    with rt.new_uow() as uow:
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("counter.%")).order_by(AuditEvent.id)
        ).all()
    assert actions == ["counter.ticket_issued", "counter.ticket_issued", "counter.ticket_called",
                       "counter.ticket_recalled", "counter.no_show", "counter.ticket_called"]  # fmt: skip


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_desks_calling_at_once_get_different_tickets(app, rt, served, desk):
    add_user(app, "nadia")
    nadia = login(served.url, "nadia", PASSWORD)
    kiosk = Kiosk(served.url)
    for _ in range(2):
        kiosk.tap("social")
    results: dict[str, dict] = {}
    start = threading.Barrier(2)

    def call(name: str, http: requests.Session, where: str) -> None:
        start.wait()
        results[name] = http.post(f"{served.url}/console/api/counter/call-next", json={"desk": where}).json()

    threads = [
        threading.Thread(target=call, args=a) for a in (("s", desk, "Guichet 1"), ("n", nadia, "Guichet 2"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r["ticket"]["ticket"] for r in results.values()} == {"C001", "C002"}
    with rt.new_uow() as uow:
        assert set(uow.session.scalars(select(CounterTicket.status))) == {TicketStatus.CALLED}


def test_a_device_key_keeps_the_kiosk_and_the_display_to_the_town_halls_devices(rt, served):
    rt.settings = rt.settings.replace(counter_device_key="cle-de-la-borne")
    at(rt, TUESDAY_10H)
    outsider = requests.Session()
    assert outsider.get(f"{served.url}/counter/kiosk").status_code == 403
    assert outsider.get(f"{served.url}/counter/kiosk?cle=mauvaise").status_code == 403
    with pytest.raises(socketio.exceptions.ConnectionError, match="failed to connect: /counter"):
        ConsoleClient("/counter").connect(served.url, outsider)
    kiosk = Kiosk(served.url)
    enrolled = kiosk.http.get(f"{served.url}/counter/kiosk?cle=cle-de-la-borne")
    assert enrolled.status_code == 200 and enrolled.url == f"{served.url}/counter/kiosk"
    assert number_on(kiosk.tap("autre")) == "F001"
    screen = ConsoleClient("/counter").connect(served.url, kiosk.http)
    assert screen.wait_for("counter:snapshot") == {"called": []}
    screen.disconnect()


def test_a_counter_visit_without_a_kiosk_ticket_is_claimed_like_any_item(rt, served, desk):
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow, channel=Channel.COUNTER).queue_item_id
    taken = desk.post(f"{served.url}/console/api/counter/items/{item_id}/call", json={})
    assert taken.status_code == 200 and taken.json()["ticket"] is None
    assert taken.json()["item"]["claimed_by"]["name"] == "Sophie Marchal"
    assert desk.get(f"{served.url}/console/api/counter/items/{item_id}/ticket").status_code == 404

    Kiosk(served.url).tap("autre")
    with rt.new_uow() as uow:
        ticket_item = uow.session.scalar(select(CounterTicket.queue_item_id))
    refused = desk.post(f"{served.url}/console/api/counter/items/{ticket_item}/call", json={})
    assert (
        refused.status_code == 400
        and refused.json()["error"]["message"] == "Choisissez d'abord votre guichet."
    )
