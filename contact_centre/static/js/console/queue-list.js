/*
 * Espace Citoyen — the queue list: one row per open item, in the server's order, filtered by channel;
 * waiting times and SLA badges tick every second. Keyboard: a roving tabindex, arrows, Home/End,
 * Enter claims (or opens an item of mine).
 */
import { emit, on } from './bus.js';
import {
  callPositions, claimedByMe, claimedByOther, emitWithAck, isLoaded, items, now, orderedIds, upsert,
} from './connection.js';
import { formatDateTime, formatDuration, parseTime, TIME } from './format.js';
import { t, tn } from './i18n.js';
import { $, el, withBusy } from './kit.js';
import { ackError, announceNew, clearError, showError } from './messages.js';

const queueList = $('queue-list');
const queueEmpty = $('queue-empty');
const queueCount = $('queue-count');
const channelFilter = $('channel-filter');

const rows = new Map(); // id -> <li>
let order = []; // ids, server order
let activeRowId = null; // roving tabindex
let openItemId = null; // the item shown in the panel
let lastShown = [];

function isVisible(item) {
  const wanted = channelFilter.value;
  return !wanted || item.channel === wanted;
}

function visibleIds() {
  return order.filter((id) => isVisible(items.get(id)));
}

function buildRow(id) {
  const li = el('li', 'queue-item');
  li.dataset.itemId = String(id);
  li.tabIndex = -1;

  const main = el('div', 'queue-item__main');
  const top = el('p', 'queue-item__top');
  const channel = el('span', 'badge badge--channel');
  const priority = el('span', 'queue-item__priority');
  const late = el('span', 'badge badge--late', t('queue.late'));
  late.hidden = true;
  const reference = el('span', 'badge badge--reference');
  reference.hidden = true;
  const mine = el('span', 'badge badge--mine', t('queue.claimed_by_you'));
  mine.hidden = true;
  const position = el('span', 'badge badge--position');
  position.hidden = true;
  top.append(channel, ' ', priority, ' ', late, ' ', mine, ' ', reference, ' ', position);

  const summary = el('p', 'queue-item__summary');
  summary.id = 'item-' + id + '-summary';

  const meta = el('p', 'queue-item__meta');
  const citizen = el('span', 'queue-item__citizen');
  const citizenName = el('span');
  citizen.append(el('span', 'queue-item__label', t('queue.citizen_label')), ' ', citizenName);
  const wait = el('span', 'queue-item__wait');
  const waitTime = el('time', 'queue-item__time');
  wait.append(el('span', 'queue-item__label', t('queue.waiting_label')), ' ', waitTime);
  meta.append(citizen, wait);

  const lease = el('p', 'queue-item__lease');
  lease.hidden = true;
  main.append(top, summary, meta, lease);

  const button = el('button', 'button claim');
  button.type = 'button';
  button.tabIndex = -1;
  button.setAttribute('aria-describedby', summary.id);

  li.append(main, button);
  li._parts = { channel, priority, late, mine, reference, position, summary, citizenName, waitTime, lease, button };
  button.refreshState = () => refreshButton(li);
  return li;
}

function refreshButton(li) {
  const item = items.get(Number(li.dataset.itemId));
  const button = li._parts.button;
  if (!item) return;
  button.classList.toggle('is-mine', claimedByMe(item));
  button.classList.toggle('is-taken', claimedByOther(item));
  if (claimedByOther(item)) {
    button.textContent = t('queue.claimed_by', { name: item.claimed_by.name });
    if (!button.dataset.busy) button.disabled = true;
  } else {
    button.textContent = claimedByMe(item) ? t('queue.open') : t('queue.claim');
    if (!button.dataset.busy) button.disabled = false;
  }
}

