/* Espace Citoyen — the counter in the console: call the next ticket to my desk, recall, no-show. */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const bar = $('counter-bar');
  if (!bar) return;
  let T = {};
  try {
    T = JSON.parse($('console-i18n').textContent || '{}');
  } catch (_err) {
    T = {};
  }
  const fmt = (template, params) => String(template || '').replace(/\{(\w+)\}/g, (w, k) => (k in params ? params[k] : w));
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.getAttribute('content') : '';
  const deskSelect = $('counter-desk');
  const section = $('counter-section');
  const status = $('console-status');
  const alertBox = $('console-alert');
  let openTicketItem = null;

  deskSelect.value = localStorage.getItem('espace-citoyen:guichet') || '';
  deskSelect.addEventListener('change', () => localStorage.setItem('espace-citoyen:guichet', deskSelect.value));

  function say(message, isError) {
    (isError ? alertBox : status).textContent = message;
    if (isError) status.textContent = '';
    else alertBox.textContent = '';
  }

  async function post(url) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': CSRF },
        body: JSON.stringify({ desk: deskSelect.value }),
      });
    } catch (_err) {
      return { ok: false, message: T.networkError || 'Erreur réseau.' };
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return { ok: false, message: (data.error && data.error.message) || T.genericError };
    return { ok: true, data: data };
  }

  async function busy(button, task) {
    if (button.disabled) return; // a double click calls once
    button.disabled = true;
    try {
      await task();
    } finally {
      button.disabled = false;
    }
  }

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
    const response = await fetch('/console/api/counter/items/' + detail.id + '/ticket', {
      credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (!response.ok || openTicketItem !== detail.id) return;
    showTicket(await response.json());
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
