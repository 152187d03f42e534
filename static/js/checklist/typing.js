/*
 * What a person does on the page: typing saves after a pause, a change saves at once, a quick
 * score fills the score, a conflict's "overwrite" resends from the row's version, "Send now"
 * sends what waits, and leaving the page saves what is being typed.
 */
import { markQuickScores } from "./forms.js";
import { N, attr, autosaveForms } from "./names.js";
import { discard, flush } from "./queue.js";

const TYPING_PAUSE_MS = 1000;
const timers = new WeakMap();

function autosaveNow(form) {
  clearTimeout(timers.get(form));
  timers.delete(form);
  htmx.trigger(form, N.autosave_event);
}

function onInput(event) {
  const form = event.target.closest && event.target.closest(autosaveForms());
  if (!form || !event.target.matches("textarea, input[type=text]")) {
    return;
  }
  markQuickScores(form);
  clearTimeout(timers.get(form));
  timers.set(
    form,
    setTimeout(() => autosaveNow(form), TYPING_PAUSE_MS),
  );
}

// A change (leaving a field, a radio, a checkbox) saves at once through hx-trigger="change";
// a pending typing-pause save of the same form is then redundant.
function onChange(event) {
  const form = event.target.closest && event.target.closest(autosaveForms());
  if (form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
  }
}

function onClick(event) {
  const quick = event.target.closest(attr(N.score));
  if (quick) {
    const form = quick.closest(autosaveForms());
    const input = form.querySelector("input[name=" + (quick.getAttribute(N.score_field) || "score") + "]");
    const na = form.querySelector("input[name=not_applicable]");
    input.value = quick.getAttribute(N.score);
    if (na) {
      na.checked = false;
    }
    markQuickScores(form);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  const overwrite = event.target.closest(attr(N.overwrite));
  if (overwrite) {
    const form = overwrite.closest(autosaveForms());
    form.querySelector("input[name=version]").value = overwrite.getAttribute(N.overwrite);
    autosaveNow(form);
    return;
  }
  const discarded = event.target.closest(attr(N.discard));
  if (discarded) {
    discard(discarded.getAttribute(N.discard));
  }
  if (event.target.closest(attr(N.flush))) {
    flush(true);
  }
}

// Leaving the page (or switching to another app on a phone) saves what is being typed now.
function onVisibility() {
  if (document.visibilityState === "hidden") {
    document.querySelectorAll(autosaveForms()).forEach((form) => {
      if (timers.has(form)) {
        autosaveNow(form);
      }
    });
  }
}

export function installTyping() {
  document.addEventListener("input", onInput);
  document.addEventListener("change", onChange, true);
  document.addEventListener("click", onClick);
  document.addEventListener("visibilitychange", onVisibility);
}
