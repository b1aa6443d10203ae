/*
 * Espace Citoyen — what every console module shares: DOM helpers, the page's settings, JSON requests
 * with the CSRF token, buttons busy while their request runs.
 */
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

function readJson(id) {
  const node = $(id);
  try {
    return JSON.parse((node && node.textContent) || '{}') || {};
  } catch (_err) {
    return {};
  }
}

// The page's settings: {user: {id, name}, status, timezone, loginUrl, channels, phone}.
export const config = readJson('console-config');
export const ME = (config.user && config.user.id) || null;
export const TIMEZONE = config.timezone || 'Europe/Paris';
export const LOGIN_URL = config.loginUrl || '/login';

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const CSRF = csrfMeta ? csrfMeta.getAttribute('content') : '';

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function debounce(fn, delay) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/*
 * A request to the app. `body`: a plain object goes as JSON, FormData as multipart. Resolves to
 * {ok: true, status, data} or {ok: false, status, message, code, expired} ({error: {code, message}}
 * from the server; `expired` when the session ended and the login page answered). An aborted
 * request (`signal`) rejects with the AbortError.
 */
export async function request(method, url, body, signal) {
  const init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (signal) init.signal = signal;
  if (method !== 'GET') {
    init.headers['X-CSRFToken'] = CSRF;
    if (body instanceof FormData) {
      init.body = body; // the browser sets the multipart boundary
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    return { ok: false, status: 0, message: t('errors.network') };
  }
  let data = null;
  if ((response.headers.get('Content-Type') || '').indexOf('application/json') !== -1) {
    try {
      data = await response.json();
    } catch (_err) {
      data = null;
    }
  }
  if (data === null) {
    // An HTML answer is the login page after the session ended.
    const expired = response.redirected || response.status === 401;
    return {
      ok: false, status: response.status, expired: expired,
      message: expired ? t('errors.session_expired') : t('errors.generic'),
    };
  }
  if (!response.ok) {
    const error = data.error || {};
    return { ok: false, status: response.status, message: error.message || t('errors.generic'), code: error.code };
  }
  return { ok: true, status: response.status, data: data };
}

// A button that stays disabled while its task runs: a double click acts once.
export async function withBusy(button, task) {
  if (!button || button.dataset.busy) return undefined;
  button.dataset.busy = '1';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    delete button.dataset.busy;
    button.removeAttribute('aria-busy');
    button.disabled = false;
    if (typeof button.refreshState === 'function') button.refreshState();
    // Disabling the focused button drops the focus on <body>: give it back.
    if (document.activeElement === document.body && button.isConnected && !button.disabled
        && button.offsetParent !== null) {
      button.focus();
    }
  }
}
