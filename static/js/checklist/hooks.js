/*
 * The htmx side of the autosave: before a request leaves, its change is written to the journal;
 * it is removed exactly when the server has answered it for good: 200 with X-Answer-Saved
 * (stored), 409 (conflict shown), 422 (refused input). The login page, 403 / 404 and server
 * errors keep it, with the reason, for the queue. While
 * offline, or while earlier changes still wait, a change is not sent but kept, and the queue
 * sends it in order. Chosen photos and files are shrunk and queued too (photos.js).
 *
 * htmx 2 fires beforeSwap and afterSwap on the swap's target (the row's status), not on the
 * form that sent the request: the form is found through the request's configuration.
 */
import { autosaveForm, csrfToken, labelOf, newToken, setState, snapshot } from "./forms.js";
import { N, attr } from "./names.js";
import { queueFiles } from "./photos.js";
import { flush, journal } from "./queue.js";

function evidenceForm(elt) {
  return elt && elt.matches && elt.matches("form" + attr(N.evidence)) ? elt : null;
}

function keep(form, state) {
  const pending = form._pending;
  form._pending = null;
  if (pending) {
    journal.release(pending.token, state === "waiting" ? "" : state);
    setState(form, state);
  }
}

/** Changes that hold back a new one (a refused change waits aside for "Send now" or "Discard"). */
function queued() {
  return journal.waiting().filter((item) => item.problem !== "refused");
}

function onConfigRequest(event) {
  // The cookie's token: a page kept offline still carries the token of an ended session.
  event.detail.headers["X-CSRFToken"] = csrfToken();
  const form = autosaveForm(event.detail.elt);
  if (!form) {
    return;
  }
  const token = newToken();
  event.detail.parameters.token = token;
  form._pending = { token: token, fields: snapshot(form, token) };
}

function onBeforeRequest(event) {
  const form = autosaveForm(event.detail.elt);
  if (form && form._pending) {
    const pending = form._pending;
    const url = form.getAttribute("hx-post");
    if (!navigator.onLine || queued().length) {
      // Keep the order: nothing overtakes a change that is still waiting.
      event.preventDefault();
      form._pending = null;
      journal.remember(url, pending.token, pending.fields, false, labelOf(form));
      setState(form, "waiting");
      flush();
      return;
    }
    journal.remember(url, pending.token, pending.fields, true, labelOf(form));
    setState(form, "saving");
  }
  const evidence = evidenceForm(event.detail.elt);
  if (evidence) {
    // Photos are shrunk and kept on the device first; the queue uploads them (photos.js).
    event.preventDefault();
    queueFiles(evidence, journal).then(() => flush());
  }
}

/** The form whose request an htmx event is about (the event's own element may be the target). */
function requestForm(event) {
  const config = event.detail.requestConfig;
  return autosaveForm((config && config.elt) || event.detail.elt);
}

function onBeforeSwap(event) {
  const xhr = event.detail.xhr;
  if (xhr.status === 409 || xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
  const form = requestForm(event);
  if (!form) {
    return;
  }
  const pending = form._pending;
  const saved = xhr.getResponseHeader(N.saved_header);
  if (xhr.status === 200 && !saved) {
    // The session ended and the login page came back: nothing was saved.
    event.detail.shouldSwap = false;
    keep(form, "login");
    return;
  }
  if (xhr.status >= 500 || xhr.status === 0) {
    event.detail.shouldSwap = false;
    keep(form, "failed");
    return;
  }
  if (xhr.status === 403 || xhr.status === 404) {
    // Kept, with the reason, until "Send now" succeeds or the person discards it.
    event.detail.shouldSwap = false;
    keep(form, "refused");
    return;
  }
  form._pending = null;
  if (pending) {
    if (xhr.status === 200) {
      journal.confirm(pending.token, saved);
    } else {
      journal.forget(pending.token);
    }
  }
}

function onLost(event) {
  const form = requestForm(event);
  if (form) {
    keep(form, "waiting");
  }
}

export function installHooks(body) {
  body.addEventListener("htmx:configRequest", onConfigRequest);
  body.addEventListener("htmx:beforeRequest", onBeforeRequest);
  body.addEventListener("htmx:beforeSwap", onBeforeSwap);
  ["htmx:sendError", "htmx:timeout", "htmx:sendAbort"].forEach((name) => body.addEventListener(name, onLost));
}
