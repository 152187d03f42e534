/*
 * Scripts the checklist does not need to be filled, loaded at their first use: Bootstrap's (the
 * menu's collapse and drop-down) waits for the first tap on a control of the menu, which it then
 * performs. The page names them on elements with N.lazy_script (the URL, hashed in production);
 * offline.js keeps them on the device with the other static files.
 */
import { N, attr } from "./names.js";

let loading = null;

/** The URLs of the scripts the page loads only when needed. */
export function lazyScripts() {
  return Array.from(document.querySelectorAll(attr(N.lazy_script))).map((el) => el.getAttribute(N.lazy_script));
}

function load(src) {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return loading;
}

function onClick(event) {
  const control = event.target.closest && event.target.closest("[data-bs-toggle]");
  const [src] = lazyScripts();
  if (!control || !src || window.bootstrap) {
    return;
  }
  // Bootstrap listens on the document once loaded: the same tap is given to it then.
  event.preventDefault();
  event.stopPropagation();
  load(src)
    .then(() => control.click())
    .catch(() => {
      loading = null;
    });
}

export function installLazy() {
  document.addEventListener("click", onClick, true);
}
