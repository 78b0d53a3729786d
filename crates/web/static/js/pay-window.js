// Opens the payment gateway's window with the parameters the server put on the button: Toss
// Payments (`TossPayments(clientKey).requestPayment(method, params)`) or PortOne
// (`PortOne.requestPayment(params)`); once on load, and again whenever the shopper presses it.
(function () {
  "use strict";
  var button = document.getElementById("pay-open");
  var status = document.getElementById("pay-status");
  if (!button) return;
  function unavailable() {
    if (status) status.textContent = status.getAttribute("data-unavailable") || status.textContent;
  }
  // PortOne answers in the page on some devices instead of redirecting: go to the same return
  // address it would have redirected to.
  function followPortOne(params, response) {
    if (!response || !params.redirectUrl) return;
    var url = new URL(params.redirectUrl, window.location.href);
    url.searchParams.set("paymentId", response.paymentId || params.paymentId);
    if (response.code) {
      url.searchParams.set("code", response.code);
      url.searchParams.set("message", response.message || "");
    }
    window.location.href = url.toString();
  }
  function open() {
    var params = JSON.parse(button.getAttribute("data-params"));
    var started;
    if (button.getAttribute("data-sdk") === "portone") {
      if (!window.PortOne || typeof window.PortOne.requestPayment !== "function") return unavailable();
      started = window.PortOne.requestPayment(params);
      if (started && typeof started.then === "function") {
        started.then(function (response) { followPortOne(params, response); }, function () {});
      }
      return;
    }
    if (typeof window.TossPayments !== "function") return unavailable();
    var payments = window.TossPayments(button.getAttribute("data-client-key"));
    started = payments.requestPayment(button.getAttribute("data-method"), params);
    if (started && typeof started.catch === "function") {
      // Closing the window rejects the promise: the shopper stays here and may try again.
      started.catch(function () {});
    }
  }
  button.addEventListener("click", open);
  open();
})();
