// Newsroom enhancements; every page works without this script.
// Autosave: the editor's fields are kept in this browser's storage as they are typed,
// so a closed tab or a lost connection does not lose them; they are offered back
// when the same item (at the same version) is opened again. Each new-item form has
// a slot of its own, so one unsaved draft is never offered on another.
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) { return; }
  var key = "newsline-autosave:" + form.getAttribute("data-autosave-key");
  var fields = form.querySelectorAll("input[name], textarea[name], select[name]");

  function current() {
    var data = {};
    fields.forEach(function (f) {
      if (f.type === "hidden" || f.type === "submit") { return; }
      data[f.name] = f.type === "checkbox" ? f.checked : f.value;
    });
    return data;
  }

  function apply(data) {
    fields.forEach(function (f) {
      if (!(f.name in data)) { return; }
      if (f.type === "checkbox") { f.checked = !!data[f.name]; } else { f.value = data[f.name]; }
    });
  }

  if (form.getAttribute("data-saved") === "true") {
    try { localStorage.removeItem(key); } catch (e) { /* storage unavailable */ }
  }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (stored && JSON.stringify(stored) !== JSON.stringify(current())) {
    var notice = document.getElementById("autosave-notice");
    if (notice) {
      notice.hidden = false;
      notice.querySelector("[data-restore]").addEventListener("click", function () {
        apply(stored);
        notice.hidden = true;
      });
      notice.querySelector("[data-discard]").addEventListener("click", function () {
        try { localStorage.removeItem(key); } catch (e) { /* storage unavailable */ }
        notice.hidden = true;
      });
    }
  }

  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      try { localStorage.setItem(key, JSON.stringify(current())); } catch (e) { /* full or blocked */ }
    }, 500);
  });

  // Presence: tell the server every 30 seconds that this item is still open here.
  var presence = document.getElementById("presence");
  var url = form.getAttribute("data-presence-url");
  var csrf = form.querySelector("input[name=csrf]");
  if (presence && url && csrf) {
    setInterval(function () {
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "csrf=" + encodeURIComponent(csrf.value),
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.text() : null; })
        .then(function (text) {
          if (text === null) { return; }
          presence.textContent = text;
          presence.hidden = text === "";
        })
        .catch(function () { /* offline: the autosave above still keeps the text */ });
    }, 30000);
  }
})();

// A button with data-confirm asks before its form is sent: withdrawing or restoring
// a live story, disabling an account.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();

// The editor's helpers: characters counted against each limit as they are typed,
// only the chosen edition's sections offered, and keys for save, preview and publish.
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) { return; }
  form.querySelectorAll("input[data-count][maxlength]").forEach(function (input) {
    var limit = Number(input.getAttribute("maxlength"));
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    function count() {
      var used = Array.from(input.value).length;
      counter.textContent = input.getAttribute("data-count").replace("{x}", used).replace("{y}", limit);
      counter.classList.toggle("near-limit", used > limit * 0.9);
    }
    input.addEventListener("input", count);
    count();
  });
  var edition = document.getElementById("edition");
  var section = document.getElementById("section");
  if (edition && section) {
    var narrow = function () {
      var chosen = section.selectedOptions[0];
      section.querySelectorAll("option[data-edition]").forEach(function (o) {
        var other = o.getAttribute("data-edition") !== edition.value;
        o.hidden = other;
        o.disabled = other;
      });
      if (chosen && chosen.disabled) {
        var first = section.querySelector("option:not([disabled])");
        if (first) { section.value = first.value; }
      }
    };
    edition.addEventListener("change", narrow);
    narrow();
  }
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) { return; }
    var step = null;
    if (event.key === "s" || event.key === "S") { step = event.shiftKey ? null : "save"; }
    if ((event.key === "p" || event.key === "P") && event.shiftKey) { step = "preview"; }
    if (event.key === "Enter") { step = "publish"; }
    var button = step && form.querySelector("button[name=step][value=" + step + "]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
