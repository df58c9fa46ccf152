// The one script of the app. htmx does the talking; this file draws charts embedded as JSON (a chart point that
// carries a path, such as a heatmap cell, leads to it), prints on a [data-print] button and stops a file over the
// upload limit before it is sent.
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
  document.addEventListener("DOMContentLoaded", function () {
    // onLoad hands over the swapped element itself; look inside it and at it.
    window.htmx.onLoad(function (el) { drawCharts(el.parentElement || el); });
  });
})();
