/* Espace Citoyen — small progressive enhancements shared by every page (no inline script: strict CSP). */
(function () {
  'use strict';

  // <form data-confirm="Question ?"> asks before submitting (e.g. deleting a closure day).
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Server-rendered forms: a second click while the page is loading must not post twice.
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || form.dataset.js) {
      return;
    }
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = '1';
    // Forget it if the page comes back from the cache (history navigation).
    window.addEventListener('pageshow', function () { delete form.dataset.submitted; }, { once: true });
  });
})();
