/*
 * Espace Citoyen — the panel's citizen card: the citizen linked to the item with their open requests,
 * or a search (prefilled with what the contact gave) to link one, or a form to create one.
 */
import { on } from './bus.js';
import { formatDay } from './format.js';
import { t, tn } from './i18n.js';
import { $, clear, debounce, el, request, withBusy } from './kit.js';
import { apiError, showError, showStatus } from './messages.js';
import { currentItemId, setText } from './panel.js';

const SEARCH_DEBOUNCE_MS = 300;
const card = $('citizen-card');
const find = $('citizen-find');
const input = $('citizen-search');
const results = $('citizen-results');
const resultsStatus = $('citizen-results-status');
const form = $('citizen-form');
let searchSeq = 0;

function showCard(citizen) {
  card.hidden = false;
  find.hidden = true;
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
    const what = el('span', null, ' — ' + (req.subject || req.process) + ' · ' + req.status_label + ' · '
      + t('citizen.open_request_due', { date: formatDay(req.due_on) }));
    li.append(el('strong', null, req.reference), what);
    list.append(li);
  });
}

function reset(detail) {
  searchSeq++;
  clear(results);
  resultsStatus.textContent = '';
  form.reset();
  $('citizen-create').open = false;
  if (detail.citizen_detail) {
    showCard(detail.citizen_detail);
    input.value = '';
    return;
  }
  card.hidden = true;
  find.hidden = false;
  const hints = (detail.contact && detail.contact.hints) || {};
  const query = hints.phone || hints.email || hints.name || '';
  input.value = query;
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
  if (query) search(query);
}

const searchSoon = debounce((q) => search(q), SEARCH_DEBOUNCE_MS);

async function search(q) {
  const seq = ++searchSeq;
  const query = (q || '').trim();
  if (query.length < 2) {
    clear(results);
    resultsStatus.textContent = '';
    return;
  }
  const result = await request('GET', '/console/api/citizens?q=' + encodeURIComponent(query));
  if (seq !== searchSeq) return;
  if (!result.ok) {
    apiError(result);
    return;
  }
  renderResults(result.data || []);
}

function renderResults(found) {
  clear(results);
  resultsStatus.textContent = found.length ? tn('citizen.results', found.length) : t('citizen.no_result');
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
    const button = el('button', 'button button--secondary button--small associate', t('citizen.associate'));
    button.type = 'button';
    button.dataset.citizenId = String(citizen.id);
    button.setAttribute('aria-describedby', nameId);
    button.addEventListener('click', () => link(citizen, button));
    li.append(text, button);
    results.appendChild(li);
  });
}

async function link(citizen, button) {
  const id = currentItemId();
  if (id === null) return;
  await withBusy(button, async () => {
    const result = await request('POST', '/console/api/items/' + id + '/citizen', { citizen_id: citizen.id });
    if (id !== currentItemId()) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    showCard(result.data.citizen || citizen);
    showStatus(t('citizen.linked', { name: citizen.name }));
    $('citizen-change').focus();
  });
}

input.addEventListener('input', () => searchSoon(input.value));
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    searchSoon.cancel();
    search(input.value);
  }
});

$('citizen-change').addEventListener('click', () => {
  card.hidden = true;
  find.hidden = false;
  input.focus();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = currentItemId();
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
    showError(t('citizen.name_required'));
    $('citizen-last-name').focus();
    return;
  }
  await withBusy($('citizen-create-submit'), async () => {
    const result = await request('POST', '/console/api/citizens', body);
    if (id !== currentItemId()) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    form.reset();
    $('citizen-create').open = false;
    showCard(result.data);
    showStatus(t('citizen.created', { name: result.data.name }));
    $('citizen-change').focus();
  });
});

on('item:opened', reset);
on('item:closed', () => searchSoon.cancel());
