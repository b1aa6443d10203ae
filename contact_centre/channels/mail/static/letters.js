/*
 * Espace Citoyen — the open item's scanned letter in the panel: each page's image beside its OCR
 * text, read in the background (polled until done), and what the text said about a request.
 */
import { on } from '../../bus.js';
import { LONG, formatDateTime } from '../../format.js';
import { t } from '../../i18n.js';
import { $, el, request } from '../../kit.js';

const POLL_MS = 2000;
const POLL_FOR_MS = 10 * 60 * 1000; // past this, a still-pending OCR is shown as such, not polled
const section = $('letter-section');
const state = $('letter-state');
const list = $('letter-list');
let current = null; // {id, timer, since}
let loadSeq = 0;

function stop() {
  if (current && current.timer) clearTimeout(current.timer);
  current = null;
}

function renderPage(letter, page, total) {
  const row = el('div', 'letter-page');
  const figure = el('figure', 'letter-page__scan');
  const link = el('a', 'letter-page__link');
  link.href = page.url;
  link.target = '_blank';
  link.rel = 'noopener';
  link.title = t('letters.open_scan');
  const img = el('img', 'letter-page__image');
  img.src = page.url;
  img.alt = t('letters.page_image', { n: page.number, name: letter.filename });
  img.width = page.width;
  img.height = page.height;
  img.loading = 'lazy';
  link.append(img);
  figure.append(link, el('figcaption', null, t('letters.page', { n: page.number, total: total })));
  const textId = 'letter-text-' + letter.id + '-' + page.number;
  const text = el('div', 'letter-page__text');
  const label = el('p', 'letter-page__label', t('letters.page_text', { n: page.number }));
  label.id = textId + '-label';
  const body = el('pre', 'letter-page__body', page.text || t('letters.no_text'));
  body.id = textId;
  body.tabIndex = 0; // scrollable: reachable by keyboard
  body.setAttribute('role', 'region');
  body.setAttribute('aria-labelledby', label.id);
  text.append(label, body);
  row.append(figure, text);
  return row;
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
      ' — ' + t('letters.received', { date: formatDateTime(letter.received_at, LONG) }));
    article.append(head);
    if (letter.status === 'failed') messages.push(t('letters.failed', { error: letter.error || t('errors.generic') }));
    if (letter.request && (letter.references || []).indexOf(letter.request) !== -1) {
      messages.push(t('letters.attached', { reference: letter.request }));
    } else if ((letter.references || []).length) {
      messages.push(t('letters.unknown_reference', { references: letter.references.join(', ') }));
    }
    letter.pages.forEach((page) => article.append(renderPage(letter, page, letter.pages.length)));
    list.append(article);
  });
  if (data.pending) {
    state.textContent = t('letters.pending');
  } else {
    const pages = letters.reduce((n, l) => n + l.pages.length, 0);
    state.textContent = [t('letters.done', { n: pages })].concat(messages).join(' ');
  }
  state.dataset.pending = data.pending ? 'true' : 'false';
}

async function load(id) {
  const seq = ++loadSeq;
  const result = await request('GET', '/console/api/mail/items/' + id + '/letter');
  if (seq !== loadSeq || !current || current.id !== id) return;
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
    else state.textContent = t('letters.still_pending');
  }
}

on('item:opened', (detail) => {
  stop();
  list.replaceChildren();
  const isLetter = detail.channel === 'mail';
  section.hidden = !isLetter;
  state.textContent = isLetter ? t('letters.loading') : '';
  if (!detail.id) return;
  current = { id: detail.id, timer: null, since: Date.now() };
  load(detail.id);
});

on('item:closed', stop);
