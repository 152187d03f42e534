/*
 * The journal: the changes of answers kept on the device until the server has confirmed them, so
 * that nothing typed is lost on a weak connection, offline, when the tab is closed or the session
 * ends. Kept in IndexedDB (idb-keyval, vendored), which survives a reload, a closed browser and a
 * logout (static/js/session.js never clears it); read once when the page starts (open()), then
 * held in memory so that the htmx hooks can decide synchronously, every change being written
 * through to IndexedDB in order.
 *
 * An item is {id: token, url, fields: [[name, value]...], sending, at, label, problem}; an
 * upload has kind "evidence" and its file (a Blob: IndexedDB keeps it as it is). "sending"
 * marks a change whose request is out; "problem" the reason the last attempt failed (the state
 * names of forms.setState: failed, login, refused); the others wait, in order.
 */
import { createStore, del, get, set } from "../../vendor/idb-keyval/index.js";

let database = null;

function store() {
  if (!database) {
    database = createStore("kiemtra-checklist", "queue");
  }
  return database;
}

function copy(item) {
  return { ...item, fields: item.fields.map((pair) => pair.slice()) };
}

export class Journal {
  constructor(key, onChange) {
    this.key = key;
    this.onChange = onChange || (() => {});
    this.items = [];
    this.writing = Promise.resolve();
  }

  /** Read what the device keeps (and what an older version of the page kept in localStorage). */
  async open() {
    let items = [];
    try {
      const saved = await get(this.key, store());
      items = Array.isArray(saved) ? saved : [];
    } catch (error) {
      items = this.items; // IndexedDB unavailable (private mode): memory only.
    }
    try {
      const legacy = JSON.parse(localStorage.getItem(this.key) || "[]");
      if (Array.isArray(legacy) && legacy.length) {
        const known = new Set(items.map((item) => item.id));
        items = items.concat(legacy.filter((item) => !known.has(item.id)));
      }
      localStorage.removeItem(this.key);
    } catch (error) {
      // No localStorage: nothing to bring over.
    }
    // Changes kept while IndexedDB was being read (a tap right after the page loaded) stay.
    const known = new Set(items.map((item) => item.id));
    items = items.concat(this.items.filter((item) => !known.has(item.id)));
    this.store(items);
    await this.writing;
    return this.load();
  }

  load() {
    return this.items.map(copy);
  }

  store(items) {
    this.items = items.map(copy);
    const snapshot = this.load();
    this.writing = this.writing
      .then(() => (snapshot.length ? set(this.key, snapshot, store()) : del(this.key, store())))
      .catch(() => {
        // Storage full or disabled: the change still goes to the server when it can.
      });
    this.onChange(this.load());
  }

  /** Resolves when every change so far is written to IndexedDB. */
  saved() {
    return this.writing;
  }

  /** The changes not on their way to the server, oldest first. */
  waiting(items = this.load()) {
    return items.filter((item) => !item.sending);
  }

  /** Keep a change of the answer posted to ``url``. */
  remember(url, token, fields, sending, label) {
    const items = this.load().filter((item) => item.id !== token);
    const item = { id: token, url: url, fields: fields, sending: sending, at: Date.now(), label: label || "" };
    const last = items[items.length - 1];
    if (!sending && last && !last.sending && last.url === item.url) {
      // A newer change of the same answer replaces the one waiting just before it.
      items[items.length - 1] = item;
    } else {
      items.push(item);
    }
    this.store(items);
  }

  /** Keep an upload (an item with ``kind: "evidence"`` and its ``file``), after what waits. */
  add(item) {
    this.store(this.load().concat([item]));
  }

  /** Drop a change: the server has answered it for good (conflict shown, input refused). */
  forget(token) {
    this.store(this.load().filter((item) => item.id !== token));
  }

  /**
   * The server stored a change (or already held it) at ``version``: drop it, and let the later
   * changes of the same answer, made on top of it on this device, start from that version. A
   * change that waited longer than someone else's save stays older than it: the server then
   * answers with a conflict instead of overwriting.
   */
  confirm(token, version) {
    const items = this.load();
    const confirmed = items.find((item) => item.id === token);
    const rest = items.filter((item) => item.id !== token);
    if (confirmed && /^[0-9]+$/.test(String(version))) {
      rest.forEach((item) => {
        if (item.url === confirmed.url) {
          item.fields = item.fields.map(([name, value]) => [name, name === "version" ? String(version) : value]);
        }
      });
    }
    this.store(rest);
  }

  /** A change whose request got no answer waits again; ``problem`` says why, if known. */
  release(token, problem) {
    const items = this.load();
    items.forEach((item) => {
      if (item.id === token) {
        item.sending = false;
        item.problem = problem || "";
      }
    });
    this.store(items);
  }

  /** On load: the requests of a previous life of the page never got their answer. */
  releaseAll() {
    const items = this.load();
    items.forEach((item) => {
      item.sending = false;
    });
    this.store(items);
    return items;
  }

  /** How many answers (not changes: two changes of one answer make one) and files wait. */
  countAnswers(items = this.load()) {
    return new Set(this.waiting(items).map((item) => (item.kind === "evidence" ? item.id : item.url))).size;
  }
}
