/*
 * Espace Citoyen — the counter in the console: my desk (remembered by this browser), call the next
 * ticket to it, and for a visit's item its ticket, recall, no-show.
 */
import { emit, on } from '../../bus.js';
import { t } from '../../i18n.js';
import { $, request, withBusy } from '../../kit.js';
import { showError, showStatus } from '../../messages.js';

const DESK_KEY = 'espace-citoyen:guichet';
const deskSelect = $('counter-desk');
const section = $('counter-section');
let openTicketItem = null;

deskSelect.value = localStorage.getItem(DESK_KEY) || '';
deskSelect.addEventListener('change', () => localStorage.setItem(DESK_KEY, deskSelect.value));

const post = (url) => request('POST', url, { desk: deskSelect.value });

async function callTo(url, button, withoutDesk) {
  if (!deskSelect.value && !withoutDesk) {
    showError(t('counter.choose_desk'));
    deskSelect.focus();
    return;
  }
  await withBusy(button, async () => {
    const result = await post(url);
    if (!result.ok) {
      showError(result.message);
      return;
    }
    const ticket = result.data.ticket;
    if (ticket) showStatus(t('counter.called', { ticket: ticket.ticket, desk: ticket.desk }));
    emit('item:show', { item: result.data.item });
  });
}

$('counter-call-next').addEventListener('click', (event) => callTo('/console/api/counter/call-next', event.currentTarget));

// Taking a counter item from the queue calls its ticket to my desk.
on('item:claim', ({ item, button }, event) => {
  if (item.channel !== 'counter') return;
  event.preventDefault();
  // Without a desk chosen, a visit with a kiosk ticket is refused by the server, clearly.
  callTo('/console/api/counter/items/' + item.id + '/call', button, true);
});

function showTicket(ticket) {
  $('counter-ticket').textContent = ticket.ticket;
  $('counter-reason').textContent = ticket.reason_label;
  $('counter-desk-shown').textContent = ticket.desk || t('none');
  $('counter-waited').textContent = ticket.waited_seconds === null ? t('none')
    : t('counter.waited_minutes', { m: Math.round(ticket.waited_seconds / 60) });
  $('counter-recalls').textContent = String(ticket.recalls);
  const called = ticket.status === 'called';
  $('counter-recall').hidden = !called;
  $('counter-no-show').hidden = !called;
}

on('item:opened', async (detail) => {
  openTicketItem = detail.channel === 'counter' ? detail.id : null;
  section.hidden = true; // shown once its ticket is known: a visit without one has no section
  if (openTicketItem === null) return;
  const result = await request('GET', '/console/api/counter/items/' + detail.id + '/ticket');
  if (!result.ok || openTicketItem !== detail.id) return;
  showTicket(result.data);
  section.hidden = false;
});

on('item:closed', () => {
  openTicketItem = null;
});

$('counter-recall').addEventListener('click', (event) => withBusy(event.currentTarget, async () => {
  const result = await post('/console/api/counter/items/' + openTicketItem + '/recall');
  if (!result.ok) return showError(result.message);
  showTicket(result.data.ticket);
  showStatus(t('counter.recalled', { ticket: result.data.ticket.ticket }));
}));

$('counter-no-show').addEventListener('click', (event) => {
  const button = event.currentTarget;
  const id = openTicketItem;
  if (button.dataset.busy) return; // a double click marks once
  const task = () => new Promise((resolve) => withBusy(button, async () => {
    const result = await post('/console/api/counter/items/' + id + '/no-show');
    if (!result.ok) {
      showError(result.message);
      resolve(null);
      return;
    }
    resolve(t('counter.closed_no_show', { ticket: result.data.ticket.ticket }));
  }));
  emit('item:close-request', { task: task });
});
