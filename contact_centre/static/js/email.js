/* Espace Citoyen — e-mail items in the console: the thread both ways, its send status, a reply. */
(function () {
  'use strict';

  const { $, T, fmt, request, say, config } = window.ConsoleKit;
  const section = $('email-section');
  if (!section) return;
  const when = new Intl.DateTimeFormat('fr-FR', {
    timeZone: config.timezone || 'Europe/Paris', dateStyle: 'short', timeStyle: 'short',
  });
  const POLL_MS = 3000; // while a message is being sent
  const thread = $('email-thread');
  const form = $('email-reply-form');
  let itemId = null;
  let poll = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function renderMessage(m) {
    const li = el('li', 'email-message email-message--' + m.direction);
    li.dataset.messageId = String(m.id);
    const head = el('p', 'email-message__head');
    const who = m.direction === 'inbound' ? fmt(T.emailIn, { from: m.from }) : fmt(T.emailOut, { to: [].concat(m.to).join(', ') });
    const time = el('time', null, m.at ? when.format(new Date(m.at)) : '');
    if (m.at) time.dateTime = m.at;
    head.append(el('strong', null, who), ' · ', time);
    if (m.status_label) {
      const badge = el('span', 'badge email-message__status email-message__status--' + m.status, m.status_label);
      head.append(' ', badge);
    }
    li.append(head, el('p', 'email-message__subject', m.subject));
    if (m.automatic) li.append(el('p', 'hint', T.emailAutomatic));
    (m.warnings || []).forEach((w) => li.append(el('p', 'hint', w)));
    li.append(el('div', 'email-message__body', m.body));
    if (m.attachments && m.attachments.length) {
      const files = el('p', 'email-message__files', T.emailAttachments + ' ');
      m.attachments.forEach((a, i) => {
        const link = el('a', null, a.filename);
        link.href = a.url;
        files.append(i ? ', ' : '', link);
      });
      li.append(files);
    }
    if (m.status === 'failed') {
      li.append(el('p', 'email-message__error', m.error));
      const resend = el('button', 'button button--secondary button--small', T.emailResend);
      resend.type = 'button';
      resend.addEventListener('click', async () => {
        if (resend.disabled) return;
        resend.disabled = true;
        const result = await request('POST', '/console/api/email/messages/' + m.id + '/resend');
        resend.disabled = false;
        if (!result.ok) return say(result.message, true);
        say(T.emailResent, false);
        load(itemId);
      });
      li.append(resend);
    }
    return li;
  }

  async function load(id) {
    clearTimeout(poll);
    const result = await request('GET', '/console/api/email/items/' + id + '/messages');
    if (id !== itemId) return;
    if (!result.ok) return say(result.message, true);
    thread.replaceChildren(...result.data.map(renderMessage));
    // A message on its way: look again until it is sent or has failed.
    if (result.data.some((m) => m.status === 'queued')) poll = setTimeout(() => load(id), POLL_MS);
  }

  document.addEventListener('item:opened', (event) => {
    const detail = event.detail;
    itemId = detail.channel === 'email' ? detail.id : null;
    section.hidden = itemId === null;
    clearTimeout(poll);
    form.reset();
    thread.replaceChildren();
    if (itemId !== null) load(itemId);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('email-reply-send');
    if (button.disabled || itemId === null) return; // a double click sends once
    if (!$('email-reply-text').value.trim()) {
      say(T.emailReplyEmpty, true);
      $('email-reply-text').focus();
      return;
    }
    button.disabled = true;
    const id = itemId;
    try {
      const result = await request('POST', '/console/api/email/items/' + id + '/reply', new FormData(form));
      if (!result.ok) return say(result.message, true);
      form.reset();
      say(T.emailReplySent, false);
      load(id);
    } finally {
      button.disabled = false;
    }
  });
})();
