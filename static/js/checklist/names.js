/*
 * The names the markup and the script share, and the script's translated messages: read from
 * the JSON the page embeds (inspections/checklist/names.py, json_script "checklist-config"),
 * never written here a second time.
 */
const element = document.getElementById("checklist-config");
const config = element ? JSON.parse(element.textContent) : null;

export const ready = config !== null;
/** Class names, attribute names and ids (names.N on the server). */
export const N = ready ? config.names : {};
/** Every text the script shows, translated by the server. */
export const MESSAGES = ready ? config.messages : {};
/** The IndexedDB key of this page's queue (per visit and user). */
export const QUEUE_KEY = ready ? "kiemtra:queue:" + config.queueKey : "";

/** The name of the CSRF cookie (settings.CSRF_COOKIE_NAME). */
export const CSRF_COOKIE = ready ? config.csrfCookie : "csrftoken";

/** A CSS selector for elements carrying attribute ``name`` (optionally equal to ``value``). */
export function attr(name, value) {
  return value === undefined ? "[" + name + "]" : "[" + name + '="' + value + '"]';
}

/** The selector of every autosave form. */
export function autosaveForms() {
  return "form" + attr(N.autosave);
}
