/*
 * Espace Citoyen — the ambassadors' console: the live queue (Socket.IO namespace /console) on the
 * left, the open item's panel on the right. The entry point: it loads the modules, each of which
 * wires its own part of the page and talks to the others through bus.js.
 * Strict CSP: no inline script or style, no innerHTML of server data (textContent everywhere).
 * The order matters only for handlers of one event: the queue, then the panel, then its sections.
 */
import './connection.js';
import './presence.js';
import './queue-list.js';
import './panel.js';
import './citizen.js';
import './catalogue.js';
import './actions.js';
