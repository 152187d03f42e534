/*
 * The answer forms on the page: what a change holds, putting a kept change back, a row's state.
 */
import { CSRF_COOKIE, MESSAGES, N, attr, autosaveForms } from "./names.js";

/** The CSRF token: the cookie's (fresh after logging in again, even on a page kept offline), else the page's. */
export function csrfToken() {
  const name = CSRF_COOKIE + "=";
  const cookie = document.cookie.split("; ").find((part) => part.startsWith(name));
  if (cookie) {
    return decodeURIComponent(cookie.slice(name.length));
  }
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return "";
  }
}

export function newToken() {
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

/** ``elt`` if it is an answer's autosave form. */
export function autosaveForm(elt) {
  return elt && elt.matches && elt.matches(autosaveForms()) ? elt : null;
}

/** The form that posts to ``url`` (a kept change's answer). */
export function formFor(url) {
  return document.querySelector(autosaveForms() + attr("hx-post", url));
}

export function statusOf(form) {
  return form ? form.querySelector("." + N.status) : null;
}

/** The change a form holds now, with its token: [[name, value]...] (files left out). */
export function snapshot(form, token) {
  const fields = [];
  new FormData(form).forEach((value, name) => {
    if (typeof value === "string" && name !== "token") {
      fields.push([name, value]);
    }
  });
  fields.push(["token", token]);
  return fields;
}

/** The version of the row a form's next change starts from. */
export function versionOf(form) {
  const input = form && form.querySelector("input[name=version]");
  return input ? input.value : "";
}

/** Show the state of the browser (saving, waiting, failed, refused, login) on a row. */
export function setState(form, state) {
  const status = statusOf(form);
  if (status) {
    status.setAttribute(N.state, state);
    const note = status.querySelector("." + N.note);
    if (note) {
      note.textContent = MESSAGES[state] || "";
    }
  }
}

/** Put a kept change back into its form (a reload shows what was typed). */
export function restore(form, fields) {
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

export function asNumber(text) {
  const value = parseFloat(
    String(text || "")
      .trim()
      .replace(",", "."),
  );
  return Number.isNaN(value) ? null : value;
}

/** The quick score equal to what the score field holds looks pressed. */
export function markQuickScores(form) {
  form.querySelectorAll("." + N.quick).forEach((group) => {
    const first = group.querySelector(attr(N.score));
    const name = (first && first.getAttribute(N.score_field)) || "score";
    const field = form.querySelector("input[name=" + name + "]");
    const current = field ? asNumber(field.value) : null;
    group.querySelectorAll(attr(N.score)).forEach((button) => {
      const pressed = current !== null && asNumber(button.getAttribute(N.score)) === current;
      button.classList.toggle("active", pressed);
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
  });
}

/** "1.2": the code of the criterion a form answers, to name a change in the sync panel. */
export function labelOf(form) {
  const article = form && form.closest("article");
  const code = article && article.querySelector(".criterion-code");
  return code ? code.textContent.trim() : "";
}
