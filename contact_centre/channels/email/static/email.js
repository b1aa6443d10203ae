/* Espace Citoyen — e-mail items in the panel: the thread both ways, each message's send status, a reply. */
import { on } from '../../bus.js';
import { SHORT } from '../../format.js';
import { t } from '../../i18n.js';
import { $, el, request, withBusy } from '../../kit.js';
import { showError, showStatus } from '../../messages.js';

const POLL_MS = 3000; // while a message is being sent
const section = $('email-section');
const thread = $('email-thread');
const form = $('email-reply-form');
let itemId = null;
let poll = null;

function renderMessage(m) {
  const li = el('li', 'email-message email-message--' + m.direction);
  li.dataset.messageId = String(m.id);
  const head = el('p', 'email-message__head');
  const who = m.direction === 'inbound'
    ? t('email.from', { from: m.from }) : t('email.to', { to: [].concat(m.to).join(', ') });
  const time = el('time', null, m.at ? SHORT.format(new Date(m.at)) : '');
  if (m.at) time.dateTime = m.at;
  head.append(el('strong', null, who), ' · ', time);
  if (m.status_label) {
    head.append(' ', el('span', 'badge email-message__status email-message__status--' + m.status, m.status_label));
  }
  li.append(head, el('p', 'email-message__subject', m.subject));
  if (m.automatic) li.append(el('p', 'hint', t('email.automatic')));
  (m.warnings || []).forEach((w) => li.append(el('p', 'hint', w)));
  li.append(el('div', 'email-message__body', m.body));
  if (m.attachments && m.attachments.length) {
    const files = el('p', 'email-message__files', t('email.attachments') + ' ');
    m.attachments.forEach((a, i) => {
      const link = el('a', null, a.filename);
      link.href = a.url;
      files.append(i ? ', ' : '', link);
    });
    li.append(files);
  }
  if (m.status === 'failed') {
    li.append(el('p', 'email-message__error', m.error));
    const resend = el('button', 'button button--secondary button--small', t('email.resend'));
    resend.type = 'button';
    resend.addEventListener('click', () => withBusy(resend, async () => {
      const result = await request('POST', '/console/api/email/messages/' + m.id + '/resend');
      if (!result.ok) return showError(result.message);
      showStatus(t('email.resent'));
      load(itemId);
    }));
    li.append(resend);
  }
  return li;
}

async function load(id) {
  clearTimeout(poll);
  const result = await request('GET', '/console/api/email/items/' + id + '/messages');
  if (id !== itemId) return;
  if (!result.ok) return showError(result.message);
  thread.replaceChildren(...result.data.map(renderMessage));
  // A message on its way: look again until it is sent or has failed.
  if (result.data.some((m) => m.status === 'queued')) poll = setTimeout(() => load(id), POLL_MS);
}

on('item:opened', (detail) => {
  itemId = detail.channel === 'email' ? detail.id : null;
  section.hidden = itemId === null;
  clearTimeout(poll);
  form.reset();
  thread.replaceChildren();
  if (itemId !== null) load(itemId);
});

on('item:closed', () => {
  itemId = null;
  clearTimeout(poll);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = itemId;
  if (id === null) return;
  if (!$('email-reply-text').value.trim()) {
    showError(t('email.reply_empty'));
    $('email-reply-text').focus();
    return;
  }
  // A double click sends once.
  withBusy($('email-reply-send'), async () => {
    const result = await request('POST', '/console/api/email/items/' + id + '/reply', new FormData(form));
    if (!result.ok) return showError(result.message);
    form.reset();
    showStatus(t('email.reply_sent'));
    load(id);
  });
});
