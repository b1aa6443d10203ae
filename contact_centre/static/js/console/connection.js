/*
 * Espace Citoyen — the console's connection to the server (Socket.IO namespace /console) and the queue
 * state it keeps: the open items (waiting or claimed), the callers' places in the telephone line, the
 * server's clock. Views read the state and listen to `queue:changed` (bus.js).
 * Depends on vendor/socket.io.min.js (the global `io`), loaded before the modules.
 */
import { emit } from './bus.js';
import { t } from './i18n.js';
import { $, ME } from './kit.js';
import { clearConnectionError, showConnectionError } from './messages.js';
import { parseTime } from './format.js';

export const items = new Map(); // id -> item dict (services/shapes.py), open items only
export const callPositions = new Map(); // id -> {id, position, estimated_minutes} from call:position
let loaded = false;
let clockSkew = 0; // server time minus browser time, in ms

export function isLoaded() {
  return loaded;
}

// The server's clock, as estimated from the items' waiting times.
export function now() {
  return Date.now() + clockSkew;
}

export function isOpen(item) {
  return Boolean(item) && (item.status === 'waiting' || item.status === 'claimed');
}

export function claimedByMe(item) {
  return item.status === 'claimed' && Boolean(item.claimed_by) && item.claimed_by.id === ME;
}

export function claimedByOther(item) {
  return item.status === 'claimed' && Boolean(item.claimed_by) && item.claimed_by.id !== ME;
}

function compareItems(a, b) {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const ta = parseTime(a.received_at) || 0;
  const tb = parseTime(b.received_at) || 0;
  if (ta !== tb) return ta - tb;
  return a.id - b.id;
}

// Ids in the server's order: priority, then arrival, then id.
export function orderedIds() {
  return Array.from(items.values()).sort(compareItems).map((item) => item.id);
}

// Estimates the server clock from waiting_seconds so timers and SLA badges do not depend on the
// workstation's clock being right.
function estimateSkew(list) {
  const estimates = [];
  const local = Date.now();
  list.forEach((item) => {
    const received = parseTime(item.received_at);
    if (received !== null && typeof item.waiting_seconds === 'number' && item.waiting_seconds > 0) {
      estimates.push(received + (item.waiting_seconds + 0.5) * 1000 - local);
    }
  });
  if (!estimates.length) return;
  estimates.sort((x, y) => x - y);
  const median = estimates[Math.floor(estimates.length / 2)];
  clockSkew = Math.abs(median) > 2000 ? median : 0;
}

function replaceAll(list) {
  items.clear();
  (list || []).forEach((item) => {
    if (isOpen(item)) items.set(item.id, item);
  });
  estimateSkew(list || []);
  loaded = true;
  emit('queue:changed', {});
}

// Applies an item unless it is older than the one known. Returns true when applied.
export function upsert(item) {
  const known = items.get(item.id);
  if (known && typeof known.version === 'number' && typeof item.version === 'number'
      && item.version < known.version) {
    return false;
  }
  if (isOpen(item)) items.set(item.id, item);
  else items.delete(item.id);
  emit('queue:changed', {});
  return true;
}

export function removeItem(id) {
  callPositions.delete(id);
  if (!items.has(id)) return;
  items.delete(id);
  emit('queue:changed', {});
}

// ---------------------------------------------------------------------------------------------
// Socket.IO
// ---------------------------------------------------------------------------------------------
const connectionState = $('connection-state');
let everConnected = false;

function setConnection(state, text) {
  connectionState.dataset.state = state;
  connectionState.textContent = text;
}

export const socket = window.io('/console', { transports: ['websocket'] });

// An action on the socket; resolves to the server's answer, or {ok: false, reason} without one.
export function emitWithAck(event, payload) {
  return new Promise((resolve) => {
    if (!socket.connected) {
      resolve({ ok: false, reason: t('errors.not_connected') });
      return;
    }
    socket.timeout(10000).emit(event, payload, (err, response) => {
      if (err) resolve({ ok: false, reason: t('errors.network') });
      else resolve(response || { ok: false, reason: t('errors.generic') });
    });
  });
}

socket.on('connect', () => {
  setConnection('connected', t('connection.connected'));
  clearConnectionError();
  if (everConnected) {
    // Events may have been missed while disconnected: ask for the whole queue again.
    socket.emit('queue:snapshot', {}, (response) => {
      if (response && response.ok) replaceAll(response.items);
    });
  }
  everConnected = true;
});

socket.on('connect_error', () => {
  if (socket.active) {
    // Transport failure: the client retries by itself.
    setConnection('reconnecting', t('connection.reconnecting'));
  } else {
    // The server refused the handshake (session ended, role lost): no retry.
    setConnection('refused', t('connection.refused'));
    showConnectionError(t('connection.refused'));
  }
});

socket.on('disconnect', (reason) => {
  if (reason === 'io server disconnect') {
    setConnection('refused', t('connection.server_closed'));
    showConnectionError(t('connection.server_closed'));
  } else if (reason !== 'io client disconnect') {
    setConnection('reconnecting', t('connection.reconnecting'));
  }
});

socket.on('queue:snapshot', (data) => replaceAll((data && data.items) || []));
socket.on('queue:added', (item) => {
  const isNew = !items.has(item.id);
  if (upsert(item) && isNew && isOpen(item)) emit('queue:arrived', item);
});
socket.on('queue:updated', (item) => {
  if (upsert(item)) emit('queue:item-updated', item);
});
socket.on('queue:removed', (data) => removeItem(data && data.id));
// A caller's place in the telephone line, as the wait message just told them.
socket.on('call:position', (data) => {
  if (!data || !items.has(data.id)) return;
  callPositions.set(data.id, data);
  emit('queue:changed', {});
});
socket.on('agents:updated', (agents) => emit('agents:changed', agents || []));
