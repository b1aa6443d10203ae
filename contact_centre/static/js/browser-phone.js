/* Espace Citoyen — the ambassador's telephone in the browser (Twilio Voice SDK).
 *
 * Used when the ambassador has no desk phone: the console registers a Twilio Device with a
 * short-lived token from the app, and the calls the app bridges to "client:ambassadeur-…"
 * ring here. A call the ambassador has just asked for (Décrocher, Rappeler) is picked up at
 * once; any other rings until accepted. Sounds are served by the app, never by Twilio's CDN.
 */
(function () {
  'use strict';

  const { $, config } = window.ConsoleKit;
  const CONFIG = config.phone || {};
  const T = Object.assign({
    phoneConnecting: 'Téléphone du navigateur : connexion…',
    phoneReady: 'Téléphone du navigateur : prêt',
    phoneOffline: 'Téléphone du navigateur : hors ligne, nouvel essai en cours',
    phoneUnsupported: 'Téléphone du navigateur : ce navigateur ne permet pas les appels',
    phoneRinging: 'Appel entrant sur le navigateur',
    phoneInCall: 'En communication',
    phoneMuted: 'En communication, micro coupé',
    phoneMute: 'Couper le micro',
    phoneUnmute: 'Rétablir le micro',
    phoneLeave: 'Un appel est en cours : quitter la page y mettra fin.',
  }, window.ConsoleKit.T);

  const block = $('browser-phone');
  if (!CONFIG.browser || !block) return;
  block.hidden = false;
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
      mute.textContent = call.isMuted() ? T.phoneUnmute : T.phoneMute;
      mute.setAttribute('aria-pressed', call.isMuted() ? 'true' : 'false');
      show(call.isMuted() ? T.phoneMuted : T.phoneInCall, 'in-call');
    } else if (call) {
      show(T.phoneRinging, 'ringing');
    } else if (device && device.state === 'registered') {
      show(T.phoneReady, 'ready');
    }
  }

  async function fetchToken() {
    const response = await fetch(CONFIG.tokenUrl, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
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
      show(T.phoneUnsupported, 'unsupported');
      return;
    }
    show(T.phoneConnecting, 'connecting');
    let token;
    try {
      token = await fetchToken();
    } catch (_err) {
      show(T.phoneOffline, 'offline');
      return;
    }
    device = new Device(token, {
      sounds: CONFIG.sounds || {},
      closeProtection: T.phoneLeave,
      codecPreferences: ['opus', 'pcmu'],
      logLevel: 'warn',
    });
    device.on('registered', showCall);
    device.on('unregistered', () => show(T.phoneOffline, 'offline'));
    device.on('error', () => {
      if (!call) show(T.phoneOffline, 'offline');
    });
    device.on('tokenWillExpire', async () => {
      try {
        device.updateToken(await fetchToken());
      } catch (_err) {
        show(T.phoneOffline, 'offline');
      }
    });
    device.on('incoming', (incoming) => {
      follow(incoming);
      if (Date.now() < expectUntil) {
        expectUntil = 0;
        incoming.accept();
      }
    });
    device.register().catch(() => show(T.phoneOffline, 'offline'));
  }

  // console.js announces the calls the ambassador asks for: Décrocher, Rappeler.
  document.addEventListener('phone:expect', () => { expectUntil = Date.now() + 60 * 1000; });
  accept.addEventListener('click', () => { if (call) call.accept(); });
  hangup.addEventListener('click', () => { if (call) call.disconnect(); });
  mute.addEventListener('click', () => { if (call) call.mute(!call.isMuted()); });

  start();
})();
