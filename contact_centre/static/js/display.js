/* Espace Citoyen — the waiting-room screen: numbers called and their desk, with a chime. */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  let T = {};
  try {
    T = JSON.parse($('display-i18n').textContent || '{}');
  } catch (_err) {
    T = {};
  }
  const fmt = (template, params) => String(template || '').replace(/\{(\w+)\}/g, (w, k) => (k in params ? params[k] : w));
  const HISTORY = 5;
  const chime = new Audio($('display-current').dataset.chime);
  const current = $('current-number');
  const desk = $('current-desk');
  const history = $('history');
  const announce = $('display-announce');
  const connection = $('display-connection');
  let called = [];

  function render() {
    const first = called[0];
    current.textContent = first ? first.ticket : '—';
    desk.textContent = first ? fmt(T.desk || '{desk}', { desk: first.desk }) : '';
    history.replaceChildren(...called.slice(1, 1 + HISTORY).map((c) => {
      const li = document.createElement('li');
      const number = document.createElement('span');
      number.className = 'display__item-number';
      number.textContent = c.ticket;
      const where = document.createElement('span');
      where.textContent = c.desk;
      li.append(number, where);
      return li;
    }));
  }

  function ring() {
    chime.currentTime = 0;
    const played = chime.play();
    // Without the kiosk's autoplay setting, the browser waits for a tap on « Activer le son ».
    if (played && played.catch) played.catch(() => { $('display-sound').hidden = false; });
    document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  }

  $('display-sound').addEventListener('click', () => {
    chime.play().then(() => { chime.pause(); $('display-sound').textContent = T.soundOn || ''; }).catch(() => {});
  });

  const socket = window.io('/counter', { transports: ['websocket'] });
  socket.on('connect', () => { connection.dataset.state = 'connected'; connection.textContent = T.connected || ''; });
  socket.on('disconnect', () => { connection.dataset.state = 'disconnected'; connection.textContent = T.disconnected || ''; });
  socket.on('counter:snapshot', (data) => {
    called = (data && data.called) || [];
    render();
  });
  socket.on('counter:called', (ticket) => {
    called = [ticket].concat(called.filter((c) => c.ticket !== ticket.ticket)).slice(0, 1 + HISTORY);
    render();
    document.body.classList.remove('is-calling');
    void document.body.offsetWidth; // restart the highlight for a recall of the same number
    document.body.classList.add('is-calling');
    announce.textContent = fmt(T.announce, { ticket: ticket.ticket, desk: ticket.desk });
    ring();
  });
})();
