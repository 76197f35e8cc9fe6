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
  // The item's own fields only: the image search and upload fields inside it belong to
  // forms of their own. Asked each time, as the picker's choices change.
  function fields() {
    return Array.prototype.filter.call(form.elements, function (f) {
      return f.name && /^(INPUT|TEXTAREA|SELECT)$/.test(f.tagName) && f.type !== "file";
    });
  }

  function current() {
    var data = {};
    fields().forEach(function (f) {
      if (f.type === "hidden" || f.type === "submit") { return; }
      if (f.type === "radio") {
        if (f.checked) { data[f.name] = f.value; }
        return;
      }
      data[f.name] = f.type === "checkbox" ? f.checked : f.value;
    });
    return data;
  }

  function apply(data) {
    fields().forEach(function (f) {
      if (!(f.name in data)) { return; }
      if (f.type === "radio") { f.checked = f.value === data[f.name]; return; }
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
// The image library: clicking an image sets its focal point's numbers, which the form
// beside it saves (the numbers can be typed without this script); the crop beside the
// image follows the numbers before they are saved.
(function () {
  "use strict";
  document.querySelectorAll("img[data-focal-form]").forEach(function (img) {
    var form = document.getElementById(img.getAttribute("data-focal-form"));
    var item = img.closest("li");
    var sample = item && item.querySelector(".crop-sample img");
    if (!form) { return; }
    var x = form.querySelector("input[name=x]");
    var y = form.querySelector("input[name=y]");
    // The same 5% steps the server rounds to.
    function follow() {
      if (!sample || !x.checkValidity() || !y.checkValidity()) { return; }
      var step = function (v) { return Math.floor((Number(v) + 25) / 50) * 5; };
      sample.className = "crop fx-" + step(x.value) + " fy-" + step(y.value);
    }
    x.addEventListener("input", follow);
    y.addEventListener("input", follow);
    img.addEventListener("click", function (event) {
      var box = img.getBoundingClientRect();
      if (!box.width || !box.height) { return; }
      var clamp = function (v) { return Math.max(0, Math.min(1000, Math.round(v * 1000))); };
      x.value = clamp((event.clientX - box.left) / box.width);
      y.value = clamp((event.clientY - box.top) / box.height);
      follow();
      form.querySelector("button[type=submit]").focus();
    });
  });
})();

// The editor's lead image picker: the search filters the choices as it is typed, and an
// image dropped or chosen in the upload zone is uploaded with its description, shown with
// its progress, and chosen. Without this script the search shows the editor again with
// the picker narrowed, and the library's page takes uploads.
(function () {
  "use strict";
  var list = document.getElementById("picker-list");
  var searchButton = document.getElementById("picker-search-button");
  var upload = document.getElementById("editor-upload");
  var zone = document.getElementById("drop-zone");
  var itemForm = document.getElementById("item-form");
  if (!list || !itemForm) { return; }

  function choice(image, checked) {
    var li = document.createElement("li");
    var label = document.createElement("label");
    label.className = "picker-choice";
    var radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "lead_media";
    radio.value = String(image.id);
    radio.checked = !!checked;
    var img = document.createElement("img");
    img.src = image.thumb;
    img.alt = "";
    img.width = image.thumb_width;
    img.height = image.thumb_height;
    img.className = image.crop;
    var text = document.createElement("span");
    text.className = "picker-text";
    [["picker-alt", image.alt], ["picker-caption", image.caption], ["picker-credit", image.credit]].forEach(function (part) {
      if (!part[1]) { return; }
      var span = document.createElement("span");
      span.className = part[0];
      span.textContent = part[1];
      text.appendChild(span);
    });
    label.append(radio, " ", img, " ", text);
    li.appendChild(label);
    return li;
  }

  // The "no image" choice and the chosen one stay; the rest are the images found.
  function show(images) {
    var kept = {};
    Array.prototype.slice.call(list.children).forEach(function (li) {
      var radio = li.querySelector("input[type=radio]");
      if (radio && (radio.value === "" || radio.checked)) {
        kept[radio.value] = true;
      } else {
        li.remove();
      }
    });
    images.forEach(function (image) {
      if (!kept[String(image.id)]) { list.appendChild(choice(image, false)); }
    });
  }

  var query = document.getElementById("picker-q");
  var pending = null;
  var timer = null;
  function find() {
    var q = query ? query.value : "";
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch("/newsroom/media?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (found) { if (found) { show(found.images); } })
      .catch(function () { /* aborted or offline: the choices stay as they were */ });
  }
  if (searchButton && query) {
    searchButton.addEventListener("click", function (event) {
      event.preventDefault();
      find();
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        find();
      }
    });
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(find, 250);
    });
  }

  if (!upload || !zone) { return; }
  zone.hidden = false;
  var fileInput = document.getElementById("upload-file");
  var progress = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var dropped = null;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
    status.setAttribute("role", failed ? "alert" : "status");
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) { return; }
    dropped = files[0];
    try {
      var transfer = new DataTransfer();
      transfer.items.add(dropped);
      fileInput.files = transfer.files;
      dropped = null;
    } catch (e) { /* older browsers: the dropped file is sent as it is */ }
    say(files[0].name, false);
  });

  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = dropped || (fileInput.files && fileInput.files[0]);
    var alt = document.getElementById("upload-alt");
    if (!alt.reportValidity() || (!file && !fileInput.reportValidity())) { return; }
    // The text fields first and the file last, as the server reads them: a file too
    // large is refused without losing what was typed.
    var data = new FormData();
    data.append("csrf", upload.elements.namedItem("csrf").value);
    data.append("alt", alt.value);
    data.append("caption", document.getElementById("upload-caption").value);
    data.append("credit", document.getElementById("upload-credit").value);
    data.append("file", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", upload.action);
    xhr.setRequestHeader("Accept", "application/json");
    progress.value = 0;
    progress.hidden = false;
    say(status.getAttribute("data-uploading"), false);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { progress.value = Math.round(e.loaded * 100 / e.total); }
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 201 && body) {
        progress.value = 100;
        list.querySelectorAll("input[name=lead_media]").forEach(function (r) { r.checked = false; });
        var first = list.children[1] || null;
        list.insertBefore(choice(body, true), first);
        ["upload-alt", "upload-caption", "upload-credit"].forEach(function (id) {
          document.getElementById(id).value = "";
        });
        fileInput.value = "";
        dropped = null;
        say(status.getAttribute("data-done"), false);
        itemForm.dispatchEvent(new Event("input", { bubbles: true }));
      } else {
        progress.hidden = true;
        say((body && body.detail) || status.getAttribute("data-failed"), true);
      }
    });
    xhr.addEventListener("error", function () {
      progress.hidden = true;
      say(status.getAttribute("data-failed"), true);
    });
    xhr.send(data);
  });
})();
