// Small helpers every form of the app shares (no dependency, loaded by base.html):
// 1. A text field with a maximum length shows how much room is left, and over-long text is
//    refused with a message instead of being cut by the browser (the server checks it again).
// 2. A button with data-busy disables itself once its form is sent, so long work is not asked twice.
// 3. A date field (input.date-dmy) takes dd/mm/yyyy whatever the phone's language: typing the
//    digits puts the slashes in, and the arrow keys move the day.
(() => {
  "use strict";
  const vi = (document.documentElement.lang || "vi").startsWith("vi");
  const text = {
    left: (n) => (vi ? `Còn ${n} ký tự` : `${n} characters left`),
    over: (n) => (vi ? `Vượt quá ${n} ký tự: hãy rút gọn` : `${n} characters too many: shorten it`),
    tooLong: (max) => (vi ? `Tối đa ${max} ký tự.` : `At most ${max} characters.`),
    busy: vi ? "Đang xử lý…" : "Working…",
    badDate: vi ? "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/10/2018." : "Enter a date as dd/mm/yyyy, e.g. 01/10/2018.",
  };

  // 1. Room left
  const counted = (field) => {
    const max = Number(field.dataset.maxlength);
    const counter = document.createElement("div");
    counter.className = "form-text maxlength-counter";
    counter.setAttribute("aria-live", "polite");
    field.after(counter);
    const update = () => {
      const over = field.value.length - max;
      counter.textContent = over > 0 ? text.over(over) : text.left(-over);
      counter.classList.toggle("text-danger", over > 0);
      field.setCustomValidity(over > 0 ? text.tooLong(max) : "");
    };
    field.addEventListener("input", update);
    update();
  };
  const setUpCounters = (root) => {
    root.querySelectorAll("input[maxlength]:not([type=hidden]):not(.date-dmy), textarea[maxlength]").forEach((field) => {
      // The browser would cut the text silently at maxlength: keep the limit, show it instead.
      field.dataset.maxlength = field.getAttribute("maxlength");
      field.removeAttribute("maxlength");
      counted(field);
    });
  };

  // 2. Busy buttons
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!button || !button.hasAttribute("data-busy") || event.defaultPrevented) return;
    // Disable after the browser read the button's name and value into the request.
    setTimeout(() => {
      button.disabled = true;
      button.dataset.label = button.textContent;
      button.textContent = text.busy;
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // Back from the browser's cache: the buttons work again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("[data-busy][disabled]").forEach((button) => {
      button.disabled = false;
      if (button.dataset.label) button.textContent = button.dataset.label;
    });
  });

  // 3. dd/mm/yyyy dates
  const pad = (n) => String(n).padStart(2, "0");
  const parse = (value) => {
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
    if (!m) return null;
    const day = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    return day.getDate() === Number(m[1]) && day.getMonth() === Number(m[2]) - 1 ? day : null;
  };
  const format = (day) => `${pad(day.getDate())}/${pad(day.getMonth() + 1)}/${day.getFullYear()}`;
  const masked = (field) => {
    if (field.dataset.masked) return;
    field.dataset.masked = "1";
    field.addEventListener("input", (event) => {
      if (event.inputType && event.inputType.startsWith("delete")) return;
      const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(field.value.trim());
      if (iso) {
        field.value = `${iso[3]}/${iso[2]}/${iso[1]}`;
        return;
      }
      if (/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(field.value)) return;
      const digits = field.value.replace(/\D/g, "").slice(0, 8);
      let out = digits.slice(0, 2);
      if (digits.length > 2) out += `/${digits.slice(2, 4)}`;
      if (digits.length > 4) out += `/${digits.slice(4)}`;
      if (digits.length === 2 || digits.length === 4) out += "/";
      field.value = out;
    });
    field.addEventListener("keydown", (event) => {
      const steps = { ArrowUp: 1, ArrowDown: -1, PageUp: 30, PageDown: -30 };
      if (!(event.key in steps) || event.altKey || event.ctrlKey || event.metaKey) return;
      const day = parse(field.value) || new Date();
      day.setDate(day.getDate() + (parse(field.value) ? steps[event.key] : 0));
      field.value = format(day);
      field.dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
    });
    field.addEventListener("blur", () => {
      field.setCustomValidity(field.value && !parse(field.value) ? text.badDate : "");
    });
  };

  const setUp = (root) => {
    setUpCounters(root);
    root.querySelectorAll("input.date-dmy").forEach(masked);
  };
  document.addEventListener("DOMContentLoaded", () => setUp(document));
  // Parts of pages htmx swaps in get the same help.
  document.addEventListener("htmx:load", (event) => setUp(event.target));
})();
