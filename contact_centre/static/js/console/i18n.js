/*
 * Espace Citoyen — the console's strings. One catalogue, contact_centre/console/strings.py, translated
 * on the server with the Python strings and embedded in the page (#console-strings); the template
 * reads the same catalogue. Placeholders are {name}.
 */

function read() {
  const node = document.getElementById('console-strings');
  try {
    return JSON.parse((node && node.textContent) || '{}') || {};
  } catch (_err) {
    return {};
  }
}

const STRINGS = read();

export function has(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS, key);
}

function fmt(template, params) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

// A key missing from the catalogue is a bug: it is logged (browser tests fail on console errors).
export function t(key, params) {
  if (!has(key)) {
    console.error('Console string missing from the catalogue: ' + key);
    return key;
  }
  return fmt(STRINGS[key], params);
}

// French plural: 0 and 1 take the singular, key + '.one'. {n} is the count.
export function tn(key, n, params) {
  return t(n <= 1 && has(key + '.one') ? key + '.one' : key, Object.assign({ n: n }, params || {}));
}
