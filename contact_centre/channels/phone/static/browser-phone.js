/*
 * Espace Citoyen — the ambassador's telephone in the browser (Twilio Voice SDK).
 *
 * Used when the ambassador has no desk phone: the console registers a Twilio Device with a
 * short-lived token from the app, and the calls the app bridges to "client:ambassadeur-…" ring
 * here. A call the ambassador has just asked for (`phone:expect`: Décrocher, Rappeler) is picked up
 * at once; any other rings until accepted. Sounds are served by the app, never by Twilio's CDN.
 * Depends on vendor/twilio.min.js (the global `Twilio`), loaded before the modules when enabled.
 */
import { on } from '../../bus.js';
import { t } from '../../i18n.js';
import { $, config } from '../../kit.js';

const EXPECT_MS = 60 * 1000;
const CONFIG = config.phone || {};
const block = $('browser-phone');
const state = $('browser-phone-state');
const accept = $('phone-accept');
const hangup = $('phone-hangup');
const mute = $('phone-mute');

let device = null;
let call = null;
let expectUntil = 0; // until when an incoming call is the one the ambassador asked for

function show(text, name) {
  state.textContent = text;
  block.dataset.state = name;
}

function showCall() {
  accept.hidden = !(call && call.status() === 'pending');
  hangup.hidden = !call;
  mute.hidden = !(call && call.status() === 'open');
  if (call && call.status() === 'open') {
    mute.textContent = call.isMuted() ? t('browser_phone.unmute') : t('browser_phone.mute');
    mute.setAttribute('aria-pressed', call.isMuted() ? 'true' : 'false');
    show(call.isMuted() ? t('browser_phone.muted') : t('browser_phone.in_call'), 'in-call');
  } else if (call) {
    show(t('browser_phone.ringing'), 'ringing');
  } else if (device && device.state === 'registered') {
    show(t('browser_phone.ready'), 'ready');
  }
}

async function fetchToken() {
  const response = await fetch(CONFIG.tokenUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error('token ' + response.status);
  return (await response.json()).token;
}

function follow(incoming) {
  call = incoming;
  ['accept', 'mute'].forEach((event) => incoming.on(event, showCall));
  ['disconnect', 'cancel', 'reject', 'error'].forEach((event) => incoming.on(event, () => {
    if (call === incoming) call = null;
    showCall();
  }));
  showCall();
}

async function start() {
  const Device = window.Twilio && window.Twilio.Device;
  if (!Device || !Device.isSupported) {
    show(t('browser_phone.unsupported'), 'unsupported');
    return;
  }
  show(t('browser_phone.connecting'), 'connecting');
  let token;
  try {
    token = await fetchToken();
  } catch (_err) {
    show(t('browser_phone.offline'), 'offline');
    return;
  }
  device = new Device(token, {
    sounds: CONFIG.sounds || {},
    closeProtection: t('browser_phone.leave'),
    codecPreferences: ['opus', 'pcmu'],
    logLevel: 'warn',
  });
  device.on('registered', showCall);
  device.on('unregistered', () => show(t('browser_phone.offline'), 'offline'));
  device.on('error', () => {
    if (!call) show(t('browser_phone.offline'), 'offline');
  });
  device.on('tokenWillExpire', async () => {
    try {
      device.updateToken(await fetchToken());
    } catch (_err) {
      show(t('browser_phone.offline'), 'offline');
    }
  });
  device.on('incoming', (incoming) => {
    follow(incoming);
    if (Date.now() < expectUntil) {
      expectUntil = 0;
      incoming.accept();
    }
  });
  device.register().catch(() => show(t('browser_phone.offline'), 'offline'));
}

if (CONFIG.browser) {
  block.hidden = false;
  on('phone:expect', () => { expectUntil = Date.now() + EXPECT_MS; });
  accept.addEventListener('click', () => { if (call) call.accept(); });
  hangup.addEventListener('click', () => { if (call) call.disconnect(); });
  mute.addEventListener('click', () => { if (call) call.mute(!call.isMuted()); });
  start();
}