function fillRow(li, item) {
  const p = li._parts;
  li.dataset.status = item.status;
  li.dataset.channel = item.channel;
  li.classList.toggle('is-mine', claimedByMe(item));
  li.classList.toggle('is-taken', claimedByOther(item));
  li.classList.toggle('is-open', openItemId === item.id);
  p.channel.textContent = item.channel_label;
  p.mine.hidden = !claimedByMe(item);
  p.priority.textContent = t('queue.priority', { priority: item.priority });
  p.priority.dataset.priority = String(item.priority);
  p.summary.textContent = item.summary || t('none');
  p.citizenName.textContent = item.citizen ? item.citizen.name : t('queue.unknown_citizen');
  p.citizenName.className = item.citizen ? '' : 'is-unknown';
  if (item.request && item.request.reference) {
    p.reference.textContent = item.request.reference;
    p.reference.hidden = false;
  } else {
    p.reference.hidden = true;
  }
  const line = callPositions.get(item.id);
  p.position.hidden = !(line && item.status === 'waiting');
  if (line) p.position.textContent = t('queue.call_position', { position: line.position, minutes: line.estimated_minutes });
  p.waitTime.dateTime = item.received_at || '';
  if (item.status === 'claimed' && item.lease_expires_at) {
    p.lease.textContent = t('queue.lease_until', { time: formatDateTime(item.lease_expires_at, TIME) });
    p.lease.hidden = false;
  } else {
    p.lease.hidden = true;
  }
  refreshButton(li);
  tickRow(li, item, now());
}

function tickRow(li, item, at) {
  const p = li._parts;
  const received = parseTime(item.received_at);
  const text = received === null ? t('none') : formatDuration((at - received) / 1000);
  if (p.waitTime.textContent !== text) p.waitTime.textContent = text;
  const due = parseTime(item.sla_due_at);
  const late = due !== null && at > due;
  if (p.late.hidden === late) p.late.hidden = !late;
  li.classList.toggle('is-late', late);
}

function tick() {
  const at = now();
  rows.forEach((li, id) => {
    const item = items.get(id);
    if (item && !li.hidden) tickRow(li, item, at);
  });
}

function renderQueue() {
  const focusedId = focusedRowId();
  const focusedButton = document.activeElement && document.activeElement.classList.contains('claim');
  order = orderedIds();

  // Drop rows of items that left the queue.
  rows.forEach((li, id) => {
    if (!items.has(id)) {
      li.remove();
      rows.delete(id);
    }
  });
  // Create, fill and place rows in order, moving only those out of place (keeps the focus).
  let cursor = queueList.firstElementChild;
  order.forEach((id) => {
    let li = rows.get(id);
    if (!li) {
      li = buildRow(id);
      rows.set(id, li);
    }
    fillRow(li, items.get(id));
    li.hidden = !isVisible(items.get(id));
    if (li !== cursor) queueList.insertBefore(li, cursor);
    else cursor = cursor.nextElementSibling;
  });

  const shown = visibleIds();
  if (!isLoaded()) {
    queueCount.textContent = '';
  } else if (channelFilter.value) {
    queueCount.textContent = '(' + t('queue.count_filtered', { n: shown.length, total: order.length }) + ')';
  } else {
    queueCount.textContent = '(' + tn('queue.count', order.length) + ')';
  }
  if (isLoaded()) {
    queueEmpty.textContent = channelFilter.value ? t('queue.empty_filtered') : t('queue.empty');
    queueEmpty.hidden = shown.length > 0;
  }

  if (activeRowId === null || shown.indexOf(activeRowId) === -1) {
    // The active row left (or was filtered out): its neighbour takes over.
    activeRowId = nextActive(shown);
  }
  updateRoving();
  // A row that was moved by insertBefore may have lost the focus: give it back.
  if (focusedId !== null && document.activeElement === document.body) {
    const focused = rows.get(focusedId);
    const target = focused && !focused.hidden ? focused : rows.get(activeRowId);
    if (target) {
      const button = target._parts.button;
      (focusedButton && target === focused && !button.disabled ? button : target).focus();
    }
  }
}

function nextActive(shown) {
  const previous = lastShown;
  lastShown = shown;
  if (!shown.length) return null;
  const oldIndex = activeRowId !== null ? previous.indexOf(activeRowId) : -1;
  return oldIndex !== -1 ? shown[Math.min(oldIndex, shown.length - 1)] : shown[0];
}

