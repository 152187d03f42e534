/*
 * Made for thumbs: "next unanswered criterion" brings the next applicable criterion still
 * unanswered (after the one at the top of the screen, then from the start) into view and puts
 * the focus on its first control; the sticky bar's height is kept in --checklist-bar, which the
 * page's scroll-padding uses so that the bar never hides the focused control.
 */
import { N, attr } from "./names.js";

function barBottom() {
  const bar = document.querySelector("." + N.bar);
  return bar ? bar.getBoundingClientRect().bottom : 0;
}

function unanswered() {
  return Array.from(document.querySelectorAll("[id^=" + N.missing + "] a[href^='#']"))
    .map((link) => document.querySelector(link.getAttribute("href")))
    .filter(Boolean);
}

let last = null;

export function nextUnanswered() {
  const rows = unanswered();
  if (!rows.length) {
    return null;
  }
  // After the one it brought last (the tap moved the focus to the button), else the first one
  // below the bar.
  const index = rows.indexOf(last);
  const top = barBottom();
  const below = rows.find((row) => row.getBoundingClientRect().top >= top);
  const next = (index >= 0 ? rows[index + 1] : below) || rows[0];
  const control = next.querySelector("button, input:not([type=hidden]), textarea, select");
  last = next;
  next.scrollIntoView({ block: "start" });
  if (control) {
    control.focus({ preventScroll: true });
  }
  return next;
}

function watchBar() {
  const bar = document.querySelector("." + N.bar);
  if (!bar || !window.ResizeObserver) {
    return;
  }
  const root = document.documentElement;
  new ResizeObserver(() => {
    root.style.setProperty("--checklist-bar", Math.ceil(bar.getBoundingClientRect().height) + "px");
  }).observe(bar);
}

export function installThumbs() {
  watchBar();
  document.addEventListener("click", (event) => {
    if (event.target.closest(attr(N.next_unanswered))) {
      nextUnanswered();
    }
  });
}
