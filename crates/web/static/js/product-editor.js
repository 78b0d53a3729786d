// Product editor: the page has several forms (fields, images, options, SKUs). Sending one of
// the others while the fields have unsaved changes first saves the fields, so nothing typed is
// lost; leaving the page with unsaved changes asks first. Without JavaScript each form is sent
// on its own, as before.
(function () {
  "use strict";
  var main = document.getElementById("product-form");
  if (!main) return;
  var dirty = false;
  var mark = function () { dirty = true; };
  main.addEventListener("input", mark);
  main.addEventListener("change", mark);
  main.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });

  function saveFieldsThen(form) {
    // The rich-text area writes into its textarea on input; send what the fields hold now.
    var body = new URLSearchParams(new FormData(main));
    fetch(main.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        dirty = false;
        // Saved: the server answers with a redirect. Refused: show the refusal with what was
        // typed by sending the fields the ordinary way.
        if (r.type === "opaqueredirect" || (r.status >= 300 && r.status < 400)) form.submit();
        else main.submit();
      })
      .catch(function () { dirty = false; main.submit(); });
  }

  ["image-upload", "options-form", "skus-form"].forEach(function (id) {
    var form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", function (e) {
      if (!dirty) return;
      e.preventDefault();
      saveFieldsThen(form);
    });
  });
})();
