/*
 * Espace Citoyen — the console's messages: errors in the role="alert" region, successes in the
 * role="status" one (they fade after 8 s), new queue items in a polite live region.
 */
import { emit } from './bus.js';
import { t } from './i18n.js';
import { $, LOGIN_URL, clear, debounce, el } from './kit.js';

const ANNOUNCE_DELAY_MS = 1000;
const alertBox = $('console-alert');
const alertClose = $('console-alert-close');
const statusBox = $('console-status');
const announcer = $('console-announcer');
let statusTimer = null;

// `link`: {href, text}, e.g. the login page after the session ended.
export function showError(message, link) {
  clear(alertBox);
  alertBox.appendChild(document.createTextNode(message || t('errors.generic')));
  if (link) {
    alertBox.appendChild(document.createTextNode(' '));
    const a = el('a', 'alert__link', link.text);
    a.href = link.href;
    alertBox.appendChild(a);
  }
  alertBox.classList.add('is-visible');
  alertClose.hidden = false;
  statusBox.classList.remove('is-visible');
  statusBox.textContent = '';
}

export function clearError() {
  clear(alertBox);
  alertBox.classList.remove('is-visible');
  alertClose.hidden = true;
}

alertClose.addEventListener('click', () => {
  clearError();
  // The button disappears with the message: the panel or the queue takes the focus back.
  emit('messages:alert-closed', {});
});

export function showStatus(message) {
  clearError();
  statusBox.textContent = message;
  statusBox.classList.add('is-visible');
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    statusBox.classList.remove('is-visible');
    statusBox.textContent = '';
  }, 8000);
}

// The connection's own errors (refused, closed) are marked so that reconnecting clears only them.
export function showConnectionError(message) {
  alertBox.dataset.connection = '1';
  showError(message, { href: LOGIN_URL, text: t('connection.login_link') });
}

export function clearConnectionError() {
  if (!alertBox.dataset.connection) return;
  delete alertBox.dataset.connection;
  clearError();
}

// A failed request (kit.request): its message, with the login link when the session ended.
export function apiError(result) {
  if (result.expired) showError(result.message, { href: LOGIN_URL, text: t('connection.login_link') });
  else showError(result.message);
}

// A refused socket action ({ok: false, reason, code}).
export function ackError(response) {
  if (response.code === 'unauthenticated') {
    showError(response.reason || t('errors.session_expired'), { href: LOGIN_URL, text: t('connection.login_link') });
  } else {
    showError(response.reason);
  }
}

// New items are announced together when several arrive within a second.
let pending = [];
const flush = debounce(() => {
  const items = pending;
  pending = [];
  if (!items.length) return;
  announcer.textContent = items.length === 1
    ? t('queue.announce', { channel: items[0].channel_label, summary: items[0].summary || '' })
    : t('queue.announce_many', { n: items.length });
}, ANNOUNCE_DELAY_MS);

export function announceNew(item) {
  pending.push(item);
  flush();
}
