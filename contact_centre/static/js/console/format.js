/* Espace Citoyen — durations, dates and sizes as the console writes them (the city's time zone). */
import { t } from './i18n.js';
import { TIMEZONE } from './kit.js';

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return t('duration.seconds', { s: s });
  if (s < 3600) return t('duration.minutes', { m: Math.floor(s / 60), s: pad2(s % 60) });
  if (s < 86400) return t('duration.hours', { h: Math.floor(s / 3600), m: pad2(Math.floor((s % 3600) / 60)) });
  return t('duration.days', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

export const FULL = new Intl.DateTimeFormat('fr-FR', { timeZone: TIMEZONE, dateStyle: 'full', timeStyle: 'short' });
export const LONG = new Intl.DateTimeFormat('fr-FR', { timeZone: TIMEZONE, dateStyle: 'long', timeStyle: 'short' });
export const SHORT = new Intl.DateTimeFormat('fr-FR', { timeZone: TIMEZONE, dateStyle: 'short', timeStyle: 'short' });
export const TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: TIMEZONE, timeStyle: 'short' });
const DAY = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });

// Milliseconds since the epoch, or null.
export function parseTime(iso) {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? null : time;
}

export function formatDateTime(iso, formatter) {
  const time = parseTime(iso);
  return time === null ? t('none') : (formatter || FULL).format(new Date(time));
}

// A calendar day ("2026-03-14") as a date, whatever the time zone.
export function formatDay(isoDay) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay || '');
  if (!m) return isoDay || t('none');
  return DAY.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}

export function formatSize(bytes) {
  if (bytes < 1024) return t('size.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('size.kilobytes', { n: Math.round(bytes / 1024) });
  return t('size.megabytes', { n: (bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) });
}

// Today where the city is, as an <input type="date"> value.
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date()).slice(0, 10);
}
