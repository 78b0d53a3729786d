/*
 * Jangteo storefront — progressive enhancement only.
 * Every page works without this file: the drawer is a checkbox, thumbnails are links to the full
 * image, and the product page lists every SKU in .sku-table. This script adds:
 *   - option selection → matching SKU → #selected-price / #selected-stock / #selected-sku
 *   - "(품절)" flags on option values whose every SKU is sold out
 *   - quantity stepper, gallery thumbnail switching + lightbox
 *   - mobile drawer niceties (Escape, focus, close on navigation)
 *   - banner slider dots / arrows / gentle autoplay
 *   - "이전 페이지" on error pages
 *   - buy buttons follow the chosen SKU; address search (Daum postcode, loaded on first click);
 *     checkout niceties (address book, "전액 사용", 무통장입금 box, one-click lock); "전체 동의";
 *     "계좌번호 복사"
 * No libraries, no build step.
 */
(function () {
  "use strict";

  var doc = document;
  var lang = /^en\b/i.test(doc.documentElement.getAttribute("lang") || "") ? "en" : "ko";

  // Used only when the server did not provide the text in a data attribute.
  var FALLBACK = {
    ko: {
      choose: "옵션을 선택하세요",
      soldOut: "품절",
      stockLow: "품절 임박",
      stockAvailable: "구매 가능",
      unavailable: "선택할 수 없는 옵션 조합입니다",
      goto: "{n}번째 배너 보기",
      close: "닫기"
    },
    en: {
      choose: "Please select options",
      soldOut: "Sold out",
      stockLow: "Almost gone",
      stockAvailable: "In stock",
      unavailable: "This combination is not available",
      goto: "Show banner {n}",
      close: "Close"
    }
  };

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function toArray(list) {
    return Array.prototype.slice.call(list || []);
  }

  function text(el, attr, key) {
    var v = el ? el.getAttribute(attr) : null;
    return v || FALLBACK[lang][key];
  }

  function formatNumber(n) {
    var num = Math.round(Number(n) || 0);
    var sign = num < 0 ? "-" : "";
    return sign + String(Math.abs(num)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Same output as the server's |won filter: "12,900원" (ko) / "₩12,900" (en).
  function formatWon(n) {
    return lang === "en" ? "\u20a9" + formatNumber(n) : formatNumber(n) + "원";
  }

  function isPlainClick(e) {
    return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
  }

  /* ------------------------------------------------------------ product options */

  function initBuyBox() {
    var box = doc.querySelector("[data-buy-box]");
    if (!box) return;

    var skus = [];
    var dataEl = doc.getElementById("sku-data");
    if (dataEl) {
      try {
        var parsed = JSON.parse(dataEl.textContent || "[]");
        if (Array.isArray(parsed)) skus = parsed;
        else if (parsed && Array.isArray(parsed.skus)) skus = parsed.skus;
      } catch (err) {
        skus = [];
      }
    }

    var msg = {
      choose: text(box, "data-msg-choose", "choose"),
      soldOut: text(box, "data-msg-sold-out", "soldOut"),
      stockLow: text(box, "data-msg-stock-low", "stockLow"),
      stockAvailable: text(box, "data-msg-stock-available", "stockAvailable"),
      unavailable: text(box, "data-msg-unavailable", "unavailable")
    };

    var selects = toArray(box.querySelectorAll("select.option-select"));
    var priceEl = doc.getElementById("selected-price");
    var stockEl = doc.getElementById("selected-stock");
    var skuInput = doc.getElementById("selected-sku");
    var labelEl = doc.getElementById("selected-label");
    var defaultPrice = box.getAttribute("data-final-price");
    var qty = initQty(box);

    function valueIds(sku) {
      return (sku.option_value_ids || []).map(String);
    }

    function soldOut(sku) {
      return sku.is_sold_out === true;
    }

    // Flag values whose every SKU is sold out: "M (품절)". Values stay selectable.
    selects.forEach(function (select) {
      toArray(select.options).forEach(function (opt) {
        if (!opt.value) return;
        var label = opt.getAttribute("data-label");
        if (label === null) {
          label = opt.textContent;
          opt.setAttribute("data-label", label);
        }
        var matching = skus.filter(function (s) {
          return valueIds(s).indexOf(opt.value) !== -1;
        });
        var flagged = matching.length > 0 && matching.every(soldOut);
        opt.textContent = flagged ? label + " (" + msg.soldOut + ")" : label;
        if (flagged) opt.setAttribute("data-sold-out", "true");
        else opt.removeAttribute("data-sold-out");
      });
    });

    function findSku(selected) {
      var exact = null;
      var loose = null;
      skus.forEach(function (s) {
        var ids = valueIds(s);
        var all = selected.every(function (v) {
          return ids.indexOf(v) !== -1;
        });
        if (!all) return;
        if (!exact && ids.length === selected.length) exact = s;
        if (!loose) loose = s;
      });
      return exact || loose;
    }

    function show(state, sku) {
      var price = sku ? sku.final_price : defaultPrice;
      if (priceEl) priceEl.textContent = formatWon(price);
      toArray(doc.querySelectorAll("[data-bar-price]")).forEach(function (el) {
        el.textContent = formatWon(price);
      });

      if (stockEl) {
        stockEl.classList.remove("is-sold-out", "is-low", "is-unavailable");
        if (state === "choose") {
          stockEl.textContent = msg.choose;
        } else if (state === "unavailable") {
          stockEl.textContent = msg.unavailable;
          stockEl.classList.add("is-unavailable");
        } else if (soldOut(sku)) {
          stockEl.textContent = msg.soldOut;
          stockEl.classList.add("is-sold-out");
        } else {
          // The page tells a level, never the count.
          var low = sku.level === "low";
          stockEl.textContent = low ? msg.stockLow : msg.stockAvailable;
          if (low) stockEl.classList.add("is-low");
        }
      }

      if (skuInput) skuInput.value = sku && state === "ok" ? String(sku.id) : "";
      if (labelEl) {
        labelEl.textContent =
          sku && state === "ok" ? sku.label || labelEl.getAttribute("data-default-label") || "" : "\u2013";
      }

      if (qty) {
        if (sku && state === "ok") qty.setLimit(soldOut(sku) ? 0 : sku.max_quantity);
        else qty.setLimit(null);
      }

      box.dispatchEvent(
        new CustomEvent("jangteo:sku-change", {
          bubbles: true,
          detail: { sku: state === "ok" ? sku : null, state: state }
        })
      );
    }

    function update() {
      if (!selects.length) {
        // Single-SKU product: the server already rendered it; keep JS output identical.
        if (skus.length === 1) show("ok", skus[0]);
        return;
      }
      var chosen = selects.map(function (s) {
        return s.value;
      });
      if (chosen.some(function (v) { return !v; })) {
        show("choose", null);
        return;
      }
      var sku = findSku(chosen);
      if (sku) show("ok", sku);
      else show("unavailable", null);
    }

    selects.forEach(function (s) {
      s.addEventListener("change", update);
    });

    // Browsers restore <select> values on back/forward navigation; reflect them.
    update();
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) update();
    });

    // A theme that empties the buy_actions block leaves the form without a submit button: stop
    // Enter in the quantity field from submitting it then. With the buttons, this steps aside.
    var form = box.querySelector("[data-buy-form]");
    if (form) {
      form.addEventListener("submit", function (e) {
        if (!form.querySelector('button[type="submit"], input[type="submit"], button:not([type])')) {
          e.preventDefault();
        }
      });
    }
  }

  /* ------------------------------------------------------------ quantity */

  function initQty(scope) {
    var wrap = scope.querySelector("[data-qty]");
    if (!wrap) return null;
    var input = wrap.querySelector("input");
    var minus = wrap.querySelector('[data-qty-step="-1"]');
    var plus = wrap.querySelector('[data-qty-step="1"]');
    if (!input) return null;

    // The owner's per-order limit (when set) caps every option's stock too.
    var HARD_MAX = Math.min(99, parseInt(input.getAttribute("data-max-per-order"), 10) || 99);
    var initialMax = parseInt(input.getAttribute("max"), 10) || HARD_MAX;
    var initiallyDisabled = input.disabled;

    wrap.classList.add("is-enhanced");
    if (minus) minus.hidden = false;
    if (plus) plus.hidden = false;

    function max() {
      return parseInt(input.getAttribute("max"), 10) || HARD_MAX;
    }

    function clamp() {
      var v = parseInt(input.value, 10);
      if (isNaN(v) || v < 1) v = 1;
      if (v > max()) v = max();
      input.value = String(v);
      refresh();
    }

    function refresh() {
      var v = parseInt(input.value, 10) || 1;
      if (minus) minus.disabled = input.disabled || v <= 1;
      if (plus) plus.disabled = input.disabled || v >= max();
    }

    function step(delta) {
      input.value = String((parseInt(input.value, 10) || 1) + delta);
      clamp();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (minus) minus.addEventListener("click", function () { step(-1); });
    if (plus) plus.addEventListener("click", function () { step(1); });
    input.addEventListener("change", clamp);
    input.addEventListener("blur", clamp);
    refresh();

    return {
      // limit: null = back to the page default, 0 = sold out, n = available stock
      setLimit: function (limit) {
        if (limit === null || limit === undefined) {
          input.setAttribute("max", String(initialMax));
          input.disabled = initiallyDisabled;
        } else if (limit <= 0) {
          input.disabled = true;
        } else {
          input.disabled = false;
          input.setAttribute("max", String(Math.min(HARD_MAX, limit)));
        }
        clamp();
      }
    };
  }

  /* ------------------------------------------------------------ gallery + lightbox */

  var lightbox = null;

  function openLightbox(src, alt, closeLabel) {
    if (typeof HTMLDialogElement !== "function") return false;
    if (!lightbox) {
      lightbox = doc.createElement("dialog");
      lightbox.className = "lightbox";
      lightbox.innerHTML =
        '<div class="lightbox__inner"><img class="lightbox__img" alt=""></div>' +
        '<button type="button" class="icon-btn lightbox__close">' +
        '<svg aria-hidden="true" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><path d="M6 6l12 12M18 6 6 18"/></svg>' +
        '<span class="visually-hidden"></span></button>';
      lightbox.querySelector(".visually-hidden").textContent = closeLabel;
      lightbox.querySelector(".lightbox__close").addEventListener("click", function () {
        lightbox.close();
      });
      lightbox.addEventListener("click", function (e) {
        if (e.target === lightbox || e.target.classList.contains("lightbox__inner")) lightbox.close();
      });
      doc.body.appendChild(lightbox);
    }
    var img = lightbox.querySelector(".lightbox__img");
    img.src = src;
    img.alt = alt || "";
    try {
      lightbox.showModal();
    } catch (err) {
      return false;
    }
    return true;
  }

  function initGallery() {
    var gallery = doc.querySelector("[data-gallery]");
    if (!gallery) return;
    var mainImg = gallery.querySelector("[data-gallery-main]");
    var mainLink = gallery.querySelector("[data-gallery-main-link]");
    var thumbs = toArray(gallery.querySelectorAll(".gallery__thumb"));
    if (!mainImg || !mainLink) return;

    function select(thumb) {
      var w = thumb.getAttribute("data-width");
      var h = thumb.getAttribute("data-height");
      if (w && h) {
        mainImg.setAttribute("width", w);
        mainImg.setAttribute("height", h);
      }
      mainImg.removeAttribute("srcset");
      mainImg.src = thumb.getAttribute("data-detail");
      mainImg.alt = thumb.getAttribute("data-alt") || "";
      mainLink.href = thumb.getAttribute("data-zoom") || thumb.href;
      thumbs.forEach(function (t) {
        var on = t === thumb;
        t.classList.toggle("is-active", on);
        if (on) t.setAttribute("aria-current", "true");
        else t.removeAttribute("aria-current");
      });
    }

    thumbs.forEach(function (thumb, i) {
      thumb.addEventListener("click", function (e) {
        if (!isPlainClick(e)) return; // ctrl/cmd-click still opens the image in a new tab
        e.preventDefault();
        select(thumb);
      });
      thumb.addEventListener("keydown", function (e) {
        var next = null;
        if (e.key === "ArrowRight") next = thumbs[i + 1];
        if (e.key === "ArrowLeft") next = thumbs[i - 1];
        if (next) {
          e.preventDefault();
          next.focus();
          select(next);
        }
      });
      // Warm the cache so switching feels instant.
      thumb.addEventListener(
        "pointerenter",
        function () {
          var pre = new Image();
          pre.src = thumb.getAttribute("data-detail");
        },
        { once: true }
      );
    });

    mainLink.addEventListener("click", function (e) {
      if (!isPlainClick(e)) return;
      var closeLabel = mainLink.getAttribute("data-close-label") || FALLBACK[lang].close;
      if (openLightbox(mainLink.href, mainImg.alt, closeLabel)) e.preventDefault();
    });
  }

  /* ------------------------------------------------------------ mobile drawer */

  function initDrawer() {
    var toggle = doc.getElementById("drawer-toggle");
    var drawer = doc.getElementById("site-drawer");
    if (!toggle || !drawer) return;
    var panel = drawer.querySelector(".drawer__panel");

    function focusables() {
      return toArray(panel.querySelectorAll("a[href], summary, button:not([disabled]), input, select")).filter(
        function (el) {
          return el.offsetParent !== null || el === doc.activeElement;
        }
      );
    }

    function sync(moveFocus) {
      var open = toggle.checked;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && moveFocus) {
        var first = focusables()[0];
        if (first) {
          // wait for the visibility transition so the element can take focus
          setTimeout(function () {
            first.focus({ preventScroll: true });
          }, 30);
        }
      }
    }

    function close() {
      if (!toggle.checked) return;
      toggle.checked = false;
      sync(false);
      toggle.focus({ preventScroll: true });
    }

    toggle.addEventListener("change", function () {
      sync(true);
    });

    doc.addEventListener("keydown", function (e) {
      if (!toggle.checked) return;
      if (e.key === "Escape") {
        e.preventDefault();
        close();
        return;
      }
      if (e.key === "Tab") {
        var items = focusables();
        if (!items.length) return;
        var first = items[0];
        var last = items[items.length - 1];
        if (!panel.contains(doc.activeElement)) {
          e.preventDefault();
          first.focus();
        } else if (e.shiftKey && doc.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && doc.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    });

    drawer.addEventListener("click", function (e) {
      var link = e.target.closest ? e.target.closest("a[href]") : null;
      if (link && isPlainClick(e)) {
        toggle.checked = false;
        sync(false);
      }
    });

    // A checkbox restored from the back/forward cache would re-open the drawer.
    window.addEventListener("pageshow", function () {
      if (toggle.checked) {
        toggle.checked = false;
        sync(false);
      }
    });

    if (window.matchMedia) {
      var desktop = window.matchMedia("(min-width: 1024px)");
      var onChange = function () {
        if (desktop.matches && toggle.checked) {
          toggle.checked = false;
          sync(false);
        }
      };
      if (desktop.addEventListener) desktop.addEventListener("change", onChange);
      else if (desktop.addListener) desktop.addListener(onChange);
    }

    sync(false);
  }

  /* ------------------------------------------------------------ banner slider */

  function initSliders() {
    toArray(doc.querySelectorAll("[data-slider]")).forEach(function (root) {
      var track = root.querySelector("[data-slider-track]");
      var slides = toArray(root.querySelectorAll("[data-slide]"));
      var controls = root.querySelector("[data-slider-controls]");
      var dotsWrap = root.querySelector("[data-slider-dots]");
      if (!track || slides.length < 2 || !controls || !dotsWrap) return;

      var gotoLabel = text(root, "data-label-goto", "goto");
      var current = 0;
      var timer = null;
      var stopped = reduceMotion;
      var paused = false;

      controls.hidden = false;

      var dots = slides.map(function (slide, i) {
        var b = doc.createElement("button");
        b.type = "button";
        b.className = "hero__dot";
        b.setAttribute("aria-label", gotoLabel.replace("{n}", String(i + 1)).replace("{count}", String(i + 1)));
        b.addEventListener("click", function () {
          stop();
          go(i);
        });
        dotsWrap.appendChild(b);
        return b;
      });

      function go(i) {
        var n = slides.length;
        var target = ((i % n) + n) % n;
        track.scrollTo({ left: target * track.clientWidth, behavior: reduceMotion ? "auto" : "smooth" });
        mark(target);
      }

      function mark(i) {
        current = i;
        dots.forEach(function (d, j) {
          if (j === i) d.setAttribute("aria-current", "true");
          else d.removeAttribute("aria-current");
        });
      }

      var scrollTick = null;
      track.addEventListener(
        "scroll",
        function () {
          if (scrollTick) return;
          scrollTick = window.requestAnimationFrame(function () {
            scrollTick = null;
            var w = track.clientWidth || 1;
            mark(Math.max(0, Math.min(slides.length - 1, Math.round(track.scrollLeft / w))));
          });
        },
        { passive: true }
      );

      var prev = root.querySelector("[data-slider-prev]");
      var next = root.querySelector("[data-slider-next]");
      if (prev) prev.addEventListener("click", function () { stop(); go(current - 1); });
      if (next) next.addEventListener("click", function () { stop(); go(current + 1); });

      // Autoplay: gentle, pauses on hover/focus and in background tabs, stops for good once the
      // shopper takes control, never runs with prefers-reduced-motion.
      function tick() {
        if (!paused && !doc.hidden) go(current + 1);
      }
      function start() {
        if (!stopped && !timer) timer = window.setInterval(tick, 6000);
      }
      function stop() {
        stopped = true;
        if (timer) window.clearInterval(timer);
        timer = null;
      }

      root.addEventListener("mouseenter", function () { paused = true; });
      root.addEventListener("mouseleave", function () { paused = false; });
      root.addEventListener("focusin", function () { paused = true; });
      root.addEventListener("focusout", function () { paused = false; });
      track.addEventListener("pointerdown", stop, { passive: true });
      track.addEventListener("touchstart", stop, { passive: true });
      track.addEventListener("keydown", stop);

      mark(0);
      start();
    });
  }

  /* ------------------------------------------------------------ error page "back" */

  function initHistoryBack() {
    toArray(doc.querySelectorAll("[data-history-back]")).forEach(function (el) {
      el.addEventListener("click", function (e) {
        if (!isPlainClick(e)) return;
        if (window.history.length > 1) {
          e.preventDefault();
          window.history.back();
        }
      });
    });
  }

  /* ------------------------------------------------------------ buy buttons (product page) */

  // Keeps #add-to-cart / #buy-now in step with the chosen SKU, and stops a submit before every
  // option is chosen (the server would refuse it anyway; this just says so without a round trip).
  function initBuyActions() {
    var form = doc.querySelector("[data-buy-form]");
    if (!form) return;
    var box = form.closest("[data-buy-box]") || form;
    var buttons = toArray(form.querySelectorAll("#add-to-cart, #buy-now"));
    var initiallyDisabled = buttons.map(function (b) { return b.disabled; });
    var skuInput = doc.getElementById("selected-sku");
    var stockEl = doc.getElementById("selected-stock");

    box.addEventListener("jangteo:sku-change", function (e) {
      var sku = e.detail && e.detail.sku;
      var soldOut = !!(sku && sku.is_sold_out === true);
      buttons.forEach(function (b, i) {
        b.disabled = initiallyDisabled[i] || soldOut;
      });
    });

    form.addEventListener("submit", function (e) {
      if (!skuInput || skuInput.value) return;
      var selects = toArray(form.querySelectorAll("select.option-select"));
      if (!selects.length) return;
      e.preventDefault();
      var empty = selects.filter(function (s) { return !s.value; })[0] || selects[0];
      if (stockEl) {
        stockEl.textContent = form.getAttribute("data-msg-need-options") || FALLBACK[lang].choose;
        stockEl.classList.add("is-unavailable");
      }
      empty.focus();
    });
  }

  /* ------------------------------------------------------------ Korean address search */

  var POSTCODE_SRC = "https://t1.daumcdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js";
  var postcodeLoading = null;

  // Loads the Daum (Kakao) postcode script once, on first use.
  function loadPostcode() {
    if (window.daum && window.daum.Postcode) return Promise.resolve();
    if (postcodeLoading) return postcodeLoading;
    postcodeLoading = new Promise(function (resolve, reject) {
      var s = doc.createElement("script");
      var timer = window.setTimeout(function () { fail(new Error("timeout")); }, 10000);
      function fail(err) {
        window.clearTimeout(timer);
        postcodeLoading = null; // let the next click try again
        if (s.parentNode) s.parentNode.removeChild(s);
        reject(err);
      }
      s.src = POSTCODE_SRC;
      s.async = true;
      s.onload = function () {
        window.clearTimeout(timer);
        if (window.daum && window.daum.Postcode) resolve();
        else fail(new Error("no daum.Postcode"));
      };
      s.onerror = function () { fail(new Error("load failed")); };
      doc.head.appendChild(s);
    });
    return postcodeLoading;
  }

  function initPostcode() {
    toArray(doc.querySelectorAll("[data-postcode]")).forEach(function (scope) {
      var button = scope.querySelector("[data-postcode-search]");
      var note = scope.querySelector("[data-postcode-note]");
      var field = function (name) { return scope.querySelector('[data-postcode-field="' + name + '"]'); };
      if (!button) return;
      var layer = null;
      var opener = null;

      function closeLayer() {
        if (!layer) return;
        layer.parentNode.removeChild(layer);
        layer = null;
        doc.removeEventListener("keydown", onKey);
        if (opener) opener.focus({ preventScroll: true });
      }

      function onKey(e) {
        if (e.key === "Escape") {
          e.preventDefault();
          closeLayer();
        }
      }

      function showFailure() {
        if (note) {
          note.textContent = scope.getAttribute("data-msg-failed") || "";
          note.hidden = false;
        }
        var pc = field("postcode");
        if (pc) pc.focus();
      }

      function fill(data) {
        var address = data.userSelectedType === "J" ? data.jibunAddress || data.address : data.roadAddress || data.address;
        if (data.userSelectedType !== "J") {
          // 도로명 주소 뒤에 (법정동, 건물명)을 붙이는 관례
          var extra = [];
          if (data.bname && /[동로가]$/.test(data.bname)) extra.push(data.bname);
          if (data.buildingName && data.apartment === "Y") extra.push(data.buildingName);
          if (extra.length) address += " (" + extra.join(", ") + ")";
        }
        var pc = field("postcode");
        var a1 = field("address1");
        var a2 = field("address2");
        if (pc) pc.value = data.zonecode || "";
        if (a1) a1.value = address || "";
        [pc, a1].forEach(function (el) {
          if (el) el.dispatchEvent(new Event("change", { bubbles: true }));
        });
        if (note) note.hidden = true;
        closeLayer();
        if (a2) a2.focus();
      }

      function openLayer() {
        layer = doc.createElement("div");
        layer.className = "postcode-layer";
        layer.setAttribute("role", "dialog");
        layer.setAttribute("aria-modal", "true");
        layer.setAttribute("aria-label", scope.getAttribute("data-msg-title") || "");
        layer.innerHTML =
          '<div class="postcode-layer__backdrop"></div>' +
          '<div class="postcode-layer__panel">' +
          '<div class="postcode-layer__head"><strong class="postcode-layer__title"></strong>' +
          '<button type="button" class="icon-btn postcode-layer__close">' +
          '<svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><path d="M6 6l12 12M18 6 6 18"/></svg>' +
          '<span class="visually-hidden"></span></button></div>' +
          '<div class="postcode-layer__body"></div></div>';
        layer.querySelector(".postcode-layer__title").textContent = scope.getAttribute("data-msg-title") || "";
        layer.querySelector(".postcode-layer__close .visually-hidden").textContent =
          scope.getAttribute("data-msg-close") || FALLBACK[lang].close;
        layer.querySelector(".postcode-layer__close").addEventListener("click", closeLayer);
        layer.querySelector(".postcode-layer__backdrop").addEventListener("click", closeLayer);
        doc.body.appendChild(layer);
        doc.addEventListener("keydown", onKey);
        try {
          new window.daum.Postcode({
            oncomplete: fill,
            width: "100%",
            height: "100%"
          }).embed(layer.querySelector(".postcode-layer__body"), { autoClose: false });
        } catch (err) {
          closeLayer();
          showFailure();
          return;
        }
        layer.querySelector(".postcode-layer__close").focus();
      }

      button.addEventListener("click", function () {
        opener = button;
        button.setAttribute("aria-busy", "true");
        loadPostcode().then(
          function () {
            button.removeAttribute("aria-busy");
            openLayer();
          },
          function () {
            button.removeAttribute("aria-busy");
            showFailure();
          }
        );
      });
    });
  }

  /* ------------------------------------------------------------ checkout */

  function initCheckout() {
    var form = doc.querySelector("[data-checkout]");
    if (!form) return;
    var el = function (name) { return form.elements.namedItem(name); };

    // Address book: choosing a saved address fills the fields; editing them afterwards turns the
    // choice back into "새 배송지" so what is on screen is what gets ordered.
    var book = form.querySelector("[data-address-book]");
    var addressNames = ["recipient_name", "recipient_mobile", "postcode", "address1", "address2"];
    var dataKeys = ["recipient", "mobile", "postcode", "address1", "address2"];
    if (book) {
      var filling = false;
      var applyBook = function (onlyIfEmpty) {
        var opt = book.options[book.selectedIndex];
        if (!opt) return;
        if (onlyIfEmpty && addressNames.some(function (n) { return el(n) && el(n).value; })) return;
        filling = true;
        addressNames.forEach(function (n, i) {
          var input = el(n);
          if (!input) return;
          input.value = opt.value ? opt.getAttribute("data-" + dataKeys[i]) || "" : onlyIfEmpty ? input.value : "";
        });
        filling = false;
      };
      book.addEventListener("change", function () {
        applyBook(false);
        if (!book.value && el("recipient_name")) el("recipient_name").focus();
      });
      addressNames.forEach(function (n) {
        var input = el(n);
        if (!input) return;
        var onEdit = function () {
          if (filling || !book.value) return;
          book.value = "";
        };
        input.addEventListener("input", onEdit);
        input.addEventListener("change", onEdit);
      });
      if (book.value) applyBook(true);
    }

    // "주문자 정보와 동일"
    var copy = form.querySelector("[data-copy-orderer]");
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        [["orderer_name", "recipient_name"], ["orderer_mobile", "recipient_mobile"]].forEach(function (pair) {
          var from = el(pair[0]);
          var to = el(pair[1]);
          if (from && to) {
            to.value = from.value;
            to.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
      });
    }

    // "전액 사용": the whole balance, capped by the amount to pay, rounded down to the step.
    var all = form.querySelector("[data-points-all]");
    var pointsInput = form.querySelector("[data-points-input]");
    if (all && pointsInput) {
      all.hidden = false;
      all.addEventListener("click", function () {
        var balance = parseInt(all.getAttribute("data-balance"), 10) || 0;
        var payable = parseInt(all.getAttribute("data-payable"), 10);
        var step = parseInt(all.getAttribute("data-step"), 10) || 1;
        var use = isNaN(payable) ? balance : Math.min(balance, payable);
        use = Math.max(0, Math.floor(use / step) * step);
        pointsInput.value = String(use);
        pointsInput.dispatchEvent(new Event("change", { bubbles: true }));
        pointsInput.focus();
      });
    }

    // The shop's account and the depositor field only matter for 무통장입금.
    var bankBox = form.querySelector("[data-bank-deposit]");
    var radios = toArray(form.querySelectorAll("[data-payment-method]"));
    if (bankBox && radios.length) {
      var syncBank = function () {
        var chosen = radios.filter(function (r) { return r.checked; })[0];
        bankBox.hidden = !(chosen && chosen.value === "bank_deposit");
      };
      radios.forEach(function (r) { r.addEventListener("change", syncBank); });
      syncBank();
      window.addEventListener("pageshow", syncBank);
    }

    // One click, one order: lock the pay button once the order is on its way.
    var pay = doc.getElementById("place-order");
    if (pay) {
      form.addEventListener("submit", function (e) {
        if (e.defaultPrevented) return;
        var submitter = e.submitter || null;
        if (submitter && submitter !== pay) return;
        window.setTimeout(function () {
          pay.disabled = true;
          pay.setAttribute("aria-busy", "true");
        }, 0);
      });
      window.addEventListener("pageshow", function () {
        pay.disabled = false;
        pay.removeAttribute("aria-busy");
      });
    }
  }

  /* ------------------------------------------------------------ signup "전체 동의" */

  function initAgreeAll() {
    toArray(doc.querySelectorAll("[data-agree-all]")).forEach(function (all) {
      var form = all.form || doc;
      var boxes = toArray(form.querySelectorAll("input[type=checkbox][data-agree]"));
      if (!boxes.length) return;
      var wrap = all.closest("[data-agree-all-wrap]");
      if (wrap) wrap.hidden = false;
      function sync() {
        all.checked = boxes.every(function (b) { return b.checked; });
        all.indeterminate = !all.checked && boxes.some(function (b) { return b.checked; });
      }
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        all.indeterminate = false;
      });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    });
  }

  /* ------------------------------------------------------------ "계좌번호 복사" */

  // Copies [data-copy] to the clipboard; the button says so for a moment. Hidden without JS.
  function initCopyButtons() {
    toArray(doc.querySelectorAll("button[data-copy]")).forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var value = button.getAttribute("data-copy");
        var done = function () {
          button.textContent = button.getAttribute("data-copied") || label;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        };
        // Older browsers and refused permissions: copy through a selected, unseen textarea.
        var viaSelection = function () {
          var area = doc.createElement("textarea");
          area.value = value;
          area.setAttribute("readonly", "");
          area.style.position = "fixed";
          area.style.opacity = "0";
          doc.body.appendChild(area);
          area.select();
          try { if (doc.execCommand("copy")) done(); } catch (e) { /* the number stays selectable */ }
          doc.body.removeChild(area);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(value).then(done, viaSelection);
        } else {
          viaSelection();
        }
      });
    });
  }

  function init() {
    initCopyButtons();
    initDrawer();
    initBuyActions(); // listens for the SKU events initBuyBox fires right away
    initBuyBox();
    initGallery();
    initSliders();
    initHistoryBack();
    initPostcode();
    initCheckout();
    initAgreeAll();
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
