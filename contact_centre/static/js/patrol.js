/* The patroller's tablet page: the browser's position into the hidden fields, the chosen photos
   listed and checked for size before a long upload. Without this script the address is typed and
   the server checks everything the same way. */
(function () {
  'use strict';

  const form = document.getElementById('patrol-form');
  if (!form) {
    return;
  }
  let T = {};
  try {
    T = JSON.parse(document.getElementById('patrol-i18n').textContent || '{}');
  } catch (e) {
    T = {};
  }
  function fmt(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] === undefined ? '' : String(values[key]);
    });
  }

  const useButton = document.getElementById('use-position');
  const clearButton = document.getElementById('clear-position');
  const status = document.getElementById('position-status');
  const latitude = document.getElementById('latitude');
  const longitude = document.getElementById('longitude');
  const accuracy = document.getElementById('accuracy');

  function say(message) {
    status.textContent = message;
  }

  function setPosition(lat, lon, acc) {
    latitude.value = lat === '' ? '' : lat.toFixed(6);
    longitude.value = lon === '' ? '' : lon.toFixed(6);
    accuracy.value = acc === '' ? '' : String(Math.round(acc));
    clearButton.hidden = latitude.value === '';
  }

  const ERRORS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

  useButton.hidden = false;
  useButton.addEventListener('click', function () {
    if (!window.isSecureContext) {
      say(T.insecure);
      return;
    }
    if (!('geolocation' in navigator)) {
      say(T.unsupported);
      return;
    }
    useButton.disabled = true;
    say(T.locating);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        const c = position.coords;
        setPosition(c.latitude, c.longitude, c.accuracy);
        useButton.disabled = false;
        say(fmt(T.located, {
          lat: c.latitude.toFixed(5),
          lon: c.longitude.toFixed(5),
          accuracy: Math.round(c.accuracy),
        }));
      },
      function (error) {
        useButton.disabled = false;
        say(T[ERRORS[error.code] || 'unavailable']);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  });

  clearButton.addEventListener('click', function () {
    setPosition('', '', '');
    say(T.cleared);
    useButton.focus();
  });

  const photos = document.getElementById('photos');
  const chosen = document.getElementById('photos-chosen');
  const maxBytes = Number(form.dataset.maxPhotoBytes) || 0;
  const maxPhotos = Number(form.dataset.maxPhotos) || 0;
  photos.addEventListener('change', function () {
    const files = Array.prototype.slice.call(photos.files || []);
    const lines = [];
    if (files.length) {
      lines.push(fmt(T.photos, { count: files.length, names: files.map(function (f) { return f.name; }).join(', ') }));
    }
    if (maxPhotos && files.length > maxPhotos) {
      lines.push(fmt(T.tooMany, { count: files.length, limit: maxPhotos }));
    }
    files.forEach(function (f) {
      if (maxBytes && f.size > maxBytes) {
        lines.push(fmt(T.tooLarge, { name: f.name, size: Math.round(maxBytes / 1048576) }));
      }
    });
    chosen.textContent = lines.join(' ');
  });

  // forms.js already refuses a second submit; say that the (possibly long) upload is under way.
  form.addEventListener('submit', function (event) {
    if (event.defaultPrevented) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    if (button) {
      button.setAttribute('aria-disabled', 'true');
      button.textContent = T.sending;
    }
  });
})();
