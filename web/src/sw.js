// The service worker: caches the app shell and the WebAssembly engine at install, so that the
// client opens and runs studies without a network. `self.__PRECACHE` and `self.__VERSION` are
// written in front of this file at build time (vite.config.ts). API calls are never cached.
const CACHE = `ampflux-${self.__VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(self.__PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ampflux-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

const API = /^\/(api|health|metrics|docs|openapi\.json)(\/|$)/;

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || API.test(url.pathname)) return;
  if (req.mode === "navigate") {
    // the newest page when online, the cached shell when not
    event.respondWith(fetch(req).catch(() => caches.match("./index.html", { ignoreSearch: true }).then((r) => r ?? caches.match("./"))));
    return;
  }
  event.respondWith(caches.match(req).then((hit) => hit ?? fetch(req)));
});
