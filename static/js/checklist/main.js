/*
 * The checklist filled on site (the team's and the unit's self-assessment): autosave of each
 * answer with htmx, and a journal in IndexedDB so that nothing typed is lost on a weak
 * connection or offline; "take this visit with me" keeps the page on the device (offline.js). Loaded as an ES module (no build step); no inline script and no eval (the Content
 * Security Policy forbids both). Names and texts come from the page's JSON (names.js).
 *
 *   names.js    the shared names and messages     journal.js  the IndexedDB journal
 *   forms.js    the answer forms and their state  queue.js    the banner, sending what waits
 *   hooks.js    htmx events                       typing.js   typing, quick scores, buttons
 *   offline.js  the service worker and the copy of the page kept on the device
 *   photos.js   photos shrunk on the device, their thumbnails and uploads
 *   thumbs.js   "next unanswered", the sticky bar's height for scroll-padding
 *   lazy.js     scripts loaded at their first use (Bootstrap's, for the menu)
 */
import { autosaveForms, MESSAGES, N, ready } from "./names.js";
import { formFor, markQuickScores, restore, setState } from "./forms.js";
import { installHooks } from "./hooks.js";
import { flush, journal } from "./queue.js";
import { installTyping } from "./typing.js";
import { installOffline } from "./offline.js";
import { showPending } from "./photos.js";
import { installThumbs } from "./thumbs.js";
import { installLazy } from "./lazy.js";

const RETRY_MS = 15000;

function renderConnection() {
  const banner = document.getElementById(N.offline_banner);
  if (banner) {
    banner.hidden = navigator.onLine;
    banner.textContent = navigator.onLine ? "" : MESSAGES.queueOffline;
  }
}

async function start() {
  installLazy();
  // The hooks first: a change made while the journal is being read is kept too (open() merges).
  installHooks(document.body);
  await journal.open();
  installTyping();
  window.addEventListener("online", () => {
    renderConnection();
    flush();
  });
  window.addEventListener("offline", renderConnection);
  setInterval(() => {
    if (journal.waiting().length) {
      flush();
    }
  }, RETRY_MS);

  // On load: put waiting changes back into their forms, then send them.
  journal.releaseAll().forEach((item) => {
    if (item.kind === "evidence") {
      showPending(item);
      return;
    }
    const form = formFor(item.url);
    if (form) {
      restore(form, item.fields);
      setState(form, "waiting");
    }
  });
  document.querySelectorAll(autosaveForms()).forEach(markQuickScores);
  // Content the server swaps in (a row after “keep theirs”) gets its pressed quick score too.
  htmx.onLoad((element) => {
    if (element.querySelectorAll) {
      element.querySelectorAll(autosaveForms()).forEach(markQuickScores);
    }
  });
  renderConnection();
  installOffline();
  installThumbs();
  flush();
}

if (ready && window.htmx) {
  start();
}
