/* Espace Citoyen — what the console's channel scripts (counter.js, email.js, browser-phone.js) share: the page's
 * strings and settings, the CSRF token, JSON requests, and the console's message regions. */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);

  function readJson(id) {
    const node = $(id);
    try {
      return JSON.parse((node && node.textContent) || '{}') || {};
    } catch (_err) {
      return {};
    }
  }

  const T = readJson('console-i18n');
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function fmt(template, params) {
    return String(template || '').replace(/\{(\w+)\}/g, (whole, key) => (key in params ? params[key] : whole));
  }

  // `body`: a plain object is sent as JSON, FormData as multipart. Resolves to {ok, data} or {ok: false, message}.
  async function request(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRFToken'] = CSRF;
    let payload = body;
    if (body && !(body instanceof FormData)) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, { method: method, credentials: 'same-origin', headers: headers, body: payload });
    } catch (_err) {
      return { ok: false, message: T.networkError || 'Erreur réseau.' };
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return { ok: false, message: (data.error && data.error.message) || T.genericError };
    return { ok: true, data: data };
  }

  // A message in the console's status region, or its alert region for an error; the other is cleared.
  function say(message, isError) {
    const status = $('console-status');
    const alertBox = $('console-alert');
    (isError ? alertBox : status).textContent = message;
    (isError ? status : alertBox).textContent = '';
  }

  // A button that stays disabled while its task runs: a double click acts once.
  async function busy(button, task) {
    if (button.disabled) return;
    button.disabled = true;
    try {
      await task();
    } finally {
      button.disabled = false;
    }
  }

  window.ConsoleKit = { $: $, T: T, config: readJson('console-config'), fmt: fmt, request: request, say: say, busy: busy };
})();
