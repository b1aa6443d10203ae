/*
 * Espace Citoyen — scanned letters in the queue column: record scans (one file per letter, their
 * items arrive in the queue through the socket) and search the letters' text.
 */
import { LONG, formatDateTime, today } from '../../format.js';
import { t } from '../../i18n.js';
import { $, el, request } from '../../kit.js';

const form = $('letter-upload-form');
const fileInput = $('letter-files');
const dateInput = $('letter-received-on');
const uploadError = $('letter-upload-error');
const uploadStatus = $('letter-upload-status');
const submit = $('letter-upload-submit');

// A letter cannot have been received in the future.
dateInput.max = today();

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
    uploadFailed(t('letters.upload.no_file'));
    return;
  }
  const body = new FormData();
  files.forEach((file) => body.append('files', file, file.name));
  body.append('received_on', dateInput.value);
  submit.disabled = true;
  submit.setAttribute('aria-busy', 'true');
  uploadStatus.textContent = t('letters.upload.sending');
  try {
    const result = await request('POST', '/console/api/mail/letters', body);
    if (!result.ok) {
      uploadFailed(result.message);
      return;
    }
    const recorded = result.data.letters || [];
    const ids = recorded.map((l) => l.queue_item_id).join(', ');
    const created = recorded.filter((l) => l.created).length;
    if (!created) uploadStatus.textContent = t('letters.upload.already', { ids: ids });
    else if (recorded.length === 1) uploadStatus.textContent = t('letters.upload.recorded', { ids: ids });
    else uploadStatus.textContent = t('letters.upload.recorded_many', { n: recorded.length, ids: ids });
    form.reset();
    dateInput.max = today();
  } finally {
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
  }
});

// -------------------------------------------------------------------------------------------
// Search in the letters' text
// -------------------------------------------------------------------------------------------
const searchInput = $('letter-search');
const searchStatus = $('letter-search-status');
const searchResults = $('letter-search-results');
let searchSeq = 0;

$('letter-search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const seq = ++searchSeq;
  searchResults.replaceChildren();
  const q = searchInput.value.trim();
  if (!q) {
    searchStatus.textContent = t('letters.search.empty');
    return;
  }
  const result = await request('GET', '/console/api/mail/letters?q=' + encodeURIComponent(q));
  if (seq !== searchSeq) return;
  if (!result.ok) {
    searchStatus.textContent = result.message;
    return;
  }
  const hits = result.data || [];
  searchStatus.textContent = hits.length ? t('letters.search.found', { n: hits.length }) : t('letters.search.none');
  hits.forEach((hit) => {
    const li = el('li', 'letter-hit');
    const head = el('p', 'letter-hit__head');
    head.append(el('strong', null, hit.filename), ' — ' + formatDateTime(hit.received_at, LONG));
    if (hit.queue_item_id) head.append(' · ' + t('letters.search.item', { id: hit.queue_item_id }));
    if (hit.request) head.append(' · ', el('span', 'letter-hit__reference', hit.request));
    li.append(head, el('p', 'letter-hit__snippet', hit.snippet));
    searchResults.append(li);
  });
});
