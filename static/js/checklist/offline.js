/*
 * "Take this visit with me": the checklist page, the static files it loaded and the answers as
 * they are now are kept on the device (the Cache API), and a service worker (/sw.js, rendered by
 * inspections/checklist/offline.py from templates/inspections/checklist_sw.js) answers a reload
 * or a fresh tab from that copy when there is no connection. The journal (IndexedDB) then puts
 * back what was changed since and sends it when the connection returns. See
 * docs/decisions/0009-offline-checklist.md.
 */
import { MESSAGES, N, attr } from "./names.js";
import { lazyScripts } from "./lazy.js";

const META_PREFIX = "kiemtra:offline:";

function button() {
  return document.querySelector(attr(N.take_offline));
}

function meta() {
  try {
    return JSON.parse(localStorage.getItem(META_PREFIX + location.pathname) || "null");
  } catch (error) {
    return null;
  }
}

function showStatus(text) {
  const status = document.getElementById(N.offline_status);
  if (status) {
    status.textContent = text;
    status.hidden = !text;
  }
}

function when(at) {
  return new Date(at).toLocaleString("vi-VN", {
    hour: "2-digit",
    minute: "2-digit",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });
}

function showKept(kept) {
  showStatus(MESSAGES.offlineSaved.replace("__when__", when(kept.at)).replace("__count__", kept.count));
}

/** The static files this page loaded (stylesheets, scripts and their modules, fonts, images). */
function assets(prefix) {
  const urls = performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith(prefix))
    .map((url) => url.pathname + url.search);
  return Array.from(new Set(urls));
}

async function register(control) {
  await navigator.serviceWorker.register(control.getAttribute(N.take_offline), { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function takeOffline(control) {
  if (!("serviceWorker" in navigator) || !window.caches) {
    showStatus(MESSAGES.offlineUnsupported);
    return;
  }
  showStatus(MESSAGES.offlineSaving);
  control.disabled = true;
  try {
    await register(control);
    const cache = await caches.open(control.getAttribute("data-cache"));
    // What the page loaded, and what it loads only when first needed (the menu's script).
    const files = Array.from(new Set(assets(control.getAttribute("data-static")).concat(lazyScripts())));
    // A fresh copy of the page: the answers as the server holds them now.
    const page = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
    if (!page.ok || page.redirected) {
      throw new Error("page " + page.status);
    }
    await cache.put(location.pathname, page);
    await Promise.all(files.map((url) => cache.match(url).then((hit) => hit || cache.add(url))));
    const kept = { at: Date.now(), count: files.length };
    localStorage.setItem(META_PREFIX + location.pathname, JSON.stringify(kept));
    showKept(kept);
  } catch (error) {
    showStatus(MESSAGES.offlineFailed);
  } finally {
    control.disabled = false;
  }
}

export function installOffline() {
  const control = button();
  const kept = meta();
  if (kept) {
    if (navigator.onLine && navigator.serviceWorker && navigator.serviceWorker.controller) {
      // Opened online: the service worker has just refreshed the kept copy of the page.
      kept.at = Date.now();
      localStorage.setItem(META_PREFIX + location.pathname, JSON.stringify(kept));
    }
    showKept(kept);
  }
  if (control) {
    control.addEventListener("click", () => takeOffline(control));
  }
}
