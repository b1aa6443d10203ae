/* Scanned letters in the console: upload scans, see a letter's pages beside their OCR text, search
 * letters' text. console.js owns the queue and the panel; it tells channel scripts which item it
 * opened with the `item:opened` event, and this script fills #letter-section for mail items. */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const section = $('letter-section');
  const form = $('letter-upload-form');
  if (!section || !form) return;

  const POLL_MS = 2000;
  const POLL_FOR_MS = 10 * 60 * 1000; // past this, a still-pending OCR is shown as such, not polled
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.getAttribute('content') : '';
  let TIMEZONE = 'Europe/Paris';
  try {
    TIMEZONE = JSON.parse(($('console-config') || {}).textContent || '{}').timezone || TIMEZONE;
  } catch (_err) { /* the default */ }
  const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: TIMEZONE });

  const T = {
    uploading: 'Envoi en cours…',
    noFile: 'Choisissez au moins un fichier numérisé (PDF, JPEG, PNG ou TIFF).',
    recorded: 'Courrier enregistré : élément n° {ids}. Lecture du texte en cours.',
    recordedMany: '{n} courriers enregistrés : éléments n° {ids}. Lecture du texte en cours.',
    already: 'Ce courrier était déjà enregistré (élément n° {ids}).',
    network: 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.',
    expired: 'Votre session a expiré : rechargez la page et reconnectez-vous.',
    generic: 'Une erreur est survenue.',
    loading: 'Chargement du courrier…',
    pending: 'Lecture du courrier en cours… Le texte s’affichera ici dès qu’il sera lu.',
    stillPending: 'La lecture du courrier n’est pas terminée. Rouvrez l’élément plus tard.',
    done: 'Texte lu sur {n} page(s).',
    failed: 'La lecture n’a pas abouti : {error}',
    noText: 'Aucun texte n’a été reconnu sur cette page.',
    attached: 'Référence trouvée dans le courrier : rattaché à la demande {reference}.',
    unknownReference: 'Référence(s) lue(s) dans le courrier, sans demande correspondante : {references}.',
    page: 'Page {n} sur {total}',
    pageImage: 'Page {n} du courrier « {name} » (image numérisée)',
    pageText: 'Texte de la page {n}',
    received: 'Reçu le {date}',
    openScan: 'Ouvrir l’image en grand',
    searchEmpty: 'Tapez un ou plusieurs mots.',
    searchNone: 'Aucun courrier ne contient ces mots.',
    searchFound: '{n} courrier(s) trouvé(s).',
    searchItem: 'élément n° {id}',
  };

  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(params || {}, key) ? String(params[key]) : whole);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function formatDate(iso) {
    try {
      return dateTime.format(new Date(iso));
    } catch (_err) {
      return iso || '';
    }
  }

  async function call(method, url, body) {
    const init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['X-CSRFToken'] = CSRF;
      init.body = body; // FormData: the browser sets the multipart boundary
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (_err) {
      return { ok: false, message: T.network };
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
      return { ok: false, message: response.redirected || response.status === 401 ? T.expired : T.generic };
    }
    if (!response.ok) {
      return { ok: false, message: (data.error && data.error.message) || T.generic };
    }
    return { ok: true, status: response.status, data: data };
  }

  // -------------------------------------------------------------------------------------------
  // Upload
  // -------------------------------------------------------------------------------------------
  const fileInput = $('letter-files');
  const dateInput = $('letter-received-on');
  const uploadError = $('letter-upload-error');
  const uploadStatus = $('letter-upload-status');
  const submit = $('letter-upload-submit');

  function today() {
    // The date input's max: today where the city is, so a future date cannot be picked.
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date());
    return parts.slice(0, 10);
  }
  if (dateInput) dateInput.max = today();

  function uploadFailed(message) {
    uploadStatus.textContent = '';
    uploadError.textContent = message;
    fileInput.setAttribute('aria-invalid', 'true');
    fileInput.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return; // a double click sends once
    uploadError.textContent = '';
    fileInput.removeAttribute('aria-invalid');
    const files = Array.from(fileInput.files || []);
    if (!files.length) {
      uploadFailed(T.noFile);
      return;
    }
    const body = new FormData();
    files.forEach((file) => body.append('files', file, file.name));
    body.append('received_on', dateInput ? dateInput.value : '');
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    uploadStatus.textContent = T.uploading;
    try {
      const result = await call('POST', '/console/api/mail/letters', body);
      if (!result.ok) {
        uploadFailed(result.message);
        return;
      }
      const recorded = result.data.letters || [];
      const ids = recorded.map((l) => l.queue_item_id).join(', ');
      const created = recorded.filter((l) => l.created).length;
      if (!created) uploadStatus.textContent = fmt(T.already, { ids: ids });
      else if (recorded.length === 1) uploadStatus.textContent = fmt(T.recorded, { ids: ids });
      else uploadStatus.textContent = fmt(T.recordedMany, { n: recorded.length, ids: ids });
      form.reset();
      if (dateInput) dateInput.max = today();
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });

  // -------------------------------------------------------------------------------------------
  // Search in letters' text
  // -------------------------------------------------------------------------------------------
  const searchForm = $('letter-search-form');
  const searchInput = $('letter-search');
  const searchStatus = $('letter-search-status');
  const searchResults = $('letter-search-results');
  let searchSeq = 0;

  if (searchForm) {
    searchForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const seq = ++searchSeq;
      searchResults.replaceChildren();
      const q = searchInput.value.trim();
      if (!q) {
        searchStatus.textContent = T.searchEmpty;
        return;
      }
      const result = await call('GET', '/console/api/mail/letters?q=' + encodeURIComponent(q));
      if (seq !== searchSeq) return;
      if (!result.ok) {
        searchStatus.textContent = result.message;
        return;
      }
      const hits = result.data || [];
      searchStatus.textContent = hits.length ? fmt(T.searchFound, { n: hits.length }) : T.searchNone;
      hits.forEach((hit) => {
        const li = el('li', 'letter-hit');
        const head = el('p', 'letter-hit__head');
        head.append(el('strong', null, hit.filename), document.createTextNode(' — ' + formatDate(hit.received_at)));
        if (hit.queue_item_id) head.append(document.createTextNode(' · ' + fmt(T.searchItem, { id: hit.queue_item_id })));
        if (hit.request) head.append(document.createTextNode(' · '), el('span', 'letter-hit__reference', hit.request));
        li.append(head, el('p', 'letter-hit__snippet', hit.snippet));
        searchResults.append(li);
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // The open item's letter
  // -------------------------------------------------------------------------------------------
  const state = $('letter-state');
  const list = $('letter-list');
  const panelBody = $('panel-body');
  let current = null; // {id, timer, since, seq}
  let loadSeq = 0;

  function stop() {
    if (current && current.timer) clearTimeout(current.timer);
    current = null;
  }

  function stillShowing(id) {
    return current && current.id === id && panelBody && !panelBody.hidden;
  }

  function renderLetters(data) {
    list.replaceChildren();
    const letters = data.letters || [];
    const messages = [];
    letters.forEach((letter) => {
      const article = el('article', 'letter');
      article.setAttribute('aria-label', letter.filename);
      const head = el('p', 'letter__head');
      head.append(el('strong', null, letter.filename),
        document.createTextNode(' — ' + fmt(T.received, { date: formatDate(letter.received_at) })));
      article.append(head);
      if (letter.status === 'failed') messages.push(fmt(T.failed, { error: letter.error || T.generic }));
      if (letter.request && (letter.references || []).indexOf(letter.request) !== -1) {
        messages.push(fmt(T.attached, { reference: letter.request }));
      } else if ((letter.references || []).length) {
        messages.push(fmt(T.unknownReference, { references: letter.references.join(', ') }));
      }
      const total = letter.pages.length;
      letter.pages.forEach((page) => {
        const row = el('div', 'letter-page');
        const figure = el('figure', 'letter-page__scan');
        const link = el('a', 'letter-page__link');
        link.href = page.url;
        link.target = '_blank';
        link.rel = 'noopener';
        link.title = T.openScan;
        const img = el('img', 'letter-page__image');
        img.src = page.url;
        img.alt = fmt(T.pageImage, { n: page.number, name: letter.filename });
        img.width = page.width;
        img.height = page.height;
        img.loading = 'lazy';
        link.append(img);
        figure.append(link, el('figcaption', null, fmt(T.page, { n: page.number, total: total })));
        const textId = 'letter-text-' + letter.id + '-' + page.number;
        const text = el('div', 'letter-page__text');
        const label = el('p', 'letter-page__label', fmt(T.pageText, { n: page.number }));
        label.id = textId + '-label';
        const body = el('pre', 'letter-page__body', page.text || T.noText);
        body.id = textId;
        body.tabIndex = 0; // scrollable: reachable by keyboard
        body.setAttribute('role', 'region');
        body.setAttribute('aria-labelledby', label.id);
        text.append(label, body);
        row.append(figure, text);
        article.append(row);
      });
      list.append(article);
    });
    if (data.pending) state.textContent = T.pending;
    else {
      const pages = letters.reduce((n, l) => n + l.pages.length, 0);
      state.textContent = [fmt(T.done, { n: pages })].concat(messages).join(' ');
    }
    state.dataset.pending = data.pending ? 'true' : 'false';
  }

  async function load(id) {
    const seq = ++loadSeq;
    const result = await call('GET', '/console/api/mail/items/' + id + '/letter');
    if (seq !== loadSeq || !stillShowing(id)) return;
    if (!result.ok) {
      state.textContent = result.message;
      return;
    }
    // Mail items, and any item a letter joined (a letter quoting a request that has an open item).
    section.hidden = !(result.data.letters || []).length;
    if (section.hidden) return;
    renderLetters(result.data);
    if (result.data.pending) {
      if (Date.now() - current.since < POLL_FOR_MS) current.timer = setTimeout(() => load(id), POLL_MS);
      else state.textContent = T.stillPending;
    }
  }

  document.addEventListener('item:opened', (event) => {
    const detail = event.detail || {};
    stop();
    list.replaceChildren();
    const isLetter = detail.channel === 'mail';
    section.hidden = !isLetter;
    state.textContent = isLetter ? T.loading : '';
    if (!detail.id) return;
    current = { id: detail.id, timer: null, since: Date.now() };
    load(detail.id);
  });
})();