function updateRoving() {
  lastShown = visibleIds();
  rows.forEach((li, id) => {
    const active = id === activeRowId;
    li.tabIndex = active ? 0 : -1;
    li._parts.button.tabIndex = active ? 0 : -1;
  });
}

function focusedRowId() {
  const node = document.activeElement;
  const li = node && node.closest ? node.closest('#queue-list > li') : null;
  return li ? Number(li.dataset.itemId) : null;
}

export function focusRow(id) {
  const li = rows.get(id);
  if (!li) return;
  activeRowId = id;
  updateRoving();
  li.focus();
}

// Back from the panel: the open item's row if shown, else the active row, else the list.
export function backToQueue(openId) {
  const target = openId !== null && rows.get(openId) && !rows.get(openId).hidden ? openId : activeRowId;
  if (target !== null && rows.get(target)) focusRow(target);
  else queueList.focus();
}

export function focusActiveRow() {
  const row = activeRowId !== null ? rows.get(activeRowId) : null;
  if (row) row.focus();
}

// After an item is finished: the row that took its place (or the first one) takes the focus.
export function focusNextAfter(id) {
  const shown = visibleIds();
  const others = shown.filter((x) => x !== id);
  const next = others[Math.max(0, shown.indexOf(id))] || others[0];
  if (next !== undefined) focusRow(next);
}

queueList.addEventListener('focusin', (event) => {
  const li = event.target.closest('#queue-list > li');
  if (li && Number(li.dataset.itemId) !== activeRowId) {
    activeRowId = Number(li.dataset.itemId);
    updateRoving();
  }
});

queueList.addEventListener('keydown', (event) => {
  const li = event.target.closest('#queue-list > li');
  if (!li || event.altKey || event.ctrlKey || event.metaKey) return;
  const shown = visibleIds();
  const index = shown.indexOf(Number(li.dataset.itemId));
  let target = null;
  switch (event.key) {
    case 'ArrowDown': target = shown[Math.min(index + 1, shown.length - 1)]; break;
    case 'ArrowUp': target = shown[Math.max(index - 1, 0)]; break;
    case 'Home': target = shown[0]; break;
    case 'End': target = shown[shown.length - 1]; break;
    case 'Enter':
      if (event.target === li) {
        event.preventDefault();
        activate(Number(li.dataset.itemId), li._parts.button);
      }
      return;
    default: return;
  }
  event.preventDefault();
  if (target !== undefined && target !== null) focusRow(target);
});

queueList.addEventListener('click', (event) => {
  const button = event.target.closest('button.claim');
  if (!button || !queueList.contains(button)) return;
  activate(Number(button.closest('#queue-list > li').dataset.itemId), button);
});

// Enter on a row or a click on its button: claim a waiting item, open one of mine.
function activate(id, button) {
  const item = items.get(id);
  if (!item) return;
  if (claimedByMe(item)) {
    emit('item:open', { id: id });
  } else if (claimedByOther(item)) {
    showError(t('queue.claimed_by', { name: item.claimed_by.name }));
  } else if (emit('item:claim', { item: item, button: button }, { cancelable: true })) {
    // No channel took it its own way (the counter calls the ticket to a desk): claim it.
    claim(id, button);
  }
}

async function claim(id, button) {
  await withBusy(button, async () => {
    const response = await emitWithAck('queue:claim', { item_id: id });
    if (!response.ok) {
      ackError(response);
      return;
    }
    clearError();
    if (response.item) upsert(response.item);
    emit('item:open', { id: id });
  });
}

channelFilter.addEventListener('change', () => {
  renderQueue();
  tick();
});

on('queue:changed', renderQueue);
on('queue:arrived', (item) => {
  if (isVisible(item)) announceNew(item);
});
on('item:opening', ({ id }) => {
  openItemId = id;
  rows.forEach((li, rowId) => li.classList.toggle('is-open', rowId === id));
});
on('item:closed', () => {
  openItemId = null;
  rows.forEach((li) => li.classList.remove('is-open'));
});

// Waiting times and SLA badges move every second.
setInterval(tick, 1000);
