/*
 * The journal: the changes of answers kept in localStorage until the server has confirmed them,
 * so that nothing typed is lost on a weak connection or when the tab is closed.
 *
 * An item is {id: token, url, fields: [[name, value]...], sending, at}. "sending" marks a change
 * whose request is out; the others wait, in order.
 */
export class Journal {
  constructor(key, onChange) {
    this.key = key;
    this.onChange = onChange || (() => {});
  }

  load() {
    try {
      const items = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  store(items) {
    try {
      if (items.length) {
        localStorage.setItem(this.key, JSON.stringify(items));
      } else {
        localStorage.removeItem(this.key);
      }
    } catch (error) {
      // Storage full or disabled: the change still goes to the server when it can.
    }
    this.onChange(items);
  }

  /** The changes not on their way to the server, oldest first. */
  waiting(items = this.load()) {
    return items.filter((item) => !item.sending);
  }

  /** Keep a change of the answer posted to ``url``. */
  remember(url, token, fields, sending) {
    const items = this.load().filter((item) => item.id !== token);
    const item = { id: token, url: url, fields: fields, sending: sending, at: Date.now() };
    const last = items[items.length - 1];
    if (!sending && last && !last.sending && last.url === item.url) {
      // A newer change of the same answer replaces the one waiting just before it.
      items[items.length - 1] = item;
    } else {
      items.push(item);
    }
    this.store(items);
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

  /** A change whose request got no answer waits again. */
  release(token) {
    const items = this.load();
    items.forEach((item) => {
      if (item.id === token) {
        item.sending = false;
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

  /** How many answers (not changes: two changes of one answer make one) wait. */
  countAnswers(items = this.load()) {
    return new Set(this.waiting(items).map((item) => item.url)).size;
  }
}
