/*
 * Espace Citoyen — console des ambassadeurs.
 *
 * The live queue (Socket.IO namespace /console) on the left, the open item's panel on the right.
 * Strict CSP: no inline script or style, no innerHTML of server data (textContent everywhere).
 * Depends on vendor/socket.io.min.js (the global `io`).
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // User-facing strings. French defaults; the page overrides them with its server-translated
  // copy (<script type="application/json" id="console-i18n">). Placeholders are {name}.
  // ---------------------------------------------------------------------------------------------
  const STRINGS = {
    callWaiting: 'Appel en attente : décrochez pour parler à l’appelant.',
    callAnswered: 'Appel pris par {name}.',
    callEnded: 'Appel terminé ({status}).',
    callbackPlaced: 'Rappel en cours vers {to} : décrochez votre poste.',
    answerPlaced: 'L’appelant vous est transféré.',
    claim: 'Prendre',
    open: 'Ouvrir',
    claimedBy: 'Pris par {name}',
    claimedByYou: 'Pris par vous',
    unknownCitizen: 'Inconnu',
    citizenLabel: 'Citoyen :',
    late: 'en retard',
    waitingLabel: 'Attente :',
    priority: 'Priorité {priority}',
    leaseUntil: 'agent déconnecté, rendu à la file à {time}',
    durationSeconds: '{s} s',
    durationMinutes: '{m} min {s} s',
    durationHours: '{h} h {m}',
    durationDays: '{d} j {h} h',
    queueCount: '{n} éléments',
    queueCountOne: '{n} élément',
    queueCountFiltered: '{n} sur {total}',
    queueEmpty: 'La file est vide.',
    queueEmptyFiltered: 'Aucun élément pour ce canal.',
    announceNew: 'Nouvel élément dans la file : {channel}, {summary}',
    announceNewMany: '{n} nouveaux éléments dans la file.',
    connected: 'Connecté',
    reconnecting: 'Connexion perdue, nouvelle tentative…',
    refused: 'Connexion refusée : reconnectez-vous',
    loginLink: 'Se reconnecter',
    serverClosed: 'La connexion a été fermée par le serveur : reconnectez-vous',
    sessionExpired: 'Votre session a expiré : reconnectez-vous.',
    networkError: 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.',
    genericError: 'Une erreur est survenue.',
    notConnected: 'Pas de connexion au serveur : action impossible pour le moment.',
    you: 'vous',
    agentClaimed: '{n} en cours',
    noAgents: 'Aucun agent.',
    statusChanged: 'Votre statut : {status}.',
    loadingItem: 'Chargement de l’élément…',
    panelTitle: 'Élément n° {id} — {channel}',
    itemLost: 'Cet élément ne vous est plus attribué.',
    itemDoneElsewhere: 'Cet élément a été traité.',
    citizenLinked: 'Citoyen associé : {name}.',
    citizenCreated: 'Fiche créée et associée : {name}.',
    citizenNameRequired: 'Indiquez au moins le nom ou le prénom.',
    associate: 'Associer',
    citizenResults: '{n} citoyens trouvés.',
    citizenResultsOne: '{n} citoyen trouvé.',
    citizenNoResult: 'Aucun citoyen trouvé.',
    processResults: '{n} démarches trouvées. Flèche bas pour les parcourir.',
    processResultsOne: '{n} démarche trouvée. Flèche bas pour la choisir.',
    processNoResult: 'Aucune démarche trouvée.',
    processChosen: 'Démarche choisie : {title}.',
    processRequired: 'Choisissez d’abord une démarche du catalogue.',
    workingDays: '{n} j ouvrés',
    workingDaysOne: '{n} j ouvré',
    patrollerVisit: 'Visite patrouilleur',
    requestCreated: 'Demande {reference} créée.',
    requestAttached: 'Contact rattaché à la demande {reference}.',
    referenceRequired: 'Indiquez la référence de la demande.',
    noReferent: 'Aucun référent désigné',
    noteEmpty: 'La note est vide.',
    noteAdded: 'Note ajoutée.',
    completed: 'Élément traité.',
    released: 'Élément remis dans la file.',
    transferred: 'Élément transféré à {name}.',
    transferRequired: 'Choisissez la personne à qui transférer l’élément.',
    none: '—',
    bytes: '{n} o',
    kilobytes: '{n} Ko',
    megabytes: '{n} Mo',
    actions: {
      'queue.added': 'Arrivée dans la file',
      'queue.claimed': 'Pris en charge',
      'queue.released': 'Remis dans la file',
      'queue.transferred': 'Transféré',
      'queue.completed': 'Traité',
      'queue.lease_expired': 'Rendu à la file (agent absent)',
      'queue.citizen_linked': 'Citoyen associé',
      'request.created': 'Demande créée',
      'request.contact_attached': 'Contact rattaché',
      'note.added': 'Note ajoutée',
    },
  };

  const PROCESS_DEBOUNCE_MS = 150;
  const CITIZEN_DEBOUNCE_MS = 300;
  const ANNOUNCE_DELAY_MS = 1000;

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  function readJson(id) {
    const node = $(id);
    if (!node) return {};
    try {
      return JSON.parse(node.textContent || '{}') || {};
    } catch (_err) {
      return {};
    }
  }

  const serverStrings = readJson('console-i18n');
  const T = Object.assign({}, STRINGS, serverStrings);
  T.actions = Object.assign({}, STRINGS.actions, serverStrings.actions || {});
  const CONFIG = readJson('console-config');
  const ME = (CONFIG.user && CONFIG.user.id) || null;
  const TIMEZONE = CONFIG.timezone || 'Europe/Paris';
  const LOGIN_URL = CONFIG.loginUrl || '/login';
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) =>
      params && Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole);
  }

  // French plural: 0 and 1 take the singular (key + 'One').
  function plural(key, n, params) {
    const template = n <= 1 && T[key + 'One'] ? T[key + 'One'] : T[key];
    return fmt(template, Object.assign({ n: n }, params || {}));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pad2(n) {
    return n < 10 ? '0' + n : String(n);
  }

  function debounce(fn, delay) {
    let timer = null;
    const wrapped = function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(null, args), delay);
    };
    wrapped.cancel = () => clearTimeout(timer);
    return wrapped;
  }

  function formatDuration(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    if (s < 60) return fmt(T.durationSeconds, { s: s });
    if (s < 3600) return fmt(T.durationMinutes, { m: Math.floor(s / 60), s: pad2(s % 60) });
    if (s < 86400) return fmt(T.durationHours, { h: Math.floor(s / 3600), m: pad2(Math.floor((s % 3600) / 60)) });
    return fmt(T.durationDays, { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
  }

  const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
    timeZone: TIMEZONE, dateStyle: 'full', timeStyle: 'short',
  });
  const timeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: TIMEZONE, timeStyle: 'short' });
  const shortDateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
    timeZone: TIMEZONE, dateStyle: 'short', timeStyle: 'short',
  });
  const dayFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });

  function parseTime(iso) {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isNaN(t) ? null : t;
  }

  function formatDateTime(iso, formatter) {
    const t = parseTime(iso);
    return t === null ? T.none : (formatter || dateTimeFormat).format(new Date(t));
  }

  function formatDay(isoDay) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay || '');
    if (!m) return isoDay || T.none;
    return dayFormat.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
  }

  function formatSize(bytes) {
    if (bytes < 1024) return fmt(T.bytes, { n: bytes });
    if (bytes < 1024 * 1024) return fmt(T.kilobytes, { n: Math.round(bytes / 1024) });
    return fmt(T.megabytes, { n: (bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) });
  }

  // ---------------------------------------------------------------------------------------------
  // Messages: errors in the role="alert" region, successes in the role="status" one,
  // new queue items in a polite live region.
  // ---------------------------------------------------------------------------------------------
  const alertBox = $('console-alert');
  const alertClose = $('console-alert-close');
  const statusBox = $('console-status');
  const announcer = $('console-announcer');
  let statusTimer = null;

  function showError(message, link) {
    clear(alertBox);
    alertBox.appendChild(document.createTextNode(message || T.genericError));
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

  function clearError() {
    clear(alertBox);
    alertBox.classList.remove('is-visible');
    alertClose.hidden = true;
  }

  alertClose.addEventListener('click', () => {
    clearError();
    // The button disappears with the message: keep the keyboard user in the work area.
    const row = activeRowId !== null ? rows.get(activeRowId) : null;
    if (openItemId !== null) panelHeading.focus();
    else if (row) row.focus();
  });

  function showStatus(message) {
    clearError();
    statusBox.textContent = message;
    statusBox.classList.add('is-visible');
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      statusBox.classList.remove('is-visible');
      statusBox.textContent = '';
    }, 8000);
  }

  let pendingAnnouncements = [];
  const flushAnnouncements = debounce(() => {
    const items = pendingAnnouncements;
    pendingAnnouncements = [];
    if (!items.length) return;
    announcer.textContent = items.length === 1
      ? fmt(T.announceNew, { channel: items[0].channel_label, summary: items[0].summary || '' })
      : fmt(T.announceNewMany, { n: items.length });
  }, ANNOUNCE_DELAY_MS);

  function announceNew(item) {
    pendingAnnouncements.push(item);
    flushAnnouncements();
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP: JSON in and out, CSRF header, {error:{code,message}} on failure.
  // ---------------------------------------------------------------------------------------------
  async function api(method, url, body, signal) {
    const init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (signal) init.signal = signal;
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-CSRFToken'] = CSRF;
      init.body = JSON.stringify(body || {});
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      return { ok: false, status: 0, message: T.networkError };
    }
    const type = response.headers.get('Content-Type') || '';
    let data = null;
    if (type.indexOf('application/json') !== -1) {
      try {
        data = await response.json();
      } catch (_err) {
        data = null;
      }
    }
    if (data === null) {
      // An HTML answer is the login page after the session ended.
      const expired = response.redirected || response.status === 401;
      return { ok: false, status: response.status, message: expired ? T.sessionExpired : T.genericError, expired: expired };
    }
    if (!response.ok) {
      const message = data.error && data.error.message ? data.error.message : T.genericError;
      return { ok: false, status: response.status, message: message, code: data.error && data.error.code };
    }
    return { ok: true, status: response.status, data: data };
  }

  function apiError(result) {
    if (result.expired) {
      showError(result.message, { href: LOGIN_URL, text: T.loginLink });
    } else {
      showError(result.message);
    }
  }

  // A button that stays disabled while its request runs: a double click sends once.
  async function withBusy(button, task) {
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

  // ---------------------------------------------------------------------------------------------
  // Queue state
  // ---------------------------------------------------------------------------------------------
  const queueList = $('queue-list');
  const queueEmpty = $('queue-empty');
  const queueCount = $('queue-count');
  const channelFilter = $('channel-filter');

  const items = new Map(); // id -> item dict (see queue/serialise.py)
  const rows = new Map(); // id -> <li>
  const callPositions = new Map(); // id -> {position, estimated_minutes} from call:position
  let order = []; // ids, server order: priority, received_at, id
  let activeRowId = null; // roving tabindex
  let openItemId = null; // the item shown in the panel
  let loaded = false;
  let clockSkew = 0; // server time minus browser time, in ms

  function compareItems(a, b) {
    if (a.priority !== b.priority) return a.priority - b.priority;
    const ta = parseTime(a.received_at) || 0;
    const tb = parseTime(b.received_at) || 0;
    if (ta !== tb) return ta - tb;
    return a.id - b.id;
  }

  function now() {
    return Date.now() + clockSkew;
  }

  // Estimates the server clock from waiting_seconds so timers and SLA badges do not depend on
  // the workstation's clock being right.
  function estimateSkew(list) {
    const estimates = [];
    const local = Date.now();
    list.forEach((item) => {
      const received = parseTime(item.received_at);
      if (received !== null && typeof item.waiting_seconds === 'number' && item.waiting_seconds > 0) {
        estimates.push(received + (item.waiting_seconds + 0.5) * 1000 - local);
      }
    });
    if (!estimates.length) return;
    estimates.sort((x, y) => x - y);
    const median = estimates[Math.floor(estimates.length / 2)];
    clockSkew = Math.abs(median) > 2000 ? median : 0;
  }

  function isOpen(item) {
    return item && (item.status === 'waiting' || item.status === 'claimed');
  }

  function claimedByMe(item) {
    return item.status === 'claimed' && item.claimed_by && item.claimed_by.id === ME;
  }

  function claimedByOther(item) {
    return item.status === 'claimed' && item.claimed_by && item.claimed_by.id !== ME;
  }

  function replaceAll(list) {
    items.clear();
    (list || []).forEach((item) => {
      if (isOpen(item)) items.set(item.id, item);
    });
    estimateSkew(list || []);
    loaded = true;
    renderQueue();
    syncOpenItem();
  }

  // Returns true when the item is applied (not older than what we already have).
  function upsert(item) {
    const known = items.get(item.id);
    if (known && typeof known.version === 'number' && typeof item.version === 'number'
        && item.version < known.version) {
      return false;
    }
    if (!isOpen(item)) {
      items.delete(item.id);
    } else {
      items.set(item.id, item);
    }
    renderQueue();
    syncOpenItem();
    return true;
  }

  function removeItem(id) {
    if (!items.has(id)) return;
    items.delete(id);
    renderQueue();
    syncOpenItem();
  }

  function filterValue() {
    return channelFilter.value;
  }

  function isVisible(item) {
    const wanted = filterValue();
    return !wanted || item.channel === wanted;
  }

  function buildRow(id) {
    const li = el('li', 'queue-item');
    li.dataset.itemId = String(id);
    li.tabIndex = -1;

    const main = el('div', 'queue-item__main');
    const top = el('p', 'queue-item__top');
    const channel = el('span', 'badge badge--channel');
    const priority = el('span', 'queue-item__priority');
    const late = el('span', 'badge badge--late', T.late);
    late.hidden = true;
    const reference = el('span', 'badge badge--reference');
    reference.hidden = true;
    const mine = el('span', 'badge badge--mine', T.claimedByYou);
    mine.hidden = true;
    const position = el('span', 'badge badge--position');
    position.hidden = true;
    top.append(channel, ' ', priority, ' ', late, ' ', mine, ' ', reference, ' ', position);

    const summary = el('p', 'queue-item__summary');
    summary.id = 'item-' + id + '-summary';

    const meta = el('p', 'queue-item__meta');
    const citizen = el('span', 'queue-item__citizen');
    const citizenLabel = el('span', 'queue-item__label', T.citizenLabel);
    const citizenName = el('span');
    citizen.append(citizenLabel, ' ', citizenName);
    const wait = el('span', 'queue-item__wait');
    const waitLabel = el('span', 'queue-item__label', T.waitingLabel);
    const waitTime = el('time', 'queue-item__time');
    wait.append(waitLabel, ' ', waitTime);
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
      button.textContent = fmt(T.claimedBy, { name: item.claimed_by.name });
      if (!button.dataset.busy) button.disabled = true;
    } else if (claimedByMe(item)) {
      button.textContent = T.open;
      if (!button.dataset.busy) button.disabled = false;
    } else {
      button.textContent = T.claim;
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
    p.priority.textContent = fmt(T.priority, { priority: item.priority });
    p.priority.dataset.priority = String(item.priority);
    p.summary.textContent = item.summary || T.none;
    p.citizenName.textContent = item.citizen ? item.citizen.name : T.unknownCitizen;
    p.citizenName.className = item.citizen ? '' : 'is-unknown';
    if (item.request && item.request.reference) {
      p.reference.textContent = item.request.reference;
      p.reference.hidden = false;
    } else {
      p.reference.hidden = true;
    }
    const line = callPositions.get(item.id);
    p.position.hidden = !(line && item.status === 'waiting');
    if (line) p.position.textContent = fmt(T.callPosition, { position: line.position, minutes: line.estimated_minutes });
    p.waitTime.dateTime = item.received_at || '';
    if (item.status === 'claimed' && item.lease_expires_at) {
      p.lease.textContent = fmt(T.leaseUntil, { time: formatDateTime(item.lease_expires_at, timeFormat) });
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
    const text = received === null ? T.none : formatDuration((at - received) / 1000);
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

  function visibleIds() {
    return order.filter((id) => isVisible(items.get(id)));
  }

  function renderQueue() {
    const focusedId = focusedRowId();
    const focusedButton = document.activeElement && document.activeElement.classList.contains('claim');
    order = Array.from(items.values()).sort(compareItems).map((item) => item.id);

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
      if (li !== cursor) {
        queueList.insertBefore(li, cursor);
      } else {
        cursor = cursor.nextElementSibling;
      }
    });

    const shown = visibleIds();
    if (!loaded) {
      queueCount.textContent = '';
    } else if (filterValue()) {
      queueCount.textContent = '(' + fmt(T.queueCountFiltered, { n: shown.length, total: order.length }) + ')';
    } else {
      queueCount.textContent = '(' + plural('queueCount', order.length) + ')';
    }
    if (loaded) {
      queueEmpty.textContent = filterValue() ? T.queueEmptyFiltered : T.queueEmpty;
      queueEmpty.hidden = shown.length > 0;
    }

    if (activeRowId === null || shown.indexOf(activeRowId) === -1) {
      // The active row left (or was filtered out): its neighbour takes over.
      activeRowId = nextActive(shown);
    }
    updateRoving();
    // A row that was moved by insertBefore may have lost the focus: give it back.
    if (focusedId !== null && document.activeElement === document.body) {
      const target = rows.get(focusedId) && !rows.get(focusedId).hidden ? rows.get(focusedId) : rows.get(activeRowId);
      if (target) (focusedButton && target === rows.get(focusedId) && !target._parts.button.disabled
        ? target._parts.button : target).focus();
    }
  }

  let lastShown = [];
  function nextActive(shown) {
    if (!shown.length) {
      lastShown = shown;
      return null;
    }
    if (activeRowId !== null) {
      const oldIndex = lastShown.indexOf(activeRowId);
      lastShown = shown;
      if (oldIndex !== -1) return shown[Math.min(oldIndex, shown.length - 1)];
    }
    lastShown = shown;
    return shown[0];
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

  function focusRow(id) {
    const li = rows.get(id);
    if (!li) return;
    activeRowId = id;
    updateRoving();
    li.focus();
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
    const li = button.closest('#queue-list > li');
    activate(Number(li.dataset.itemId), button);
  });

  // Enter on a row or a click on its button: claim a waiting item, open one of mine.
  function activate(id, button) {
    const item = items.get(id);
    if (!item) return;
    if (claimedByMe(item)) {
      openItem(id);
    } else if (claimedByOther(item)) {
      showError(fmt(T.claimedBy, { name: item.claimed_by.name }));
    } else {
      // A channel script may take over (the counter calls a ticket to a desk); otherwise claim.
      const taking = new CustomEvent('item:claim', { detail: { item: item, button: button }, cancelable: true });
      if (document.dispatchEvent(taking)) claim(id, button);
    }
  }

  channelFilter.addEventListener('change', () => {
    renderQueue();
    tick();
  });

  // ---------------------------------------------------------------------------------------------
  // Socket.IO
  // ---------------------------------------------------------------------------------------------
  const connectionState = $('connection-state');
  let everConnected = false;

  function setConnection(state, text) {
    connectionState.dataset.state = state;
    connectionState.textContent = text;
  }

  function emitWithAck(event, payload) {
    return new Promise((resolve) => {
      if (!socket.connected) {
        resolve({ ok: false, reason: T.notConnected });
        return;
      }
      socket.timeout(10000).emit(event, payload, (err, response) => {
        if (err) resolve({ ok: false, reason: T.networkError });
        else resolve(response || { ok: false, reason: T.genericError });
      });
    });
  }

  const socket = window.io('/console', { transports: ['websocket'] });

  socket.on('connect', () => {
    setConnection('connected', T.connected);
    if (alertBox.dataset.connection) {
      delete alertBox.dataset.connection;
      clearError();
    }
    if (everConnected) {
      // Events may have been missed while disconnected: ask for the whole queue again.
      socket.emit('queue:snapshot', {}, (response) => {
        if (response && response.ok) replaceAll(response.items);
      });
    }
    everConnected = true;
  });

  socket.on('connect_error', () => {
    if (socket.active) {
      // Transport failure: the client retries by itself.
      setConnection('reconnecting', T.reconnecting);
    } else {
      // The server refused the handshake (session ended, role lost): no retry.
      setConnection('refused', T.refused);
      alertBox.dataset.connection = '1';
      showError(T.refused, { href: LOGIN_URL, text: T.loginLink });
    }
  });

  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') {
      setConnection('refused', T.serverClosed);
      alertBox.dataset.connection = '1';
      showError(T.serverClosed, { href: LOGIN_URL, text: T.loginLink });
    } else if (reason !== 'io client disconnect') {
      setConnection('reconnecting', T.reconnecting);
    }
  });

  socket.on('queue:snapshot', (data) => replaceAll((data && data.items) || []));
  // A channel script claimed an item on the server (the counter's "call next"): show it, open it.
  document.addEventListener('console:open-item', (event) => {
    const item = event.detail && event.detail.item;
    if (!item) return;
    upsert(item);
    openItem(item.id);
  });
  socket.on('queue:added', (item) => {
    const isNew = !items.has(item.id);
    if (upsert(item) && isNew && isOpen(item) && isVisible(item)) announceNew(item);
  });
  socket.on('queue:updated', (item) => {
    if (upsert(item) && item.id === openItemId && (item.channel === 'phone' || item.channel === 'voicemail')) {
      refreshCall(item.id);
    }
  });
  socket.on('queue:removed', (data) => {
    if (data) callPositions.delete(data.id);
    removeItem(data && data.id);
  });
  // A caller's place in the telephone line, as the wait message just told them.
  socket.on('call:position', (data) => {
    if (!data || !items.has(data.id)) return;
    callPositions.set(data.id, data);
    const li = rows.get(data.id);
    if (li) fillRow(li, items.get(data.id));
  });
  socket.on('agents:updated', (agents) => renderAgents(agents || []));

  // ---------------------------------------------------------------------------------------------
  // Agents: my status selector and the presence list.
  // ---------------------------------------------------------------------------------------------
  const statusSelect = $('agent-status');
  const agentsList = $('agents');
  let myStatus = CONFIG.status || 'available';

  function setStatusSelect(status) {
    myStatus = status;
    const option = Array.from(statusSelect.options).find((o) => o.value === status);
    if (option) statusSelect.value = status;
  }
  setStatusSelect(myStatus);

  statusSelect.addEventListener('change', async () => {
    const wanted = statusSelect.value;
    const previous = myStatus;
    statusSelect.setAttribute('aria-busy', 'true');
    const response = await emitWithAck('agent:status', { status: wanted });
    statusSelect.removeAttribute('aria-busy');
    if (response.ok) {
      myStatus = wanted;
      showStatus(fmt(T.statusChanged, { status: statusSelect.options[statusSelect.selectedIndex].text }));
    } else {
      setStatusSelect(previous);
      ackError(response);
    }
  });

  function renderAgents(agents) {
    clear(agentsList);
    if (!agents.length) {
      agentsList.appendChild(el('li', 'presence__empty', T.noAgents));
      return;
    }
    agents.forEach((agent) => {
      const li = el('li', 'agent');
      li.dataset.agentId = String(agent.id);
      li.dataset.status = agent.status;
      const name = el('span', 'agent__name', agent.name);
      li.appendChild(name);
      if (agent.id === ME) {
        li.classList.add('is-me');
        li.appendChild(el('span', 'agent__me', ' (' + T.you + ')'));
        if (document.activeElement !== statusSelect && !statusSelect.getAttribute('aria-busy')) {
          setStatusSelect(agent.status);
        }
      }
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'badge badge--status badge--' + agent.status, agent.status_label));
      if (agent.claimed) {
        li.appendChild(document.createTextNode(' '));
        li.appendChild(el('span', 'agent__claimed', fmt(T.agentClaimed, { n: agent.claimed })));
      }
      agentsList.appendChild(li);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Claiming and the panel
  // ---------------------------------------------------------------------------------------------
  const panel = $('panel');
  const panelHeading = $('panel-heading');
  const panelEmpty = $('panel-empty');
  const panelBody = $('panel-body');
  const panelDefaultTitle = panelHeading.textContent;
  let openDetail = null;
  let loadSeq = 0;
  let closingOnPurpose = false;

  // A refused socket action: the reason in the alert region, with a login link if the session ended.
  function ackError(response) {
    if (response.code === 'unauthenticated') {
      showError(response.reason || T.sessionExpired, { href: LOGIN_URL, text: T.loginLink });
    } else {
      showError(response.reason);
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
      await openItem(id);
    });
  }

  async function openItem(id) {
    const seq = ++loadSeq;
    openItemId = id;
    rows.forEach((li, rowId) => li.classList.toggle('is-open', rowId === id));
    panelHeading.textContent = T.loadingItem;
    panel.setAttribute('aria-busy', 'true');
    const result = await api('GET', '/console/api/items/' + id);
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
    loadSeq++;
    openItemId = null;
    openDetail = null;
    panel.removeAttribute('aria-busy');
    panelHeading.textContent = panelDefaultTitle;
    panelBody.hidden = true;
    panelEmpty.hidden = false;
    processSearch.cancel();
    citizenSearch.cancel();
    rows.forEach((li) => li.classList.remove('is-open'));
  }

  // Called after every queue change: is the open item still mine?
  function syncOpenItem() {
    if (openItemId === null || closingOnPurpose) return;
    const item = items.get(openItemId);
    if (!loaded) return;
    if (!item) {
      closePanel();
      showStatus(T.itemDoneElsewhere);
    } else if (!claimedByMe(item)) {
      closePanel();
      showError(T.itemLost);
    }
  }

  function backToQueue() {
    const target = openItemId !== null && rows.get(openItemId) && !rows.get(openItemId).hidden
      ? openItemId : activeRowId;
    if (target !== null && rows.get(target)) focusRow(target);
    else queueList.focus();
  }

  // Finishes an item (completed, released, transferred): the panel closes, focus goes to the queue.
  function finishItem(message) {
    const id = openItemId;
    closePanel();
    showStatus(message);
    const shown = visibleIds();
    const index = shown.indexOf(id);
    const next = shown.filter((x) => x !== id)[Math.max(0, index)] || shown.filter((x) => x !== id)[0];
    if (next !== undefined) focusRow(next);
  }

  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented && openItemId !== null) {
      event.preventDefault();
      backToQueue();
    }
  });

  function setText(id, value) {
    $(id).textContent = value === null || value === undefined || value === '' ? T.none : String(value);
  }

  function renderPanel(detail) {
    openDetail = detail;
    clearError();
    panelHeading.textContent = fmt(T.panelTitle, { id: detail.id, channel: detail.channel_label });
    panelEmpty.hidden = true;
    panelBody.hidden = false;
    setText('panel-summary', detail.summary);

    // a) Contact
    const contact = detail.contact || {};
    setText('contact-channel', detail.channel_label);
    setText('contact-received', formatDateTime(contact.received_at || detail.received_at));
    setText('contact-subject', contact.subject);
    $('contact-body').textContent = contact.body || T.none;
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

    renderPhone(detail, contact);
    $('call-back-number').value = '';

    // b) Citoyen
    resetCitizen(detail, hints);

    // c) Qualification
    resetQualification(detail, contact);

    // d) Note
    $('note-text').value = '';
    clear($('notes-list'));

    // e) Actions
    $('transfer-to').value = '';

    // Channel scripts (counter.js, letters.js) fill their own panel sections.
    document.dispatchEvent(new CustomEvent('item:opened', { detail: detail }));
  }

  // ---------------------------------------------------------------------------------------------
  // b) Citoyen
  // ---------------------------------------------------------------------------------------------
  const citizenCard = $('citizen-card');
  const citizenFind = $('citizen-find');
  const citizenInput = $('citizen-search');
  const citizenResults = $('citizen-results');
  const citizenResultsStatus = $('citizen-results-status');
  const citizenForm = $('citizen-form');
  let citizenSeq = 0;

  function showCitizenCard(citizen) {
    citizenCard.hidden = false;
    citizenFind.hidden = true;
    setText('citizen-card-name', citizen.name);
    setText('citizen-card-phones', (citizen.phones || []).join(', '));
    setText('citizen-card-emails', (citizen.emails || []).join(', '));
    setText('citizen-card-address', citizen.address);
    const list = $('citizen-open-requests');
    clear(list);
    const open = citizen.open_requests || [];
    $('citizen-open-none').hidden = open.length > 0;
    open.forEach((req) => {
      const li = el('li', 'open-requests__item');
      const ref = el('strong', null, req.reference);
      const what = el('span', null, ' — ' + (req.subject || req.process) + ' · ' + req.status_label + ' · '
        + fmt(T.openRequestDue, { date: formatDay(req.due_on) }));
      li.append(ref, what);
      list.append(li);
    });
  }

  function resetCitizen(detail, hints) {
    citizenSeq++;
    clear(citizenResults);
    citizenResultsStatus.textContent = '';
    citizenForm.reset();
    $('citizen-create').open = false;
    if (detail.citizen_detail) {
      showCitizenCard(detail.citizen_detail);
      citizenInput.value = '';
      return;
    }
    citizenCard.hidden = true;
    citizenFind.hidden = false;
    const query = hints.phone || hints.email || hints.name || '';
    citizenInput.value = query;
    // Prefill the creation form with what the citizen gave us.
    if (hints.name) {
      const parts = String(hints.name).trim().split(/\s+/);
      if (parts.length > 1) {
        $('citizen-first-name').value = parts[0];
        $('citizen-last-name').value = parts.slice(1).join(' ');
      } else {
        $('citizen-last-name').value = parts[0];
      }
    }
    if (hints.phone) $('citizen-phone').value = hints.phone;
    if (hints.email) $('citizen-email').value = hints.email;
    if (query) searchCitizens(query);
  }

  const citizenSearch = debounce((q) => searchCitizens(q), CITIZEN_DEBOUNCE_MS);

  async function searchCitizens(q) {
    const seq = ++citizenSeq;
    const query = (q || '').trim();
    if (query.length < 2) {
      clear(citizenResults);
      citizenResultsStatus.textContent = '';
      return;
    }
    const result = await api('GET', '/console/api/citizens?q=' + encodeURIComponent(query));
    if (seq !== citizenSeq) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    renderCitizenResults(result.data || []);
  }

  function renderCitizenResults(found) {
    clear(citizenResults);
    citizenResultsStatus.textContent = found.length
      ? plural('citizenResults', found.length) : T.citizenNoResult;
    found.forEach((citizen) => {
      const li = el('li', 'result result--citizen');
      const text = el('div', 'result__text');
      const nameId = 'citizen-result-' + citizen.id;
      const name = el('p', 'result__title', citizen.name);
      name.id = nameId;
      text.appendChild(name);
      const details = [(citizen.phones || []).join(', '), (citizen.emails || []).join(', '), citizen.address]
        .filter((x) => x);
      if (details.length) text.appendChild(el('p', 'result__meta', details.join(' · ')));
      const button = el('button', 'button button--secondary button--small associate', T.associate);
      button.type = 'button';
      button.dataset.citizenId = String(citizen.id);
      button.setAttribute('aria-describedby', nameId);
      button.addEventListener('click', () => linkCitizen(citizen, button));
      li.append(text, button);
      citizenResults.appendChild(li);
    });
  }

  async function linkCitizen(citizen, button) {
    const id = openItemId;
    if (id === null) return;
    await withBusy(button, async () => {
      const result = await api('POST', '/console/api/items/' + id + '/citizen', { citizen_id: citizen.id });
      if (id !== openItemId) return;
      if (!result.ok) {
        apiError(result);
        return;
      }
      showCitizenCard(result.data.citizen || citizen);
      showStatus(fmt(T.citizenLinked, { name: citizen.name }));
      $('citizen-change').focus();
    });
  }

  citizenInput.addEventListener('input', () => citizenSearch(citizenInput.value));
  citizenInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      citizenSearch.cancel();
      searchCitizens(citizenInput.value);
    }
  });

  $('citizen-change').addEventListener('click', () => {
    citizenCard.hidden = true;
    citizenFind.hidden = false;
    citizenInput.focus();
  });

  citizenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    const value = (name) => $(name).value.trim();
    const body = {
      first_name: value('citizen-first-name'),
      last_name: value('citizen-last-name'),
      phones: [value('citizen-phone')].filter((x) => x),
      emails: [value('citizen-email')].filter((x) => x),
      address_line: value('citizen-address'),
      postcode: value('citizen-postcode'),
      city: value('citizen-city'),
      item_id: id,
    };
    if (!body.first_name && !body.last_name) {
      showError(T.citizenNameRequired);
      $('citizen-last-name').focus();
      return;
    }
    await withBusy($('citizen-create-submit'), async () => {
      const result = await api('POST', '/console/api/citizens', body);
      if (id !== openItemId) return;
      if (!result.ok) {
        apiError(result);
        return;
      }
      citizenForm.reset();
      $('citizen-create').open = false;
      showCitizenCard(result.data);
      showStatus(fmt(T.citizenCreated, { name: result.data.name }));
      $('citizen-change').focus();
    });
  });

  // ---------------------------------------------------------------------------------------------
  // c) Qualification: catalogue search, request creation, attachment to an existing request.
  // ---------------------------------------------------------------------------------------------
  const processInput = $('process-search');
  const processResults = $('process-results');
  const processResultsStatus = $('process-results-status');
  const processChosen = $('process-chosen');
  const requestForm = $('request-form');
  const attachForm = $('attach-form');
  let chosenProcess = null;
  let processSeq = 0;
  let processAbort = null;

  function resetQualification(detail, contact) {
    chosenProcess = null;
    processSeq++;
    requestForm.reset();
    attachForm.reset();
    clear(processResults);
    processResultsStatus.textContent = '';
    processChosen.hidden = true;
    $('request-subject').value = contact.subject || '';
    if (detail.request_detail) {
      showRequest(detail.request_detail);
    } else {
      $('request-result').hidden = true;
      $('request-forms').hidden = false;
    }
  }

  function showRequest(req) {
    $('request-result').hidden = false;
    $('request-forms').hidden = true;
    setText('request-reference', req.reference);
    setText('request-process', req.process ? req.process.code + ' — ' + req.process.title : null);
    setText('request-status', req.status_label);
    setText('request-service', req.service);
    setText('request-referent', req.referent || T.noReferent);
    setText('request-due', req.due_on ? formatDay(req.due_on) : null);
    setText('request-location-value', req.location_address);
    const timeline = $('request-timeline');
    clear(timeline);
    (req.timeline || []).forEach((entry) => {
      const li = el('li', 'timeline__entry');
      const when = el('time', 'timeline__at', formatDateTime(entry.at, shortDateTimeFormat));
      when.dateTime = entry.at || '';
      li.append(when, ' ', el('span', 'timeline__action', T.actions[entry.action] || entry.action));
      if (entry.actor) li.append(' — ', el('span', 'timeline__actor', entry.actor));
      timeline.appendChild(li);
    });
  }

  const processSearch = debounce((q) => searchProcesses(q), PROCESS_DEBOUNCE_MS);

  async function searchProcesses(q) {
    const seq = ++processSeq;
    const query = (q || '').trim();
    if (processAbort) processAbort.abort();
    if (!query) {
      clear(processResults);
      processResultsStatus.textContent = '';
      return;
    }
    processAbort = new AbortController();
    let result;
    try {
      result = await api('GET', '/console/api/processes?q=' + encodeURIComponent(query), undefined, processAbort.signal);
    } catch (_aborted) {
      return;
    }
    if (seq !== processSeq) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    renderProcessResults(result.data || []);
  }

  function processLabel(process) {
    return process.code + ' — ' + process.title;
  }

  function renderProcessResults(found) {
    clear(processResults);
    processResultsStatus.textContent = found.length
      ? plural('processResults', found.length) : T.processNoResult;
    found.forEach((process) => {
      const li = el('li');
      const button = el('button', 'result result--process');
      button.type = 'button';
      button.dataset.processCode = process.code;
      if (chosenProcess && chosenProcess.code === process.code) button.setAttribute('aria-pressed', 'true');
      const title = el('span', 'result__title');
      title.append(el('span', 'result__code', process.code), ' ', el('span', null, process.title));
      const meta = el('span', 'result__meta');
      meta.append(process.service, ' · ', plural('workingDays', process.commitment_days));
      button.append(title, meta);
      if (process.patroller_visit) {
        button.append(el('span', 'badge badge--patrol', T.patrollerVisit));
      }
      button.addEventListener('click', () => chooseProcess(process));
      li.appendChild(button);
      processResults.appendChild(li);
    });
  }

  function chooseProcess(process) {
    chosenProcess = process;
    clear(processResults);
    processResultsStatus.textContent = '';
    processChosen.hidden = false;
    $('process-chosen-label').textContent = processLabel(process) + ' (' + process.service + ', '
      + plural('workingDays', process.commitment_days) + ')';
    showStatus(fmt(T.processChosen, { title: processLabel(process) }));
    $('request-location').focus();
  }

  processInput.addEventListener('input', () => processSearch(processInput.value));
  processInput.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      const first = processResults.querySelector('button');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === 'Enter') {
      // Enter searches now rather than submitting the form.
      event.preventDefault();
      processSearch.cancel();
      searchProcesses(processInput.value);
    } else if (event.key === 'Escape' && processResults.firstChild) {
      event.preventDefault();
      clear(processResults);
      processResultsStatus.textContent = '';
    }
  });
  processResults.addEventListener('keydown', (event) => {
    const buttons = Array.from(processResults.querySelectorAll('button'));
    const index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    let target = null;
    if (event.key === 'ArrowDown') target = buttons[Math.min(index + 1, buttons.length - 1)];
    else if (event.key === 'ArrowUp') target = index === 0 ? processInput : buttons[index - 1];
    else if (event.key === 'Home') target = buttons[0];
    else if (event.key === 'End') target = buttons[buttons.length - 1];
    else if (event.key === 'Escape') target = processInput;
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  $('process-change').addEventListener('click', () => {
    chosenProcess = null;
    processChosen.hidden = true;
    processInput.focus();
    if (processInput.value.trim()) searchProcesses(processInput.value);
  });

  requestForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    if (!chosenProcess) {
      showError(T.processRequired);
      processInput.focus();
      return;
    }
    const body = {
      process_code: chosenProcess.code,
      location_address: $('request-location').value.trim(),
      subject: $('request-subject').value.trim(),
      description: $('request-description').value.trim(),
    };
    await withBusy($('create-request'), async () => {
      const result = await api('POST', '/console/api/items/' + id + '/request', body);
      if (id !== openItemId) return;
      if (!result.ok) {
        apiError(result);
        return;
      }
      showRequest(result.data);
      showStatus(fmt(T.requestCreated, { reference: result.data.reference }));
      $('request-reference').tabIndex = -1;
      $('request-reference').focus();
    });
  });

  attachForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    const reference = $('attach-reference').value.trim();
    if (!reference) {
      showError(T.referenceRequired);
      $('attach-reference').focus();
      return;
    }
    await withBusy($('attach-request'), async () => {
      const result = await api('POST', '/console/api/items/' + id + '/attach', { reference: reference });
      if (id !== openItemId) return;
      if (!result.ok) {
        apiError(result);
        return;
      }
      showRequest(result.data);
      showStatus(fmt(T.requestAttached, { reference: result.data.reference }));
      $('request-reference').tabIndex = -1;
      $('request-reference').focus();
    });
  });

  // ---------------------------------------------------------------------------------------------
  // d) Note
  // ---------------------------------------------------------------------------------------------
  $('note-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    const textarea = $('note-text');
    const text = textarea.value.trim();
    if (!text) {
      showError(T.noteEmpty);
      textarea.focus();
      return;
    }
    await withBusy($('add-note'), async () => {
      const result = await api('POST', '/console/api/items/' + id + '/notes', { text: text });
      if (id !== openItemId) return;
      if (!result.ok) {
        apiError(result);
        return;
      }
      textarea.value = '';
      const li = el('li', 'note');
      const when = el('time', 'note__at', formatDateTime(result.data.created_at, timeFormat));
      when.dateTime = result.data.created_at || '';
      li.append(when, ' ', el('span', 'note__text', result.data.text));
      $('notes-list').appendChild(li);
      showStatus(T.noteAdded);
    });
  });

  // ---------------------------------------------------------------------------------------------
  // e) Actions
  // ---------------------------------------------------------------------------------------------
  async function closingAction(task) {
    closingOnPurpose = true;
    try {
      return await task();
    } finally {
      closingOnPurpose = false;
    }
  }

  // A channel script ends the open item itself (the counter's no-show): `task` resolves to the
  // message to show, or null when it failed; the queue's own removal event must not say "elsewhere".
  document.addEventListener('console:close-item', (event) => {
    const id = openItemId;
    if (id === null || !event.detail || !event.detail.task) return;
    closingAction(async () => {
      const message = await event.detail.task();
      if (message === null) return;
      if (id === openItemId) finishItem(message);
      removeItem(id);
    });
  });

  // Phone and voicemail items: answer the waiting caller, call back, play the message.
  const ENDED = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
  function statusLabel(status) {
    return (T.callStatus && T.callStatus[status]) || status;
  }

  function renderPhone(detail, contact) {
    const isCall = detail.channel === 'phone' || detail.channel === 'voicemail';
    $('phone-section').hidden = !isCall;
    if (!isCall) return;
    const payload = contact.payload || {};
    const waiting = detail.channel === 'phone' && contact.direction === 'inbound'
      && ENDED.indexOf(payload.status) === -1 && payload.outcome !== 'answered';
    $('answer-call').hidden = !waiting;
    const callbacks = (detail.outbound || []).filter((c) => c.channel === 'phone');
    const lastCallback = callbacks.length ? callbacks[callbacks.length - 1].payload || {} : null;
    let state = '';
    if (lastCallback && ENDED.indexOf(lastCallback.status) === -1) {
      state = fmt(T.callbackPlaced, { to: lastCallback.to || '' });
    } else if (payload.outcome === 'answered') state = fmt(T.callAnswered, { name: payload.answered_by || '' });
    else if (waiting) state = T.callWaiting;
    else if (payload.status) state = fmt(T.callEnded, { status: statusLabel(payload.status) });
    setText('call-state', state);
    const list = $('callbacks-list');
    clear(list);
    callbacks.forEach((c) => {
      const p = c.payload || {};
      let callState = statusLabel(p.status || '');
      if (typeof p.talk_seconds === 'number') {
        callState = fmt(T.callTalk, { state: callState, duration: formatDuration(p.talk_seconds) });
      }
      list.append(el('li', null, fmt(T.callbackLine, {
        time: formatDateTime(c.at, timeFormat), to: p.to || '', by: c.by || '', state: callState,
      })));
    });
    $('callbacks-block').hidden = callbacks.length === 0;
    const player = $('voicemail-player');
    if (payload.recording_sid) {
      const url = '/console/api/phone/items/' + detail.id + '/recording';
      if (player.getAttribute('src') !== url) player.src = url; // a refresh must not restart it
      $('voicemail-block').hidden = false;
    } else {
      player.removeAttribute('src');
      $('voicemail-block').hidden = true;
    }
  }

  // The call moved on (answered, hung up, called back) while its panel is open.
  async function refreshCall(id) {
    const result = await api('GET', '/console/api/items/' + id);
    if (result.ok && id === openItemId) renderPhone(result.data, result.data.contact);
  }

  $('answer-call').addEventListener('click', (event) => {
    const id = openItemId;
    if (id === null) return;
    withBusy(event.currentTarget, async () => {
      document.dispatchEvent(new CustomEvent('phone:expect')); // the browser phone picks up
      const result = await api('POST', '/console/api/phone/items/' + id + '/answer', {});
      if (!result.ok) {
        apiError(result);
        return;
      }
      clearError();
      setText('call-state', T.answerPlaced);
      $('answer-call').hidden = true;
    });
  });

  $('call-back-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    withBusy($('call-back'), async () => {
      const to = $('call-back-number').value.trim();
      document.dispatchEvent(new CustomEvent('phone:expect'));
      const result = await api('POST', '/console/api/phone/items/' + id + '/callback', to ? { to: to } : {});
      if (!result.ok) {
        apiError(result);
        return;
      }
      clearError();
      setText('call-state', fmt(T.callbackPlaced, { to: result.data.to }));
    });
  });

  $('complete-item').addEventListener('click', (event) => {
    const id = openItemId;
    if (id === null) return;
    withBusy(event.currentTarget, () => closingAction(async () => {
      const result = await api('POST', '/console/api/items/' + id + '/complete', {});
      if (!result.ok) {
        apiError(result);
        return;
      }
      if (id === openItemId) finishItem(result.data.message || T.completed);
      removeItem(id);
    }));
  });

  $('release-item').addEventListener('click', (event) => {
    const id = openItemId;
    if (id === null) return;
    withBusy(event.currentTarget, () => closingAction(async () => {
      const response = await emitWithAck('queue:release', { item_id: id });
      if (!response.ok) {
        ackError(response);
        return;
      }
      if (id === openItemId) finishItem(T.released);
      if (response.item) upsert(response.item);
    }));
  });

  $('transfer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = openItemId;
    if (id === null) return;
    const select = $('transfer-to');
    const toUser = parseInt(select.value, 10);
    if (!toUser) {
      showError(T.transferRequired);
      select.focus();
      return;
    }
    const name = select.options[select.selectedIndex].text;
    withBusy($('transfer-item'), () => closingAction(async () => {
      const result = await api('POST', '/console/api/items/' + id + '/transfer', { to_user_id: toUser });
      if (!result.ok) {
        apiError(result);
        return;
      }
      if (id === openItemId) finishItem(fmt(T.transferred, { name: name }));
    }));
  });

  // ---------------------------------------------------------------------------------------------
  // Clock: waiting times and SLA badges move every second.
  // ---------------------------------------------------------------------------------------------
  setInterval(tick, 1000);
})();
