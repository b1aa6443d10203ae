/*
 * Espace Citoyen — phone and voicemail items in the panel: answer the waiting caller, call back from
 * the single number, the callbacks made, play the voicemail.
 */
import { emit, on } from '../../bus.js';
import { TIME, formatDateTime, formatDuration } from '../../format.js';
import { has, t } from '../../i18n.js';
import { $, clear, el, request, withBusy } from '../../kit.js';
import { apiError, clearError } from '../../messages.js';
import { currentItemId, setText } from '../../panel.js';

const ENDED = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
const section = $('phone-section');
const answer = $('answer-call');
const player = $('voicemail-player');

function isCall(detail) {
  return detail.channel === 'phone' || detail.channel === 'voicemail';
}

function statusLabel(status) {
  return has('phone.status.' + status) ? t('phone.status.' + status) : status;
}

function render(detail) {
  section.hidden = !isCall(detail);
  if (section.hidden) return;
  const contact = detail.contact || {};
  const payload = contact.payload || {};
  const waiting = detail.channel === 'phone' && contact.direction === 'inbound'
    && ENDED.indexOf(payload.status) === -1 && payload.outcome !== 'answered';
  answer.hidden = !waiting;
  const callbacks = (detail.outbound || []).filter((c) => c.channel === 'phone');
  const lastCallback = callbacks.length ? callbacks[callbacks.length - 1].payload || {} : null;
  let state = '';
  if (lastCallback && ENDED.indexOf(lastCallback.status) === -1) {
    state = t('phone.callback_placed', { to: lastCallback.to || '' });
  } else if (payload.outcome === 'answered') state = t('phone.answered', { name: payload.answered_by || '' });
  else if (waiting) state = t('phone.waiting');
  else if (payload.status) state = t('phone.ended', { status: statusLabel(payload.status) });
  setText('call-state', state);
  const list = $('callbacks-list');
  clear(list);
  callbacks.forEach((c) => {
    const p = c.payload || {};
    let callState = statusLabel(p.status || '');
    if (typeof p.talk_seconds === 'number') {
      callState = t('phone.talk', { state: callState, duration: formatDuration(p.talk_seconds) });
    }
    list.append(el('li', null, t('phone.callback_line', {
      time: formatDateTime(c.at, TIME), to: p.to || '', by: c.by || '', state: callState,
    })));
  });
  $('callbacks-block').hidden = callbacks.length === 0;
  if (payload.recording_sid) {
    const url = '/console/api/phone/items/' + detail.id + '/recording';
    if (player.getAttribute('src') !== url) player.src = url; // a refresh must not restart it
    $('voicemail-block').hidden = false;
  } else {
    player.removeAttribute('src');
    $('voicemail-block').hidden = true;
  }
}

on('item:opened', (detail) => {
  render(detail);
  $('call-back-number').value = '';
});

// The call moved on (answered, hung up, called back) while its panel is open.
on('queue:item-updated', async (item) => {
  if (item.id !== currentItemId() || !isCall(item)) return;
  const result = await request('GET', '/console/api/items/' + item.id);
  if (result.ok && item.id === currentItemId()) render(result.data);
});

answer.addEventListener('click', (event) => {
  const id = currentItemId();
  if (id === null) return;
  withBusy(event.currentTarget, async () => {
    emit('phone:expect', {}); // the browser phone picks up
    const result = await request('POST', '/console/api/phone/items/' + id + '/answer', {});
    if (!result.ok) {
      apiError(result);
      return;
    }
    clearError();
    setText('call-state', t('phone.answer_placed'));
    answer.hidden = true;
  });
});

$('call-back-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = currentItemId();
  if (id === null) return;
  withBusy($('call-back'), async () => {
    const to = $('call-back-number').value.trim();
    emit('phone:expect', {});
    const result = await request('POST', '/console/api/phone/items/' + id + '/callback', to ? { to: to } : {});
    if (!result.ok) {
      apiError(result);
      return;
    }
    clearError();
    setText('call-state', t('phone.callback_placed', { to: result.data.to }));
  });
});
