/* Espace Citoyen — the kiosk at the entrance: one tap, one ticket; then back to the start. */
(function () {
  'use strict';

  const IDLE_RELOAD_MS = 10 * 60 * 1000; // a fresh page keeps its form token valid
  const TICKET_SHOWN_MS = 30 * 1000;

  const form = document.getElementById('kiosk-form');
  if (form) {
    // The server already gives one ticket per page; this spares the second request.
    form.addEventListener('submit', (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = 'true';
      form.querySelectorAll('button').forEach((b) => b.setAttribute('aria-disabled', 'true'));
    });
  }
  if (!document.getElementById('ticket')) {
    setTimeout(() => window.location.reload(), IDLE_RELOAD_MS);
    return;
  }

  const ticket = document.getElementById('ticket');
  document.getElementById('ticket-print').addEventListener('click', () => window.print());
  setTimeout(() => window.location.assign(ticket.dataset.return), TICKET_SHOWN_MS);
})();
