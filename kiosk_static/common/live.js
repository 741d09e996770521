/* Shared live connection: Socket.IO with reconnect backoff (1 s → 30 s); resubscribes on every connect,
   and the server answers each subscribe with a snapshot, so a reconnect always resynchronises. */
import { io } from "/vendor/socket.io.esm.min.js";

const WORDS = { live: "live", offline: "offline", reconnecting: "reconnecting" };

/* `words(state)` gives the pill's text for "live", "offline" and "reconnecting" (the page's language);
   `auth` is sent when the socket connects (an enrolled kiosk's secret). */
export function connect(onConnect, statusEl, words, auth) {
  const say = words || ((k) => WORDS[k]);
  const socket = io({ transports: ["websocket", "polling"], reconnectionDelay: 1000, reconnectionDelayMax: 30000, auth: auth || {} });
  const set = (cls, key) => { if (statusEl) { statusEl.className = "conn " + cls; statusEl.textContent = say(key); } };
  socket.on("connect", () => { set("online", "live"); onConnect(socket); });
  socket.on("disconnect", () => set("offline", "offline"));
  socket.io.on("reconnect_attempt", () => set("offline", "reconnecting"));
  return socket;
}

export function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

