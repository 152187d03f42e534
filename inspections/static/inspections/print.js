// A button with data-print prints the page (the print styles keep the month grid only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
