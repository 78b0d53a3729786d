// Opens the payment gateway's window (Toss Payments `requestPayment`) with the parameters the
// server put on the button; once on load, and again whenever the shopper presses the button.
(function () {
  "use strict";
  var button = document.getElementById("pay-open");
  var status = document.getElementById("pay-status");
  if (!button) return;
  function open() {
    if (typeof window.TossPayments !== "function") {
      if (status) status.textContent = status.getAttribute("data-unavailable") || status.textContent;
      return;
    }
    var params = JSON.parse(button.getAttribute("data-params"));
    var payments = window.TossPayments(button.getAttribute("data-client-key"));
    var started = payments.requestPayment(button.getAttribute("data-method"), params);
    if (started && typeof started.catch === "function") {
      // Closing the window rejects the promise: the shopper stays here and may try again.
      started.catch(function () {});
    }
  }
  button.addEventListener("click", open);
  open();
})();
