/*
 * Espace Citoyen — the console's event bus: the one way its modules tell each other what happened.
 *
 * Every event the modules exchange is listed here (and in the README, "Console front end: modules and
 * events"); `on` and `emit` refuse any other name. A handler receives the payload, then the event.
 * These are events inside the page; the Socket.IO events with the server are another contract.
 *
 *   event                 payload                     emitted by          when
 *   queue:changed         {}                          connection.js       the queue state changed (snapshot,
 *                                                                         item added/updated/removed, a caller's
 *                                                                         position): views read it again
 *   queue:arrived         item                        connection.js       a new item entered the queue
 *   queue:item-updated    item                        connection.js       the server updated an item (a call
 *                                                                         answered, hung up, called back...)
 *   agents:changed        [agent]                     connection.js       the team's presence list changed
 *   item:claim            {item, button}  cancelable  queue-list.js       the ambassador takes a waiting item; a
 *                                                                         channel calling preventDefault() takes
 *                                                                         it its own way (the counter calls the
 *                                                                         ticket to a desk) instead of a claim
 *   item:open             {id}                        queue-list.js       open an item claimed by me in the panel
 *   item:show             {item}                      channels/counter/  a channel claimed an item on the
 *                                                                         server: apply it, then open it
 *   item:opening          {id}                        panel.js            the panel starts loading an item
 *   item:opened           detail                      panel.js            the panel shows an item: detail is
 *                                                                         GET /console/api/items/<id>; sections
 *                                                                         and channel panels fill themselves
 *   item:closed           {id}                        panel.js            the panel closed (done, lost, released):
 *                                                                         stop what was running for that item
 *   item:close-request    {task}                      channels/counter/  a channel ends the open item itself;
 *                                                                         task() resolves to the message to show,
 *                                                                         or null when it failed
 *   phone:expect          {}                          channels/phone/    a call the ambassador asked for is
 *                                                                         coming: the browser phone picks it up
 *   messages:alert-closed {}                          messages.js         the error message was dismissed: the
 *                                                                         focus goes back to the work area
 */

const EVENTS = new Set([
  'queue:changed', 'queue:arrived', 'queue:item-updated', 'agents:changed',
  'item:claim', 'item:open', 'item:show', 'item:opening', 'item:opened', 'item:closed', 'item:close-request',
  'phone:expect', 'messages:alert-closed',
]);

const target = new EventTarget();

function known(name) {
  if (!EVENTS.has(name)) throw new Error('Unknown console event: ' + name + ' (list it in bus.js)');
}

export function on(name, handler) {
  known(name);
  target.addEventListener(name, (event) => handler(event.detail, event));
}

// Returns false when the event was cancelable and a handler called event.preventDefault().
export function emit(name, payload, { cancelable = false } = {}) {
  known(name);
  return target.dispatchEvent(new CustomEvent(name, { detail: payload, cancelable }));
}
