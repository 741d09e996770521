/* Shared live connection: Socket.IO with reconnect backoff (1 s → 30 s); resubscribes on every connect,
   and the server answers each subscribe with a snapshot, so a reconnect always resynchronises. */
"use strict";
window.Live = (function () {
  function connect(onConnect, statusEl) {
    const socket = io({ transports: ["websocket", "polling"], reconnectionDelay: 1000, reconnectionDelayMax: 30000 });
    const set = (cls, text) => { if (statusEl) { statusEl.className = "conn " + cls; statusEl.textContent = text; } };
    socket.on("connect", () => { set("online", "● live"); onConnect(socket); });
    socket.on("disconnect", () => set("offline", "● offline"));
    socket.io.on("reconnect_attempt", () => set("offline", "● reconnecting"));
    return socket;
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const LEVEL_TEXT = { quiet: "空闲 Quiet", moderate: "适中 Moderate", busy: "繁忙 Busy", full: "已满 Full" };
  return { connect, el, LEVEL_TEXT };
})();
