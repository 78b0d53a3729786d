// The claim form's expected refund follows the reason, the resolution and the units chosen: the
// shop computes it (GET data-quote-url with the form's choices) and the answer replaces the box.
(function () {
  "use strict";
  var box = document.querySelector("[data-quote-url]");
  var form = box && box.closest("form");
  if (!form) return;
  var latest = 0;
  function refresh() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name === "kind" || name === "resolution" || name.indexOf("units_") === 0) {
        params.append(name, value);
      }
    });
    var ticket = ++latest;
    fetch(box.getAttribute("data-quote-url") + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && ticket === latest) box.innerHTML = html;
      })
      .catch(function () {});
  }
  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name === "kind" || name === "resolution" || (name && name.indexOf("units_") === 0)) {
      refresh();
    }
  });
  // A form shown again after a refusal keeps its choices: quote those.
  refresh();
})();
