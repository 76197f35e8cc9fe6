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

// The social card and the preview follow the form as it is typed. The preview is
// the server's own rendering (the editor's preview step), fetched when typing pauses.
(function () {
  var form = document.getElementById("item-form");
  var preview = document.getElementById("preview");
  if (!form || !preview) { return; }
  var field = function (name) { return form.querySelector("[name=" + name + "]"); };
  var cardTitle = document.querySelector("[data-card-title]");
  var cardDescription = document.querySelector("[data-card-description]");
  var card = function () {
    var own = function (a, b) {
      var first = field(a), second = field(b);
      var text = first ? first.value.trim() : "";
      return text || (second ? second.value.trim() : "");
    };
    if (cardTitle) { cardTitle.textContent = own("seo_title", "headline"); }
    if (cardDescription) { cardDescription.textContent = own("seo_description", "dek"); }
  };
  var wide = window.matchMedia("(min-width: 75rem)");
  var timer = null;
  var asked = 0;
  var refresh = function () {
    if (!wide.matches && !preview.classList.contains("asked")) { return; }
    var data = new FormData(form);
    data.set("step", "preview");
    var mine = ++asked;
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || mine !== asked) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview");
        if (fresh) { preview.replaceChildren.apply(preview, Array.from(fresh.childNodes)); }
      })
      .catch(function () { /* the preview button still works */ });
  };
  form.addEventListener("input", function () {
    card();
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
})();

// Author and tag names, and related items by headline, offered while typing: the
// server's suggestions fill a datalist, so the browser's own list shows them. In a
// comma-separated field only the name being typed is looked up.
(function () {
  var form = document.getElementById("item-form");
  if (!form) { return; }
  form.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = input.getAttribute("data-suggest");
    var several = list !== "items";
    var datalist = document.createElement("datalist");
    datalist.id = "suggest-" + input.id;
    input.insertAdjacentElement("afterend", datalist);
    input.setAttribute("list", datalist.id);
    var timer = null;
    var asked = 0;
    var lookUp = function () {
      var value = input.value;
      var cut = several ? value.lastIndexOf(",") + 1 : 0;
      var head = several && cut > 0 ? value.slice(0, cut).trim() + " " : "";
      var typed = value.slice(cut).trim();
      if (typed.length < 2 || (!several && /^[0-9]+$/.test(typed))) { return; }
      var edition = form.querySelector("[name=edition]");
      var url = "/newsroom/suggest?list=" + list + "&q=" + encodeURIComponent(typed) +
        "&edition=" + encodeURIComponent(edition ? edition.value : "");
      var mine = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          if (mine !== asked) { return; }
          datalist.replaceChildren();
          found.forEach(function (s) {
            var option = document.createElement("option");
            option.value = several ? head + s.value : s.value;
            if (s.label !== s.value) { option.label = s.label; }
            datalist.appendChild(option);
          });
        })
        .catch(function () { /* typing still works */ });
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 200);
    });
  });
})();
