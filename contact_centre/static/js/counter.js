/* Espace Citoyen — the counter in the console: call the next ticket to my desk, recall, no-show. */
(function () {
  'use strict';

  const { $, T, fmt, request, say, busy } = window.ConsoleKit;
  const bar = $('counter-bar');
  if (!bar) return;
  const deskSelect = $('counter-desk');
  const section = $('counter-section');
  let openTicketItem = null;

  deskSelect.value = localStorage.getItem('espace-citoyen:guichet') || '';
  deskSelect.addEventListener('change', () => localStorage.setItem('espace-citoyen:guichet', deskSelect.value));

  const post = (url) => request('POST', url, { desk: deskSelect.value });

  async function callTo(url, button, withoutDesk) {
    if (!deskSelect.value && !withoutDesk) {
      say(T.counterChooseDesk, true);
      deskSelect.focus();
      return;
    }
    await busy(button, async () => {
      const result = await post(url);
      if (!result.ok) {
        say(result.message, true);
        return;
      }
      const t = result.data.ticket;
      if (t) say(fmt(T.counterCalled, { ticket: t.ticket, desk: t.desk }), false);
      document.dispatchEvent(new CustomEvent('console:open-item', { detail: { item: result.data.item } }));
    });
  }

  $('counter-call-next').addEventListener('click', (event) => callTo('/console/api/counter/call-next', event.currentTarget));

  // Taking a counter item from the queue calls its ticket to my desk.
  document.addEventListener('item:claim', (event) => {
    const item = event.detail.item;
    if (item.channel !== 'counter') return;
    event.preventDefault();
    // Without a desk chosen, a visit with a kiosk ticket is refused by the server, clearly.
    callTo('/console/api/counter/items/' + item.id + '/call', event.detail.button, true);
  });

  function showTicket(t) {
    $('counter-ticket').textContent = t.ticket;
    $('counter-reason').textContent = t.reason_label;
    $('counter-desk-shown').textContent = t.desk || '—';
    $('counter-waited').textContent = t.waited_seconds === null ? '—'
      : fmt(T.counterMinutes, { m: Math.round(t.waited_seconds / 60) });
    $('counter-recalls').textContent = String(t.recalls);
    const called = t.status === 'called';
    $('counter-recall').hidden = !called;
    $('counter-no-show').hidden = !called;
  }

  document.addEventListener('item:opened', async (event) => {
    const detail = event.detail;
    openTicketItem = detail.channel === 'counter' ? detail.id : null;
    section.hidden = true; // shown once its ticket is known: a visit without one has no section
    if (openTicketItem === null) return;
    const result = await request('GET', '/console/api/counter/items/' + detail.id + '/ticket');
    if (!result.ok || openTicketItem !== detail.id) return;
    showTicket(result.data);
    section.hidden = false;
  });

  $('counter-recall').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    const result = await post('/console/api/counter/items/' + openTicketItem + '/recall');
    if (!result.ok) return say(result.message, true);
    showTicket(result.data.ticket);
    say(fmt(T.counterRecalled, { ticket: result.data.ticket.ticket }), false);
  }));

  $('counter-no-show').addEventListener('click', (event) => {
    const button = event.currentTarget;
    const id = openTicketItem;
    if (button.disabled) return; // a double click marks once
    const task = () => new Promise((resolve) => busy(button, async () => {
      const result = await post('/console/api/counter/items/' + id + '/no-show');
      if (!result.ok) {
        say(result.message, true);
        resolve(null);
        return;
      }
      resolve(fmt(T.counterNoShow, { ticket: result.data.ticket.ticket }));
    }));
    document.dispatchEvent(new CustomEvent('console:close-item', { detail: { task: task } }));
  });
})();
