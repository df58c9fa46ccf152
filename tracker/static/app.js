// The one script of the app. htmx does the talking; this file draws charts embedded as JSON (a chart point that
// carries a path, such as a heatmap cell, leads to it), prints on a [data-print] button, stops a file over the
// upload limit before it is sent, folds navigation and filters on small screens, asks before what cannot be
// undone, says what a save did and puts the focus somewhere sensible after an in-page update.
// A chart is <div class="chart" data-figure="ID"> plus <script type="application/json" id="ID">{figure}</script>,
// which works under a strict Content-Security-Policy (no inline script runs).
(function () {
  "use strict";
  function drawCharts(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      if (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) {
        var ink = getComputedStyle(document.body).color;  // the page's own colours, not Plotly's white panel
        figure.layout = Object.assign({}, figure.layout || {}, { paper_bgcolor: "rgba(0,0,0,0)",
          plot_bgcolor: "rgba(0,0,0,0)", font: Object.assign({}, (figure.layout || {}).font, { color: ink }) });
        ["xaxis", "yaxis"].forEach(function (axis) {
          figure.layout[axis] = Object.assign({ gridcolor: "#36414d", zerolinecolor: "#36414d" }, figure.layout[axis] || {});
        });
      }
      window.Plotly.react(el, figure.data, figure.layout || {}, { displaylogo: false, responsive: true, showSendToCloud: false, showEditInChartStudio: false })
        .then(function () {
          if (el.dataset.linked) { return; }
          el.dataset.linked = "1";
          el.on("plotly_click", function (evt) {
            var url = evt.points.length ? evt.points[0].customdata : null;
            if (typeof url === "string" && url.charAt(0) === "/") { window.location.assign(url); }
          });
        });
    });
  }
  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest("[data-print]")) { window.print(); }
  });
  // Filters leave empty fields out of the URL: /projects/?q=pay, not ?q=pay&phase=&status=.
  document.addEventListener("htmx:configRequest", function (evt) {
    if (evt.detail.verb !== "get") { return; }
    var data = evt.detail.formData;
    Array.from(new Set(data.keys())).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) { data.delete(key); }
    });
  });
  // A file over the upload limit is refused before it is sent (the server refuses it too, in the same words).
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
    var note = document.getElementById(input.id + "-size");
    var file = input.files && input.files[0];
    var tooLarge = file && file.size > Number(input.dataset.maxBytes);
    if (note) {
      note.textContent = tooLarge ? file.name + " is larger than the " + input.dataset.maxText + " allowed: choose a smaller file." : "";
      note.hidden = !tooLarge;
    }
    if (tooLarge) { input.value = ""; }
  });
  // A button pressed on a stale page (409): show the record as it is now, the message stays above it.
  document.addEventListener("recordChanged", function () {
    window.htmx.ajax("GET", window.location.href, { target: "main", select: "main", swap: "outerHTML" });
  });

  // Small screens: the navigation and each list's filters fold behind a button (CSS folds them only when this
  // script runs, marked by js-on.js); the button says how many filters are set.
  function foldFilters(root) {
    root.querySelectorAll("form.filters").forEach(function (form, n) {
      if (form.previousElementSibling && form.previousElementSibling.matches(".filters-toggle")) { return; }
      form.id = form.id || "filters-" + n;
      var set = Array.from(new URLSearchParams(window.location.search).keys()).filter(function (key) {
        return ["sort", "page", "view"].indexOf(key) < 0;
      }).length;  // what the address sets, not a default the form shows
      var button = document.createElement("button");
      button.type = "button";
      button.className = "filters-toggle secondary";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", form.id);
      button.textContent = set ? "Filters (" + set + " set)" : "Filters";
      form.parentNode.insertBefore(button, form);
    });
  }
  document.addEventListener("click", function (evt) {
    var toggle = evt.target.closest && evt.target.closest(".menu-toggle, .filters-toggle");
    if (!toggle) { return; }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    var folded = toggle.matches(".menu-toggle") ? toggle.closest("header") : document.getElementById(toggle.getAttribute("aria-controls"));
    folded.classList.toggle("open", open);
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") { return; }
    var toggle = document.querySelector(".menu-toggle[aria-expanded=true]");
    if (toggle) { toggle.click(); toggle.focus(); }
  });

  // A table wider than its box scrolls inside it; such a box can be reached and scrolled from the keyboard.
  function scrollable(root) {
    root.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        var heading = caption || box.closest("section") && box.closest("section").querySelector("h1, h2, h3");
        box.setAttribute("aria-label", (heading ? heading.textContent.trim() + ": " : "") + "table, scrolls sideways");
      } else if (box.hasAttribute("role")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { scrollable(document); }, 150);
  });

  // Asking before what cannot be undone, in the browser's own dialog: a form's hx-confirm (htmx asks), or the
  // [data-confirm] of the button that submits it (a status change no move leaves, in a form with other moves).
  document.addEventListener("htmx:confirm", function (evt) {
    var submitter = evt.detail.triggeringEvent && evt.detail.triggeringEvent.submitter;
    var question = submitter && submitter.dataset.confirm;
    if (!question || evt.detail.question) { return; }
    evt.preventDefault();
    if (window.confirm(question)) { evt.detail.issueRequest(true); }
  });
  document.addEventListener("submit", function (evt) {
    var button = evt.submitter;
    if (evt.target.hasAttribute("hx-post") || !button || !button.dataset.confirm) { return; }
    if (!window.confirm(button.dataset.confirm)) { evt.preventDefault(); }
  });

  // What a save did, said where screen readers hear it (the messages region is aria-live): the server names it
  // in an HX-Trigger "saved" event for a form posted in place (a plain post gets the same words as a flash).
  document.addEventListener("saved", function (evt) {
    var messages = document.getElementById("messages");
    messages.querySelectorAll(".flash.success").forEach(function (old) { old.remove(); });
    var note = document.createElement("p");
    note.className = "flash success";
    note.textContent = evt.detail.value;
    messages.appendChild(note);
  });

  // A new save's words replace the last one's (a refused form says nothing new: its errors are beside it).
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (evt.detail.requestConfig && evt.detail.requestConfig.verb === "get") { return; }
    document.querySelectorAll("#messages .flash.success").forEach(function (old) { old.remove(); });
  });

  // After a form posted in place is swapped: the first field in error, or else the updated section's heading,
  // takes the focus; an "add" disclosure that was open stays open for the next entry.
  // A target swapped whole (outerHTML: the page's main, a table row) is found again by its id.
  var reopen = [], swappedId = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var all = evt.detail.target.querySelectorAll("details.add");
    reopen = Array.from(all).map(function (d) { return d.open; });
    swappedId = evt.detail.target.id || null;
  });
  function headingOf(target) {
    if (target.matches("tr")) { return target; }  // a row updated in place: the row itself
    return target.matches("h1, h2, h3") ? target : target.querySelector("h1, h2, h3") ||
      (target.closest("section") && target.closest("section").querySelector("h1, h2, h3")) || target;
  }
  document.addEventListener("htmx:afterSettle", function (evt) {
    var verb = evt.detail.requestConfig && evt.detail.requestConfig.verb;
    var target = evt.detail.target;
    if (!target || !document.body.contains(target)) { target = swappedId && document.getElementById(swappedId); }
    swappedId = null;
    if (!target) { reopen = []; return; }
    target.querySelectorAll("details.add").forEach(function (d, n) { if (reopen[n]) { d.open = true; } });
    reopen = [];
    var from = evt.detail.elt;
    if (verb === "get") {  // a new page of a list: its top comes into view and takes the focus
      if (from && from.closest && from.closest(".pages")) {
        if (!target.hasAttribute("tabindex")) { target.tabIndex = -1; }
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: "start" });
      }
      return;
    }
    var invalid = target.querySelector("[aria-invalid=true]");
    var focus = invalid || headingOf(target);
    if (!invalid && !focus.hasAttribute("tabindex")) { focus.tabIndex = -1; }
    focus.focus({ preventScroll: true });
    if (invalid) {
      invalid.scrollIntoView({ block: "center" });
    } else if (target.id === "main") {
      window.scrollTo(0, 0);  // the whole page changed: its top, where the messages say what was done
    } else {
      focus.scrollIntoView({ block: "nearest" });
    }
  });

  // Choosing several (the choose_many macro's checkboxes): what is chosen shows as chips above the list, each
  // a button that takes it off again; a long list gets a box that narrows it as one types.
  function enhancePickers(root) {
    root.querySelectorAll("fieldset.picker").forEach(function (picker) {
      if (picker.dataset.enhanced) { return; }
      picker.dataset.enhanced = "1";
      var list = picker.querySelector(".choices");
      var boxes = Array.from(list.querySelectorAll("input[type=checkbox]"));
      var chips = document.createElement("ul");
      chips.className = "chips";
      chips.setAttribute("aria-label", "Chosen");
      list.parentNode.insertBefore(chips, list);
      if (boxes.length > 8) {
        var filter = document.createElement("input");
        filter.type = "search";
        filter.className = "picker-filter";
        filter.placeholder = "Type to narrow the list";
        filter.setAttribute("aria-label", "Narrow the list: " + picker.querySelector("legend").textContent.replace("*", "").trim());
        list.parentNode.insertBefore(filter, list);
        var none = document.createElement("p");
        none.className = "muted";
        none.setAttribute("role", "status");
        list.appendChild(none);
        filter.addEventListener("input", function () {
          var words = filter.value.trim().toLowerCase();
          var shown = 0;
          boxes.forEach(function (box) {
            var hide = words !== "" && box.closest("label").textContent.toLowerCase().indexOf(words) < 0;
            box.closest("label").hidden = hide;
            shown += hide ? 0 : 1;
          });
          none.textContent = shown ? "" : "Nothing matches “" + filter.value.trim() + "”.";
        });
        filter.addEventListener("keydown", function (evt) { if (evt.key === "Enter") { evt.preventDefault(); } });
      }
      function redraw() {
        chips.replaceChildren();
        boxes.filter(function (box) { return box.checked; }).forEach(function (box) {
          var name = box.closest("label").textContent.trim();
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = name + " ×";
          button.setAttribute("aria-label", "Remove " + name);
          button.addEventListener("click", function () {
            box.checked = false;
            redraw();
            (chips.querySelector("button") || box).focus();
          });
          item.appendChild(button);
          chips.appendChild(item);
        });
        chips.hidden = !chips.children.length;
      }
      list.addEventListener("change", redraw);
      picker.closest("form") && picker.closest("form").addEventListener("reset", function () { setTimeout(redraw); });
      redraw();
    });
  }

  // A lookup field's suggestions as a list under its box (the ARIA combobox pattern): the arrow keys move through
  // them, Enter or a click picks one, Escape closes them. The <datalist> htmx fills carries them; without this
  // script the browser shows that list itself (its own keys differ between browsers).
  function enhanceLookups(root) {
    root.querySelectorAll(".lookup input[list]").forEach(function (box) {
      var data = document.getElementById(box.getAttribute("list"));
      var shown = document.createElement("ul");
      var active = -1;
      box.removeAttribute("list");
      shown.className = "suggestions";
      shown.id = data.id + "-shown";
      shown.hidden = true;
      shown.setAttribute("role", "listbox");
      shown.setAttribute("aria-label", "Suggestions");
      box.insertAdjacentElement("afterend", shown);
      box.setAttribute("role", "combobox");
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-expanded", "false");
      box.setAttribute("aria-controls", shown.id);
      function items() { return Array.from(shown.children); }
      function mark(index) {
        active = index;
        items().forEach(function (item, at) { item.setAttribute("aria-selected", at === index ? "true" : "false"); });
        box.setAttribute("aria-activedescendant", items()[index].id);
        items()[index].scrollIntoView({ block: "nearest" });
      }
      function close() {
        shown.hidden = true;
        active = -1;
        box.setAttribute("aria-expanded", "false");
        box.removeAttribute("aria-activedescendant");
      }
      var picked = null;  // the text a pick announced as changed: leaving the box changes nothing more
      function choose(text) {
        box.value = text;
        close();
        picked = text;
        box.dispatchEvent(new CustomEvent("lookup:picked", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));  // a list's filters follow at once
      }
      // The browser's own change on leaving a box typed in and then picked from would redraw a list a second time
      // (a second answer could close what the first one opened).
      box.addEventListener("change", function (evt) {
        if (!evt.isTrusted) { return; }
        if (box.value === picked) { evt.stopImmediatePropagation(); }
        picked = null;
      });
      new MutationObserver(function () {
        var texts = Array.from(data.options).map(function (option) { return option.value; });
        shown.replaceChildren();
        texts.forEach(function (text, at) {
          var item = document.createElement("li");
          item.id = shown.id + "-" + at;
          item.textContent = text;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          item.addEventListener("mousedown", function (evt) { evt.preventDefault(); choose(text); });
          shown.appendChild(item);
        });
        // Open while typing; an answer arriving after a pick (it offers only what was picked) stays closed.
        var open = texts.length > 0 && document.activeElement === box && !(texts.length === 1 && texts[0] === box.value);
        if (open) { shown.hidden = false; active = -1; box.setAttribute("aria-expanded", "true"); } else { close(); }
      }).observe(data, { childList: true });
      box.addEventListener("keydown", function (evt) {
        if (shown.hidden) { return; }
        var count = items().length;
        if (evt.key === "ArrowDown") { evt.preventDefault(); mark((active + 1) % count); }
        else if (evt.key === "ArrowUp") { evt.preventDefault(); mark((active - 1 + count) % count); }
        else if (evt.key === "Enter" && active >= 0) { evt.preventDefault(); choose(items()[active].textContent); }
        else if (evt.key === "Escape") { evt.preventDefault(); close(); }
      });
      box.addEventListener("blur", close);
    });
  }

  // Choosing several by typing (the lookup macro's `multiple`): the posted text box holds one choice a line; here
  // it hides behind chips, one a line, each a button that takes it off, and a box that adds what is picked from its
  // suggestions (or typed: Enter adds it as it is, and the server resolves it like any other line).
  function enhanceSeveral(root) {
    root.querySelectorAll("[data-several]").forEach(function (field) {
      if (field.dataset.enhanced) { return; }
      field.dataset.enhanced = "1";
      var lines = field.querySelector("textarea");
      var add = field.querySelector("input[type=text]");
      var label = field.querySelector("label[for='" + lines.id + "']");
      var chips = document.createElement("ul");
      chips.className = "chips";
      chips.setAttribute("aria-label", "Chosen");
      lines.parentNode.insertBefore(chips, lines);
      lines.hidden = true;
      lines.removeAttribute("required");  // the server says what is missing, beside the field
      add.hidden = false;
      add.setAttribute("aria-describedby", lines.getAttribute("aria-describedby"));
      label.htmlFor = add.id;
      function chosen() {
        return lines.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
      }
      function redraw() {
        chips.replaceChildren();
        chosen().forEach(function (text, index) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = text + " ×";
          button.setAttribute("aria-label", "Remove " + text);
          button.addEventListener("click", function () {
            lines.value = chosen().filter(function (_, at) { return at !== index; }).join("\n");
            redraw();
            (chips.querySelector("button") || add).focus();
          });
          item.appendChild(button);
          chips.appendChild(item);
        });
        chips.hidden = !chips.children.length;
      }
      function take() {
        var text = add.value.trim();
        if (text && chosen().indexOf(text) < 0) { lines.value = chosen().concat([text]).join("\n"); }
        add.value = "";
        redraw();
      }
      add.addEventListener("keydown", function (evt) {
        if (evt.key === "Enter" && !evt.defaultPrevented) { evt.preventDefault(); take(); }
      });
      add.addEventListener("lookup:picked", take);
      redraw();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters(document);
    enhancePickers(document);
    enhanceLookups(document);
    enhanceSeveral(document);
    scrollable(document);
    // onLoad hands over the swapped element itself; look inside it and at it.
    window.htmx.onLoad(function (el) {
      drawCharts(el.parentElement || el);
      scrollable(el.parentElement || el);
      enhancePickers(el.parentElement || el);
      enhanceLookups(el.parentElement || el);
      enhanceSeveral(el.parentElement || el);
    });
  });
})();
