/* Espace Citoyen — the panel's internal note and its closing actions: complete, release, transfer. */
import { on } from './bus.js';
import { emitWithAck, removeItem, upsert } from './connection.js';
import { TIME, formatDateTime } from './format.js';
import { t } from './i18n.js';
import { $, clear, el, request, withBusy } from './kit.js';
import { ackError, apiError, showError, showStatus } from './messages.js';
import { closingAction, currentItemId, finishItem } from './panel.js';

const noteText = $('note-text');
const transferTo = $('transfer-to');

$('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = currentItemId();
  if (id === null) return;
  const text = noteText.value.trim();
  if (!text) {
    showError(t('note.empty'));
    noteText.focus();
    return;
  }
  await withBusy($('add-note'), async () => {
    const result = await request('POST', '/console/api/items/' + id + '/notes', { text: text });
    if (id !== currentItemId()) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    noteText.value = '';
    const li = el('li', 'note');
    const when = el('time', 'note__at', formatDateTime(result.data.created_at, TIME));
    when.dateTime = result.data.created_at || '';
    li.append(when, ' ', el('span', 'note__text', result.data.text));
    $('notes-list').appendChild(li);
    showStatus(t('note.added'));
  });
});

$('complete-item').addEventListener('click', (event) => {
  const id = currentItemId();
  if (id === null) return;
  withBusy(event.currentTarget, () => closingAction(async () => {
    const result = await request('POST', '/console/api/items/' + id + '/complete', {});
    if (!result.ok) {
      apiError(result);
      return;
    }
    if (id === currentItemId()) finishItem(result.data.message || t('actions.completed'));
    removeItem(id);
  }));
});

$('release-item').addEventListener('click', (event) => {
  const id = currentItemId();
  if (id === null) return;
  withBusy(event.currentTarget, () => closingAction(async () => {
    const response = await emitWithAck('queue:release', { item_id: id });
    if (!response.ok) {
      ackError(response);
      return;
    }
    if (id === currentItemId()) finishItem(t('actions.released'));
    if (response.item) upsert(response.item);
  }));
});

$('transfer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = currentItemId();
  if (id === null) return;
  const toUser = parseInt(transferTo.value, 10);
  if (!toUser) {
    showError(t('actions.transfer_required'));
    transferTo.focus();
    return;
  }
  const name = transferTo.options[transferTo.selectedIndex].text;
  withBusy($('transfer-item'), () => closingAction(async () => {
    const result = await request('POST', '/console/api/items/' + id + '/transfer', { to_user_id: toUser });
    if (!result.ok) {
      apiError(result);
      return;
    }
    if (id === currentItemId()) finishItem(t('actions.transferred', { name: name }));
  }));
});

on('item:opened', () => {
  noteText.value = '';
  clear($('notes-list'));
  transferTo.value = '';
});
