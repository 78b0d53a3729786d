// Back-office rich-text editor: a contenteditable area over the `body_html` textarea, a small
// toolbar (headings, bold/italic, lists, links, images by upload or paste, video embeds). No build
// step; the server cleans whatever is submitted.
(function () {
  "use strict";
  // Messages come from the page (data-msg-* on the editor or banner box): no inline script, so
  // the back office can forbid it by Content-Security-Policy.
  function msg(el, key, fallback) {
    return el.getAttribute("data-msg-" + key) || fallback;
  }

  function upload(url, file) {
    var data = new FormData();
    data.append("file", file);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("upload failed");
      return r.json();
    });
  }

  var STATEFUL = ["bold", "italic", "insertUnorderedList", "insertOrderedList"];

  function escapeAttr(s) {
    return String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  document.querySelectorAll("[data-rte]").forEach(function (root) {
    var toolbar = root.querySelector(".rte__toolbar");
    var area = root.querySelector("[data-area]");
    var source = root.querySelector("textarea");
    var fileInput = root.querySelector("[data-file]");
    var uploadUrl = root.getAttribute("data-upload-url");
    area.innerHTML = source.value;
    toolbar.hidden = false;
    area.hidden = false;
    source.hidden = true;
    var sync = function () { source.value = area.innerHTML; };
    area.addEventListener("input", sync);
    var form = root.closest("form");
    if (form) form.addEventListener("submit", sync);

    function insertImage(file) {
      upload(uploadUrl, file).then(function (res) {
        area.focus();
        document.execCommand("insertHTML", false, '<img src="' + escapeAttr(res.url) + '" alt="">');
        sync();
      }).catch(function () { window.alert(msg(root, "failed", "Upload failed")); });
    }

    // The toolbar shows what applies where the caret is (bold carries into the next list item
    // otherwise unseen): aria-pressed on each button whose state the browser can tell.
    function showState() {
      var sel = document.getSelection();
      if (!sel || !sel.rangeCount || !area.contains(sel.anchorNode)) return;
      var block = String(document.queryCommandValue("formatBlock") || "").toLowerCase();
      toolbar.querySelectorAll("button[data-cmd]").forEach(function (b) {
        var cmd = b.getAttribute("data-cmd");
        var on = null;
        if (cmd === "formatBlock") {
          on = block === b.getAttribute("data-value");
        } else if (STATEFUL.indexOf(cmd) >= 0) {
          on = document.queryCommandState(cmd);
        }
        if (on !== null) b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    document.addEventListener("selectionchange", showState);
    area.addEventListener("keyup", showState);

    toolbar.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-cmd]");
      if (!button) return;
      var cmd = button.getAttribute("data-cmd");
      area.focus();
      if (cmd === "link") {
        var url = window.prompt(msg(root, "link", "URL"));
        if (url) document.execCommand("createLink", false, url);
      } else if (cmd === "image") {
        fileInput.click();
      } else if (cmd === "video") {
        var v = window.prompt(msg(root, "video", "YouTube URL"));
        var m = v && v.match(/(?:youtu\.be\/|v=|embed\/)([\w-]{6,})/);
        if (m) {
          document.execCommand("insertHTML", false,
            '<iframe src="https://www.youtube.com/embed/' + m[1] + '" width="560" height="315" allowfullscreen></iframe><p></p>');
        }
      } else {
        document.execCommand(cmd, false, button.getAttribute("data-value"));
      }
      sync();
      showState();
    });
    fileInput.addEventListener("change", function () {
      if (fileInput.files[0]) insertImage(fileInput.files[0]);
      fileInput.value = "";
    });
    area.addEventListener("paste", function (e) {
      var items = (e.clipboardData && e.clipboardData.files) || [];
      for (var i = 0; i < items.length; i++) {
        if (items[i].type.indexOf("image/") === 0) {
          e.preventDefault();
          insertImage(items[i]);
          return;
        }
      }
    });
  });

  // Event banners: upload, then keep the hash in the form.
  document.querySelectorAll("[data-banner]").forEach(function (box) {
    var input = box.querySelector("[data-banner-file]");
    var hash = box.querySelector("[data-banner-hash]");
    var preview = box.querySelector("[data-banner-preview]");
    input.addEventListener("change", function () {
      if (!input.files[0]) return;
      upload("/admin/media", input.files[0]).then(function (res) {
        hash.value = res.hash;
        preview.src = res.url;
        preview.hidden = false;
      }).catch(function () { window.alert(msg(box, "failed", "Upload failed")); });
    });
  });
})();
