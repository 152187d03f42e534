// Loads htmx for the documents panel when the page around it did not (reports/_report_buttons.html).
// Waits for the window's load event: by then every script of the page has run (so a page that
// loads htmx itself never gets a second copy), and the document is "complete", which htmx 2
// needs to start when it is added late (it would otherwise wait for a DOMContentLoaded that
// already happened).
(function () {
  var script = document.currentScript;
  function ensureHtmx() {
    if (window.htmx || document.querySelector("script[data-reports-htmx]")) { return; }
    var loader = document.createElement("script");
    loader.src = script.getAttribute("data-htmx");
    loader.setAttribute("data-reports-htmx", "");
    document.head.appendChild(loader);
  }
  if (document.readyState === "complete") {
    ensureHtmx();
  } else {
    window.addEventListener("load", ensureHtmx);
  }
})();
