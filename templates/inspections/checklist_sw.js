/*
 * The service worker of the checklist kept on the device ("Mang theo để làm ngoại tuyến").
 * Served at /sw.js (scope "/") by inspections/checklist/offline.py; the page fills the cache
 * (static/js/checklist/offline.js). Hand-written, no Workbox: see
 * docs/decisions/0009-offline-checklist.md.
 *
 *   a page kept on the device   network first (the kept copy is refreshed), the copy offline
 *   a static file kept           the copy at once, refreshed in the background
 *   anything else                not touched: the network, as without a service worker
 */
const CACHE = "{{ cache }}";
const STATIC = "{{ static_url }}";
const MATCH = { ignoreSearch: false, ignoreVary: true };

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function page(request) {
  const cache = await caches.open(CACHE);
  const path = new URL(request.url).pathname;
  const kept = await cache.match(path, MATCH);
  try {
    const response = await fetch(request);
    if (kept && response.ok && !response.redirected) {
      await cache.put(path, response.clone());
    }
    return response;
  } catch (error) {
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function asset(request, event) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, MATCH);
  if (!kept) {
    return fetch(request);
  }
  event.waitUntil(
    fetch(request)
      .then((response) => (response.ok ? cache.put(request, response) : null))
      .catch(() => null),
  );
  return kept;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(asset(request, event));
  }
});
