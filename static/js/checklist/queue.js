/*
 * The queue of this page: its journal, the banner counting what waits, and sending what waits
 * (in order, when the browser is back online, when the page loads, every 15 s while some wait,
 * or with "Send now"). The server recognises a change it already applied by its token, so
 * sending one twice is harmless.
 */
import { csrfToken, formFor, setState, statusOf } from "./forms.js";
import { Journal } from "./journal.js";
import { MESSAGES, N, QUEUE_KEY } from "./names.js";

let flushing = false;

export const journal = new Journal(QUEUE_KEY, renderBanner);

export function renderBanner(items) {
  const banner = document.getElementById(N.queue_banner);
  if (!banner) {
    return;
  }
  const count = journal.countAnswers(items);
  banner.hidden = count === 0;
  const text = count === 1 ? MESSAGES.queueOne : (MESSAGES.queueMany || "").replace("__count__", count);
  banner.querySelector("." + N.queue_text).textContent =
    flushing && navigator.onLine ? MESSAGES.queueSending + " " + text : text;
}

function apply(item, status, html) {
  const form = formFor(item.url);
  if (status === 403 || status === 404) {
    setState(form, "refused");
    return;
  }
  const target = statusOf(form);
  if (target) {
    // The status, and for a saved answer the totals and the unanswered criteria out of band.
    htmx.swap(target, html, { swapStyle: "outerHTML" });
  }
  if (journal.load().some((other) => other.url === item.url)) {
    setState(form, "waiting");
  }
}

/** Send what waits, oldest first, until the queue is empty or the connection fails. */
export async function flush() {
  if (flushing || !navigator.onLine) {
    return;
  }
  flushing = true;
  renderBanner(journal.load());
  try {
    for (;;) {
      const item = journal.waiting()[0];
      if (!item) {
        break;
      }
      const form = formFor(item.url);
      setState(form, "saving");
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
          body: new URLSearchParams(item.fields),
        });
      } catch (error) {
        setState(form, "waiting");
        break;
      }
      const loggedOut =
        response.type === "opaqueredirect" || (response.status === 200 && !response.headers.get(N.saved_header));
      if (loggedOut) {
        setState(form, "login");
        break;
      }
      if (response.status >= 500 || response.status === 408 || response.status === 429 || response.status === 0) {
        setState(form, "failed");
        break;
      }
      const html = await response.text();
      if (response.headers.get(N.saved_header)) {
        journal.confirm(item.id, response.headers.get(N.saved_header));
      } else {
        journal.forget(item.id); // a conflict shown, refused input, no longer allowed
      }
      apply(item, response.status, html);
    }
  } finally {
    flushing = false;
    renderBanner(journal.load());
  }
}
