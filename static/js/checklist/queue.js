/*
 * The queue of this page: its journal, the sync panel (how many answers wait, which failed and
 * why, "Send now", "Discard" for a change the server refuses), and sending what waits (in order,
 * when the browser is back online, when the page loads, every 15 s while some wait, or with
 * "Send now"). The server recognises a change it already applied by its token, so sending one
 * twice is harmless. A change leaves the queue exactly when the server has answered it for good:
 * stored (X-Answer-Saved), a conflict shown, or input refused. The login page (a redirect, or a
 * 200 without X-Answer-Saved), a refusal (403 / 404: another session's CSRF token, or no longer
 * on the team) and a server error keep it, with the reason shown.
 */
import { csrfToken, formFor, setState, statusOf } from "./forms.js";
import { Journal } from "./journal.js";
import { MESSAGES, N, QUEUE_KEY } from "./names.js";
import { evidenceFormFor, removePending, showUploadState, upload } from "./photos.js";

let flushing = false;

export const journal = new Journal(QUEUE_KEY, renderBanner);

function problemList(banner, items) {
  let list = banner.querySelector("." + N.queue_problems);
  if (!list) {
    list = document.createElement("ul");
    list.className = N.queue_problems + " list-unstyled mb-0 w-100";
    banner.appendChild(list);
  }
  list.replaceChildren();
  items
    .filter((item) => item.problem)
    .forEach((item) => {
      const li = document.createElement("li");
      li.className = "d-flex flex-wrap align-items-center gap-2";
      const text = document.createElement("span");
      text.className = "me-auto";
      text.textContent = (item.label ? item.label + ": " : "") + (MESSAGES[item.problem] || "");
      li.appendChild(text);
      if (item.problem === "refused") {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-danger";
        discard.setAttribute(N.discard, item.id);
        discard.textContent = MESSAGES.discard;
        li.appendChild(discard);
      }
      list.appendChild(li);
    });
}

export function renderBanner(items) {
  const banner = document.getElementById(N.queue_banner);
  if (!banner) {
    return;
  }
  const count = journal.countAnswers(items);
  banner.hidden = count === 0;
  banner.setAttribute(N.queue_count, String(count));
  const text = count === 1 ? MESSAGES.queueOne : (MESSAGES.queueMany || "").replace("__count__", count);
  banner.querySelector("." + N.queue_text).textContent =
    flushing && navigator.onLine ? MESSAGES.queueSending + " " + text : text;
  problemList(banner, items);
}

/** The person gives up a change the server refuses (only those offer it). */
export function discard(token) {
  const item = journal.load().find((one) => one.id === token);
  journal.forget(token);
  removePending(token);
  if (item && item.kind !== "evidence") {
    setState(formFor(item.url), "idle");
  }
}

/** An upload's answer: the criterion's list of files as stored now (or why the file was refused). */
function applyEvidence(item, html) {
  removePending(item.id);
  const form = evidenceFormFor(item.url);
  const target = form && form.previousElementSibling;
  if (target && target.classList.contains("evidence")) {
    htmx.swap(target, html, { swapStyle: "outerHTML" });
  }
}

function apply(item, status, html) {
  if (item.kind === "evidence") {
    applyEvidence(item, html);
    return;
  }
  const form = formFor(item.url);
  const target = statusOf(form);
  if (target) {
    // The status, and for a saved answer the totals and the unanswered criteria out of band.
    htmx.swap(target, html, { swapStyle: "outerHTML" });
  }
  if (journal.load().some((other) => other.url === item.url)) {
    setState(form, "waiting");
  }
}

/** Send one change: {status, text, saved (X-Answer-Saved), loggedOut}; throws offline. */
async function send(item) {
  if (item.kind === "evidence") {
    const answer = await upload(item, csrfToken());
    return { ...answer, saved: answer.status === 200 ? "evidence" : null };
  }
  const response = await fetch(item.url, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual",
    headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    body: new URLSearchParams(item.fields),
  });
  const saved = response.headers.get(N.saved_header);
  return {
    status: response.status,
    text: await response.text(),
    saved: saved,
    loggedOut: response.type === "opaqueredirect" || (response.status === 200 && !saved),
  };
}

/** The row (or the file's entry) shows where its change stands. */
function show(item, state) {
  if (item.kind === "evidence") {
    showUploadState(item.id, MESSAGES[state] || "");
  } else {
    setState(formFor(item.url), state);
  }
}

/**
 * Send what waits, oldest first, until the queue is empty or the connection fails. A change the
 * server refused waits for "Send now" (``retryRefused``) or "Discard"; the others go on.
 */
export async function flush(retryRefused = false) {
  if (flushing || !navigator.onLine) {
    return;
  }
  flushing = true;
  renderBanner(journal.load());
  const skipped = new Set();
  try {
    for (;;) {
      const item = journal
        .waiting()
        .find((one) => !skipped.has(one.id) && (retryRefused || one.problem !== "refused"));
      if (!item) {
        break;
      }
      show(item, "saving");
      let answer;
      try {
        answer = await send(item);
      } catch (error) {
        show(item, "waiting");
        break;
      }
      if (answer.loggedOut) {
        journal.release(item.id, "login");
        show(item, "login");
        break;
      }
      if (answer.status >= 500 || answer.status === 408 || answer.status === 429 || answer.status === 0) {
        journal.release(item.id, "failed");
        show(item, "failed");
        break;
      }
      if (answer.status === 403 || answer.status === 404) {
        journal.release(item.id, "refused");
        show(item, "refused");
        skipped.add(item.id);
        continue;
      }
      if (answer.saved) {
        journal.confirm(item.id, answer.saved);
      } else {
        journal.forget(item.id); // a conflict shown (to choose), or refused input shown
      }
      apply(item, answer.status, answer.text);
    }
  } finally {
    flushing = false;
    renderBanner(journal.load());
  }
}
