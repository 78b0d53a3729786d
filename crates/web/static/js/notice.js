// Product editor: show only the chosen 상품정보제공고시 category's fields.
(function () {
  "use strict";
  var select = document.querySelector("[data-notice-select]");
  if (!select) return;
  function show() {
    document.querySelectorAll("[data-notice-fields]").forEach(function (box) {
      box.hidden = box.getAttribute("data-notice-fields") !== select.value;
    });
  }
  select.addEventListener("change", show);
  show();
})();
