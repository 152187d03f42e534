/*
 * The checklist filled on site: autosave of each answer with htmx, and a journal in localStorage
 * so that nothing typed is lost on a weak connection.
 *
 * - Every answer form (form[data-autosave]) posts itself on "change" and, for text, after a pause
 *   in typing ("autosave"). Before a request leaves, the change (the form's fields, the row
 *   version it started from and a fresh token) is written to localStorage; it is removed only
 *   when the server has answered 200 (saved), 409 (conflict shown) or 422 (refused input).
 * - While offline, or while earlier changes still wait, a change is not sent but kept; a banner
 *   counts what waits. The waiting changes are sent in order when the browser is back online,
 *   when the page loads, every 15 s while some wait, or with "Send now". The server recognises a
 *   change it already applied by its token, so sending one twice is harmless.
 * - On load, waiting changes are put back into their forms, so a reload shows what was typed.
 * No inline script and no eval (the Content Security Policy forbids both); translated texts
 * come from data attributes of #checklist and from the status fragments the server renders.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-queue-key]");
  if (!root || !window.htmx) {
    return;
  }
  const KEY = "kiemtra:queue:" + root.dataset.queueKey;
  const TYPING_PAUSE_MS = 1000;
  const RETRY_MS = 15000;
  const SAVED_HEADER = "X-Answer-Saved";
  const timers = new WeakMap();
  let flushing = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function newToken() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    // Plain-HTTP pages have no randomUUID; getRandomValues works everywhere.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // --- The journal --------------------------------------------------------------------------

  function load() {
    try {
      const items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  function store(items) {
    try {
      if (items.length) {
        localStorage.setItem(KEY, JSON.stringify(items));
      } else {
        localStorage.removeItem(KEY);
      }
    } catch (error) {
      // Storage full or disabled: the change still goes to the server when it can.
    }
    renderBanner(items);
  }

  function waiting(items) {
    return items.filter((item) => !item.sending);
  }

  function remember(form, token, fields, sending) {
    const items = load().filter((item) => item.id !== token);
    const item = {
      id: token,
      url: form.getAttribute("hx-post"),
      fields: fields,
      sending: sending,
      at: Date.now(),
    };
    const last = items[items.length - 1];
    if (!sending && last && !last.sending && last.url === item.url) {
      // A newer change of the same answer replaces the one waiting just before it.
      items[items.length - 1] = item;
    } else {
      items.push(item);
    }
    store(items);
  }

  function forget(token) {
    store(load().filter((item) => item.id !== token));
  }

  function release(token) {
    const items = load();
    items.forEach((item) => {
      if (item.id === token) {
        item.sending = false;
      }
    });
    store(items);
  }

  function renderBanner(items) {
    const banner = document.getElementById("queue-banner");
    if (!banner) {
      return;
    }
    // Answers, not changes: two changes of one answer make one answer waiting.
    const count = new Set(waiting(items).map((item) => item.url)).size;
    banner.hidden = count === 0;
    const text = count === 1 ? root.dataset.queueOne : (root.dataset.queueMany || "").replace("__count__", count);
    banner.querySelector(".queue-text").textContent = flushing && navigator.onLine ? root.dataset.queueSending + " " + text : text;
  }

  // --- Forms ----------------------------------------------------------------------------------

  function autosaveForm(elt) {
    return elt && elt.matches && elt.matches("form[data-autosave]") ? elt : null;
  }

  function snapshot(form, token) {
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (typeof value === "string" && name !== "token") {
        fields.push([name, value]);
      }
    });
    fields.push(["token", token]);
    return fields;
  }

  const STATE_TEXT = {
    saving: root.dataset.stateSaving,
    waiting: root.dataset.stateWaiting,
    failed: root.dataset.stateFailed,
    refused: root.dataset.stateRefused,
    login: root.dataset.stateLogin,
  };

  function formFor(item) {
    return document.querySelector('form[data-autosave][hx-post="' + item.url + '"]');
  }

  function statusOf(form) {
    return form ? form.querySelector(".answer-status") : null;
  }

  function setState(form, state) {
    const status = statusOf(form);
    if (status) {
      status.dataset.state = state;
      const note = status.querySelector(".status-note");
      if (note) {
        note.textContent = STATE_TEXT[state] || "";
      }
    }
  }

  function restore(form, fields) {
    const values = new Map();
    fields.forEach(([name, value]) => {
      if (!values.has(name)) {
        values.set(name, []);
      }
      values.get(name).push(value);
    });
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.name === "version" || el.type === "file") {
        return;
      }
      const given = values.get(el.name) || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = given.includes(el.value);
      } else if (given.length) {
        el.value = given[0];
      } else if (el.tagName === "TEXTAREA" || el.type === "text") {
        el.value = "";
      }
    });
  }

  function dropMissing(form) {
    const status = statusOf(form);
    if (status && status.dataset.answered === "1") {
      const item = document.getElementById("missing-" + form.dataset.criterion);
      if (item) {
        item.remove();
      }
    }
  }

  // --- Sending what waits -----------------------------------------------------------------------

  function apply(item, status, html) {
    const form = formFor(item);
    if (status === 403 || status === 404) {
      setState(form, "refused");
      return;
    }
    const target = statusOf(form);
    if (target) {
      htmx.swap(target, html, { swapStyle: "outerHTML" });
      dropMissing(form);
    }
    if (load().some((other) => other.url === item.url)) {
      setState(form, "waiting");
    }
  }

  async function flush() {
    if (flushing || !navigator.onLine) {
      return;
    }
    flushing = true;
    renderBanner(load());
    try {
      for (;;) {
        const item = waiting(load())[0];
        if (!item) {
          break;
        }
        const form = formFor(item);
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
        const loggedOut = response.type === "opaqueredirect" || (response.status === 200 && !response.headers.get(SAVED_HEADER));
        if (loggedOut) {
          setState(form, "login");
          break;
        }
        if (response.status >= 500 || response.status === 408 || response.status === 429 || response.status === 0) {
          setState(form, "failed");
          break;
        }
        const html = await response.text();
        forget(item.id);
        apply(item, response.status, html);
      }
    } finally {
      flushing = false;
      renderBanner(load());
    }
  }

  // --- htmx hooks -------------------------------------------------------------------------------

  document.body.addEventListener("htmx:configRequest", (event) => {
    const form = autosaveForm(event.detail.elt);
    if (!form) {
      return;
    }
    const token = newToken();
    event.detail.parameters.token = token;
    form._pending = { token: token, fields: snapshot(form, token) };
  });

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = autosaveForm(event.detail.elt);
    if (form && form._pending) {
      const pending = form._pending;
      if (!navigator.onLine || waiting(load()).length) {
        // Keep the order: nothing overtakes a change that is still waiting.
        event.preventDefault();
        form._pending = null;
        remember(form, pending.token, pending.fields, false);
        setState(form, "waiting");
        flush();
        return;
      }
      remember(form, pending.token, pending.fields, true);
      setState(form, "saving");
    }
    const evidence = event.detail.elt.closest && event.detail.elt.closest("form[data-evidence]");
    if (evidence && evidence === event.detail.elt) {
      if (!navigator.onLine) {
        event.preventDefault();
        uploadNote(evidence, root.dataset.uploadOffline);
        evidence.reset();
        return;
      }
      const bar = evidence.querySelector(".upload-progress");
      bar.value = 0;
      bar.hidden = false;
      uploadNote(evidence, "");
    }
  });

  function keep(form, state) {
    const pending = form._pending;
    form._pending = null;
    if (pending) {
      release(pending.token);
      setState(form, state);
    }
  }

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 409 || xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    const form = autosaveForm(event.detail.elt);
    if (!form) {
      return;
    }
    if (xhr.status === 200 && !xhr.getResponseHeader(SAVED_HEADER)) {
      // The session ended and the login page came back: nothing was saved.
      event.detail.shouldSwap = false;
      keep(form, "login");
    } else if (xhr.status === 403 || xhr.status === 404) {
      event.detail.shouldSwap = false;
      if (form._pending) {
        forget(form._pending.token);
      }
      form._pending = null;
      setState(form, "refused");
    } else if (xhr.status >= 500 || xhr.status === 0) {
      event.detail.shouldSwap = false;
      keep(form, "failed");
    } else if (form._pending) {
      forget(form._pending.token);
      form._pending = null;
    }
  });

  ["htmx:sendError", "htmx:timeout", "htmx:sendAbort"].forEach((name) => {
    document.body.addEventListener(name, (event) => {
      const form = autosaveForm(event.detail.elt);
      if (form) {
        keep(form, "waiting");
      }
      const evidence = event.detail.elt && event.detail.elt.matches && event.detail.elt.matches("form[data-evidence]");
      if (evidence) {
        uploadNote(event.detail.elt, navigator.onLine ? root.dataset.uploadFailed : root.dataset.uploadOffline);
      }
    });
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const form = autosaveForm(event.detail.elt);
    if (form) {
      dropMissing(form);
    }
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("form[data-evidence]")) {
      elt.querySelector(".upload-progress").hidden = true;
      elt.reset();
    }
  });

  document.body.addEventListener("htmx:xhr:progress", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("form[data-evidence]") && event.detail.lengthComputable) {
      elt.querySelector(".upload-progress").value = Math.round((100 * event.detail.loaded) / event.detail.total);
    }
  });

  function uploadNote(form, text) {
    const note = form.querySelector(".upload-note");
    note.textContent = text;
    note.hidden = !text;
  }

  // --- Typing, quick scores, conflicts ------------------------------------------------------------

  function asNumber(text) {
    const value = parseFloat(String(text || "").trim().replace(",", "."));
    return Number.isNaN(value) ? null : value;
  }

  // The quick score equal to what the score field holds looks pressed.
  function markQuickScores(form) {
    form.querySelectorAll(".quick-scores").forEach((group) => {
      const first = group.querySelector("[data-score]");
      const field = form.querySelector("input[name=" + ((first && first.dataset.scoreField) || "score") + "]");
      const current = field ? asNumber(field.value) : null;
      group.querySelectorAll("[data-score]").forEach((button) => {
        const pressed = current !== null && asNumber(button.dataset.score) === current;
        button.classList.toggle("active", pressed);
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
      });
    });
  }

  function autosaveNow(form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
    htmx.trigger(form, "autosave");
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form || !event.target.matches("textarea, input[type=text]")) {
      return;
    }
    markQuickScores(form);
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(() => autosaveNow(form), TYPING_PAUSE_MS));
  });

  // A change (leaving a field, a radio, a checkbox) saves at once through hx-trigger="change";
  // a pending typing-pause save of the same form is then redundant.
  document.addEventListener(
    "change",
    (event) => {
      const form = event.target.closest && event.target.closest("form[data-autosave]");
      if (form) {
        clearTimeout(timers.get(form));
        timers.delete(form);
      }
    },
    true,
  );

  document.addEventListener("click", (event) => {
    const quick = event.target.closest("[data-score]");
    if (quick) {
      const form = quick.closest("form[data-autosave]");
      const input = form.querySelector("input[name=" + (quick.dataset.scoreField || "score") + "]");
      const na = form.querySelector("input[name=not_applicable]");
      input.value = quick.dataset.score;
      if (na) {
        na.checked = false;
      }
      markQuickScores(form);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    const overwrite = event.target.closest("[data-overwrite]");
    if (overwrite) {
      const form = overwrite.closest("form[data-autosave]");
      form.querySelector("input[name=version]").value = overwrite.dataset.overwrite;
      autosaveNow(form);
      return;
    }
    if (event.target.closest("[data-flush]")) {
      flush();
    }
  });

  // Leaving the page (or switching to another app on a phone) saves what is being typed now.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      document.querySelectorAll("form[data-autosave]").forEach((form) => {
        if (timers.has(form)) {
          autosaveNow(form);
        }
      });
    }
  });

  // --- Connection -----------------------------------------------------------------------------

  function renderConnection() {
    const banner = document.getElementById("offline-banner");
    if (banner) {
      banner.hidden = navigator.onLine;
      banner.textContent = navigator.onLine ? "" : root.dataset.queueOffline;
    }
  }

  window.addEventListener("online", () => {
    renderConnection();
    flush();
  });
  window.addEventListener("offline", renderConnection);
  setInterval(() => {
    if (waiting(load()).length) {
      flush();
    }
  }, RETRY_MS);

  // --- On load: put waiting changes back into their forms, then send them -----------------------

  const items = load();
  items.forEach((item) => {
    item.sending = false; // a request of a previous page life: its answer never came
    const form = formFor(item);
    if (form) {
      restore(form, item.fields);
      setState(form, "waiting");
    }
  });
  store(items);
  document.querySelectorAll("form[data-autosave]").forEach(markQuickScores);
  // Content the server swaps in (a row after “keep theirs”) gets its pressed quick score too.
  htmx.onLoad((element) => {
    if (element.querySelectorAll) {
      element.querySelectorAll("form[data-autosave]").forEach(markQuickScores);
    }
  });
  renderConnection();
  flush();
})();
