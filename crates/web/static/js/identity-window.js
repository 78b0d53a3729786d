// Opens the 본인인증 window: PortOne's (`PortOne.requestIdentityVerification(params)` with the
// parameters the server put on the button) or a provider's that takes a posted form (NICE); once on load, and again whenever the buyer presses
// it. Where PortOne answers in the page instead of redirecting, go to the return address it
// would have redirected to: the server asks PortOne what was verified either way.
(function () {
  "use strict";
  var button = document.getElementById("identity-open");
  var status = document.getElementById("identity-status");
  if (!button) return;
  function unavailable() {
    if (status) status.textContent = status.getAttribute("data-unavailable") || status.textContent;
  }
  function follow(params, response) {
    if (!response || !params.redirectUrl) return;
    var url = new URL(params.redirectUrl, window.location.href);
    url.searchParams.set("identityVerificationId", response.identityVerificationId || params.identityVerificationId);
    window.location.href = url.toString();
  }
  function open() {
    // A provider whose window takes a posted form (NICE): post it.
    var form = document.getElementById("identity-form");
    if (form) return form.submit();
    var params = JSON.parse(button.getAttribute("data-params"));
    if (!window.PortOne || typeof window.PortOne.requestIdentityVerification !== "function") return unavailable();
    var started = window.PortOne.requestIdentityVerification(params);
    if (started && typeof started.then === "function") {
      started.then(function (response) { follow(params, response); }, function () {});
    }
  }
  button.addEventListener("click", open);
  open();
})();
