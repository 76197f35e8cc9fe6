// Keeps the news line live: new items appear at the top, corrected headlines change,
// withdrawn items go. The page is complete without this script.
(function () {
  "use strict";
  var line = document.querySelector(".news-line[data-live]");
  if (!line || !window.EventSource) { return; }
  var list = line.querySelector("ul");
  var limit = 40;

  function entry(id) { return list.querySelector('li[data-item="' + id + '"]'); }

  function fill(li, item) {
    li.textContent = "";
    li.setAttribute("data-item", String(item.id));
    if (item.breaking) {
      var label = document.createElement("strong");
      label.className = "breaking";
      label.textContent = line.getAttribute("data-breaking") || "";
      li.appendChild(label);
      li.appendChild(document.createTextNode(" "));
    }
    var a = document.createElement("a");
    a.href = item.href;
    a.textContent = item.headline;
    var time = document.createElement("time");
    time.setAttribute("datetime", item.datetime);
    time.textContent = item.time;
    li.appendChild(a);
    li.appendChild(document.createTextNode("\n"));
    li.appendChild(time);
  }

  var source = new EventSource(line.getAttribute("data-live"));
  source.addEventListener("published", function (e) {
    var item = JSON.parse(e.data);
    if (entry(item.id)) { return; }
    var li = document.createElement("li");
    fill(li, item);
    list.insertBefore(li, list.firstChild);
    while (list.children.length > limit) { list.removeChild(list.lastChild); }
  });
  source.addEventListener("updated", function (e) {
    var item = JSON.parse(e.data);
    var li = entry(item.id);
    if (li) {
      var current = li.classList.contains("current");
      fill(li, item);
      if (current) { li.querySelector("a").setAttribute("aria-current", "page"); }
    }
  });
  source.addEventListener("unpublished", function (e) {
    var li = entry(JSON.parse(e.data).id);
    if (li) { li.parentNode.removeChild(li); }
  });
  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });
})();

// Offers completions in the search box while a reader types. The box is a plain form
// that works without this script.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var typed = input.value;
      if (typed.trim().length < 2 || typed === asked) { return; }
      asked = typed;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(typed))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (words) {
          if (input.value !== typed) { return; }
          list.textContent = "";
          words.forEach(function (word) {
            var option = document.createElement("option");
            option.value = word;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();

// Newsroom staff get a link to edit the story they are reading. The page is the same
// for everyone (it is cached); the cookie only says a newsroom session was started in
// this browser, and the newsroom checks who may edit what.
(function () {
  "use strict";
  var story = document.querySelector("article.story[data-item-id]");
  if (!story || !/(?:^|;\s*)newsline_staff=1(?:;|$)/.test(document.cookie)) { return; }
  var id = story.getAttribute("data-item-id");
  if (!/^[0-9]+$/.test(id)) { return; }
  var p = document.createElement("p");
  p.className = "staff-edit";
  var a = document.createElement("a");
  a.href = "/newsroom/items/" + id;
  a.textContent = story.getAttribute("data-edit-label") || "Edit";
  p.appendChild(a);
  story.insertBefore(p, story.firstChild);
})();

// The masthead's editions and sections fold behind a menu button when they would
// take more than one line; without this script they are always shown.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) { return; }
  var open = false;
  function fits() {
    menu.classList.remove("folded");
    var lists = menu.querySelectorAll("ul");
    for (var i = 0; i < lists.length; i++) {
      var first = lists[i].firstElementChild;
      if (first && lists[i].offsetHeight > first.offsetHeight * 1.5) { return false; }
    }
    return true;
  }
  function arrange() {
    if (fits()) {
      button.hidden = true;
      return;
    }
    button.hidden = false;
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("folded", !open);
  }
  button.addEventListener("click", function () {
    open = !open;
    arrange();
  });
  window.addEventListener("resize", arrange);
  arrange();
})();
