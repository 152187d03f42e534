/*
 * Session timeout warning (core/sessions.py is the server side).
 *
 * The server ends a session after SESSION_IDLE_MINUTES without a request. A minute before, this
 * script asks the server how long is left (a GET that does not count as activity: the user may
 * have been busy in another tab, or autosaves may have gone through) and, if the end is near,
 * shows the warning with "Tiếp tục làm việc", which POSTs to the same address to restart the
 * clock. At the end it shows that the session is over and, when online, opens the login page.
 * It never touches localStorage, sessionStorage or IndexedDB: the checklist's unsent answers
 * stay on the device and are sent after the next login.
 */
(function () {
  "use strict";

  const box = document.getElementById("session-timeout");
  if (!box) {
    return;
  }
  const url = box.dataset.url;
  const warningMs = Number(box.dataset.warningSeconds) * 1000;
  const text = document.getElementById("session-timeout-text");
  const button = box.querySelector("[data-session-continue]");
  const OFFLINE_RETRY_MS = 30 * 1000;
  let timer = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Seconds left of the session, 0 when the server already ended it (its answer is the login page).
  async function secondsLeft(method) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    if (response.type === "opaqueredirect" || !response.ok) {
      return 0;
    }
    return (await response.json()).seconds_left;
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, seconds * 1000 - warningMs));
  }

  function expired() {
    clearTimeout(timer);
    text.textContent = box.dataset.expiredText;
    button.hidden = true;
    box.hidden = false;
    if (navigator.onLine) {
      const next = window.location.pathname + window.location.search;
      window.location.assign(box.dataset.loginUrl + "?next=" + encodeURIComponent(next));
    }
  }

  async function check() {
    let left;
    try {
      left = await secondsLeft("GET");
    } catch (error) {
      timer = setTimeout(check, OFFLINE_RETRY_MS); // offline: the page stays as it is
      return;
    }
    if (left <= 0) {
      expired();
    } else if (left * 1000 > warningMs + 5000) {
      box.hidden = true; // there was activity elsewhere: wait again
      schedule(left);
    } else {
      box.hidden = false;
      button.focus();
      clearTimeout(timer);
      timer = setTimeout(check, left * 1000 + 1000);
    }
  }

  button.addEventListener("click", async () => {
    try {
      const left = await secondsLeft("POST");
      if (left <= 0) {
        expired();
        return;
      }
      box.hidden = true;
      schedule(left);
    } catch (error) {
      timer = setTimeout(check, OFFLINE_RETRY_MS);
    }
  });

  // This page's own request restarted the server's clock.
  schedule(Number(box.dataset.idleSeconds));
})();
