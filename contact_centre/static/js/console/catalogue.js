/*
 * Espace Citoyen — the panel's qualification: search the catalogue of processes, create the request,
 * or attach the contact to an existing request; then the request's card and its history.
 */
import { on } from './bus.js';
import { SHORT, formatDateTime, formatDay } from './format.js';
import { has, t, tn } from './i18n.js';
import { $, clear, debounce, el, request, withBusy } from './kit.js';
import { apiError, showError, showStatus } from './messages.js';
import { currentItemId, setText } from './panel.js';

const SEARCH_DEBOUNCE_MS = 150;
const input = $('process-search');
const results = $('process-results');
const resultsStatus = $('process-results-status');
const chosen = $('process-chosen');
const requestForm = $('request-form');
const attachForm = $('attach-form');
let chosenProcess = null;
let searchSeq = 0;
let searchAbort = null;

function reset(detail) {
  chosenProcess = null;
  searchSeq++;
  requestForm.reset();
  attachForm.reset();
  clear(results);
  resultsStatus.textContent = '';
  chosen.hidden = true;
  $('request-subject').value = (detail.contact && detail.contact.subject) || '';
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
  setText('request-referent', req.referent || t('request.no_referent'));
  setText('request-due', req.due_on ? formatDay(req.due_on) : null);
  setText('request-location-value', req.location_address);
  const timeline = $('request-timeline');
  clear(timeline);
  (req.timeline || []).forEach((entry) => {
    const li = el('li', 'timeline__entry');
    const when = el('time', 'timeline__at', formatDateTime(entry.at, SHORT));
    when.dateTime = entry.at || '';
    const action = has('timeline.' + entry.action) ? t('timeline.' + entry.action) : entry.action;
    li.append(when, ' ', el('span', 'timeline__action', action));
    if (entry.actor) li.append(' — ', el('span', 'timeline__actor', entry.actor));
    timeline.appendChild(li);
  });
}

function focusReference() {
  $('request-reference').tabIndex = -1;
  $('request-reference').focus();
}

const searchSoon = debounce((q) => search(q), SEARCH_DEBOUNCE_MS);

async function search(q) {
  const seq = ++searchSeq;
  const query = (q || '').trim();
  if (searchAbort) searchAbort.abort();
  if (!query) {
    clear(results);
    resultsStatus.textContent = '';
    return;
  }
  searchAbort = new AbortController();
  let result;
  try {
    result = await request('GET', '/console/api/processes?q=' + encodeURIComponent(query), undefined, searchAbort.signal);
  } catch (_aborted) {
    return;
  }
  if (seq !== searchSeq) return;
  if (!result.ok) {
    apiError(result);
    return;
  }
  renderResults(result.data || []);
}

function processLabel(process) {
  return process.code + ' — ' + process.title;
}

function renderResults(found) {
  clear(results);
  resultsStatus.textContent = found.length ? tn('process.results', found.length) : t('process.no_result');
  found.forEach((process) => {
    const li = el('li');
    const button = el('button', 'result result--process');
    button.type = 'button';
    button.dataset.processCode = process.code;
    if (chosenProcess && chosenProcess.code === process.code) button.setAttribute('aria-pressed', 'true');
    const title = el('span', 'result__title');
    title.append(el('span', 'result__code', process.code), ' ', el('span', null, process.title));
    const meta = el('span', 'result__meta');
    meta.append(process.service, ' · ', tn('process.working_days', process.commitment_days));
    button.append(title, meta);
    if (process.patroller_visit) button.append(el('span', 'badge badge--patrol', t('process.patroller_visit')));
    button.addEventListener('click', () => choose(process));
    li.appendChild(button);
    results.appendChild(li);
  });
}

function choose(process) {
  chosenProcess = process;
  clear(results);
  resultsStatus.textContent = '';
  chosen.hidden = false;
  $('process-chosen-label').textContent = processLabel(process) + ' (' + process.service + ', '
    + tn('process.working_days', process.commitment_days) + ')';
  showStatus(t('process.chosen', { title: processLabel(process) }));
  $('request-location').focus();
}

input.addEventListener('input', () => searchSoon(input.value));
input.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown') {
    const first = results.querySelector('button');
    if (first) {
      event.preventDefault();
      first.focus();
    }
  } else if (event.key === 'Enter') {
    // Enter searches now rather than submitting the form.
    event.preventDefault();
    searchSoon.cancel();
    search(input.value);
  } else if (event.key === 'Escape' && results.firstChild) {
    event.preventDefault();
    clear(results);
    resultsStatus.textContent = '';
  }
});
results.addEventListener('keydown', (event) => {
  const buttons = Array.from(results.querySelectorAll('button'));
  const index = buttons.indexOf(document.activeElement);
  if (index === -1) return;
  let target = null;
  if (event.key === 'ArrowDown') target = buttons[Math.min(index + 1, buttons.length - 1)];
  else if (event.key === 'ArrowUp') target = index === 0 ? input : buttons[index - 1];
  else if (event.key === 'Home') target = buttons[0];
  else if (event.key === 'End') target = buttons[buttons.length - 1];
  else if (event.key === 'Escape') target = input;
  if (target) {
    event.preventDefault();
    target.focus();
  }
});

$('process-change').addEventListener('click', () => {
  chosenProcess = null;
  chosen.hidden = true;
  input.focus();
  if (input.value.trim()) search(input.value);
});

requestForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = currentItemId();
  if (id === null) return;
  if (!chosenProcess) {
    showError(t('process.required'));
    input.focus();
    return;
  }
  const body = {
    process_code: chosenProcess.code,
    location_address: $('request-location').value.trim(),
    subject: $('request-subject').value.trim(),
    description: $('request-description').value.trim(),
  };
  await withBusy($('create-request'), async () => {
    const result = await request('POST', '/console/api/items/' + id + '/request', body);
    if (id !== currentItemId()) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    showRequest(result.data);
    showStatus(t('request.created', { reference: result.data.reference }));
    focusReference();
  });
});

attachForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = currentItemId();
  if (id === null) return;
  const reference = $('attach-reference').value.trim();
  if (!reference) {
    showError(t('attach.reference_required'));
    $('attach-reference').focus();
    return;
  }
  await withBusy($('attach-request'), async () => {
    const result = await request('POST', '/console/api/items/' + id + '/attach', { reference: reference });
    if (id !== currentItemId()) return;
    if (!result.ok) {
      apiError(result);
      return;
    }
    showRequest(result.data);
    showStatus(t('request.attached', { reference: result.data.reference }));
    focusReference();
  });
});

on('item:opened', reset);
on('item:closed', () => searchSoon.cancel());
