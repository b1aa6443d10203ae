/*
 * Espace Citoyen — the item panel: opens the item I claimed, shows its contact, and tells the other
 * sections and the channel panels (`item:opened`, `item:closed`) so that they fill or empty themselves.
 * It closes when the item is finished here, or when the queue says it left me.
 */
import { emit, on } from './bus.js';
import { claimedByMe, isLoaded, items, removeItem, upsert } from './connection.js';
import { formatDateTime, formatSize } from './format.js';
import { t } from './i18n.js';
import { $, clear, el, request } from './kit.js';
import { apiError, clearError, showError, showStatus } from './messages.js';
import { backToQueue, focusActiveRow, focusNextAfter } from './queue-list.js';

const panel = $('panel');
const panelHeading = $('panel-heading');
const panelEmpty = $('panel-empty');
const panelBody = $('panel-body');
const panelDefaultTitle = panelHeading.textContent;
let openItemId = null; // the item shown in the panel
let loadSeq = 0;
let closingOnPurpose = false;

export function currentItemId() {
  return openItemId;
}

// A value, or the "none" dash when there is none.
export function setText(id, value) {
  $(id).textContent = value === null || value === undefined || value === '' ? t('none') : String(value);
}

export async function openItem(id) {
  const seq = ++loadSeq;
  openItemId = id;
  emit('item:opening', { id: id });
  panelHeading.textContent = t('panel.loading');
  panel.setAttribute('aria-busy', 'true');
  const result = await request('GET', '/console/api/items/' + id);
  if (seq !== loadSeq) return;
  panel.removeAttribute('aria-busy');
  if (!result.ok) {
    closePanel();
    apiError(result);
    return;
  }
  renderPanel(result.data);
  panelHeading.focus();
}

function closePanel() {
  const id = openItemId;
  loadSeq++;
  openItemId = null;
  panel.removeAttribute('aria-busy');
  panelHeading.textContent = panelDefaultTitle;
  panelBody.hidden = true;
  panelEmpty.hidden = false;
  emit('item:closed', { id: id });
}

// After every queue change: is the open item still mine?
function syncOpenItem() {
  if (openItemId === null || closingOnPurpose || !isLoaded()) return;
  const item = items.get(openItemId);
  if (!item) {
    closePanel();
    showStatus(t('panel.done_elsewhere'));
  } else if (!claimedByMe(item)) {
    closePanel();
    showError(t('panel.item_lost'));
  }
}

// Finishes the open item (completed, released, transferred): the panel closes, the queue takes the focus.
export function finishItem(message) {
  const id = openItemId;
  closePanel();
  showStatus(message);
  focusNextAfter(id);
}

// Runs an action that ends the item here: the queue's own removal must not say "done elsewhere".
export async function closingAction(task) {
  closingOnPurpose = true;
  try {
    return await task();
  } finally {
    closingOnPurpose = false;
  }
}

panel.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !event.defaultPrevented && openItemId !== null) {
    event.preventDefault();
    backToQueue(openItemId);
  }
});

function renderPanel(detail) {
  clearError();
  panelHeading.textContent = t('panel.title', { id: detail.id, channel: detail.channel_label });
  panelEmpty.hidden = true;
  panelBody.hidden = false;
  setText('panel-summary', detail.summary);

  const contact = detail.contact || {};
  setText('contact-channel', detail.channel_label);
  setText('contact-received', formatDateTime(contact.received_at || detail.received_at));
  setText('contact-subject', contact.subject);
  $('contact-body').textContent = contact.body || t('none');
  const hints = contact.hints || {};
  const hintParts = [hints.name, hints.phone, hints.email].filter((x) => x);
  $('contact-hints-row').hidden = hintParts.length === 0;
  setText('contact-hints', hintParts.join(' · '));
  const attachments = contact.attachments || [];
  const attachmentList = $('contact-attachments');
  clear(attachmentList);
  attachments.forEach((a) => {
    attachmentList.appendChild(el('li', null, a.filename + ' (' + formatSize(a.size || 0) + ')'));
  });
  $('contact-attachments-block').hidden = attachments.length === 0;

  // The citizen, qualification, note and action sections and the channel panels fill themselves.
  emit('item:opened', detail);
}

on('queue:changed', syncOpenItem);
on('item:open', ({ id }) => openItem(id));
// A channel claimed an item on the server (the counter's "call next"): show it, open it.
on('item:show', ({ item }) => {
  if (!item) return;
  upsert(item);
  openItem(item.id);
});
on('item:close-request', ({ task }) => {
  const id = openItemId;
  if (id === null || !task) return;
  closingAction(async () => {
    const message = await task();
    if (message === null) return;
    if (id === openItemId) finishItem(message);
    removeItem(id);
  });
});
on('messages:alert-closed', () => {
  if (openItemId !== null) panelHeading.focus();
  else focusActiveRow();
});
