/* Kiosk service worker (scope /kiosk/): the page, its scripts, styles, the mall plan and the zone's content
   keep working offline. Pages and data: network first (3 s at most), cache fallback. Scripts and styles: cache first,
   refreshed in the background. Live data (Socket.IO, checkout, assist, POSTs) is never cached.
   GET /kiosk/sw.js (server/pages/sw.py) puts two constants in front of this file, made from the files themselves:
   ASSETS, every file under kiosk_static/kiosk and kiosk_static/common plus the vendor modules they import, and
   STATIC, a cache name carrying their content hash, so any change to a file installs a fresh cache. */
/* global ASSETS, STATIC */
const PAGES = "kiosk-pages-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== STATIC && k !== PAGES).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/* Network first, but a server that hangs (process stopped, socket open) must not leave a blank kiosk: after
   NETWORK_TIMEOUT_MS the cached copy answers. Nothing cached: a page gets the friendly offline page (it retries by
   itself), data gets a 503 JSON error. */
const NETWORK_TIMEOUT_MS = 3000;
const OFFLINE_PAGE = "/static/kiosk/offline.html";
function fromCache(req) {
  return caches.match(req, { ignoreVary: true }).then((hit) => hit || caches.match(new URL(req.url).pathname));
}
function nothingCached(req) {
  if (req.mode === "navigate") {
    return caches.match(OFFLINE_PAGE).then((page) => (page ? new Response(page.body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } })
      : new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } })));
  }
  return new Response(JSON.stringify({ error: "offline", detail: "no network and nothing cached", field: null }),
    { status: 503, headers: { "Content-Type": "application/json" } });
}
function networkFirst(req) {
  const network = fetch(req).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(PAGES).then((c) => c.put(req, copy)); }
    return res;
  });
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS, null));
  return Promise.race([network.catch(() => null), late]).then((res) => res || fromCache(req).then((hit) => hit || nothingCached(req)));
}
const REVALIDATE_MS = 10 * 60 * 1000; // refresh a cached script or style at most every 10 minutes
function cacheFirst(req) {
  return caches.match(req).then((hit) => {
    if (hit && Date.now() - Date.parse(hit.headers.get("date") || "") < REVALIDATE_MS) return hit;
    const fresh = fetch(req).then((res) => {
      if (res.ok) { const copy = res.clone(); caches.open(STATIC).then((c) => c.put(req, copy)); }
      return res;
    });
    if (hit) { fresh.catch(() => null); return hit; }
    return fresh;
  });
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const p = url.pathname;
  if (p.startsWith("/socket.io/") || p === "/api/v1/kiosk/checkout" || p.startsWith("/api/v1/assist")) return;
  if (p.startsWith("/static/") || p.startsWith("/vendor/")) { event.respondWith(cacheFirst(req)); return; }
  if (p.startsWith("/kiosk/") || p === "/api/v1/mall" || p.startsWith("/api/v1/kiosk/content/")) { event.respondWith(networkFirst(req)); }
});
