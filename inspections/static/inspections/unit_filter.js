// Filters the unit checkboxes of the plan form as the user types, ignoring diacritics
// (the same folding as units/text.py: NFD, drop marks, đ -> d, lower case).
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("unit-filter");
    var picker = document.getElementById("unit-picker");
    if (!input || !picker) { return; }
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      picker.querySelectorAll("[data-search]").forEach(function (row) {
        var text = row.getAttribute("data-search");
        row.classList.toggle("d-none", !words.every(function (w) { return text.indexOf(w) !== -1; }));
      });
    });
  });
})();
