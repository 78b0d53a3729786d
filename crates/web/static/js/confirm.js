// Shop and back office: a form or submit button with data-confirm asks before it is sent, and
// [data-print] prints. Attributes instead of inline handlers, so every page can forbid inline
// script by Content-Security-Policy. Without JavaScript the forms are sent unasked.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var by = e.submitter;
    var text = (by && by.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (e) {
    var target = e.target.closest && e.target.closest("[data-print]");
    if (target) {
      e.preventDefault();
      window.print();
    }
  });
})();
