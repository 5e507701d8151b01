"use strict";
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  var controls = document.getElementById("controls");
  var filter = document.getElementById("filter");
  var toggle = document.getElementById("show-sources");
  var count = document.getElementById("count");
  if (!controls || !filter || !toggle || !count) { return; }
  controls.hidden = false;
  var entries = Array.prototype.slice.call(document.querySelectorAll("section.entry"));
  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shownEntries = 0, shownLines = 0;
    entries.forEach(function (entry) {
      var heading = entry.querySelector("h2").textContent + " " + entry.querySelector(".meta").textContent;
      var lines = Array.prototype.slice.call(entry.querySelectorAll("li.line"));
      var any = false;
      lines.forEach(function (line) {
        var hay = (heading + " " + line.textContent).toLowerCase();
        var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
        line.hidden = !ok;
        if (ok) { any = true; shownLines += 1; }
      });
      entry.hidden = !any;
      if (any) { shownEntries += 1; }
    });
    count.textContent = words.length ? shownEntries + " dates, " + shownLines + " lines match" : "";
  }
  filter.addEventListener("input", apply);
  toggle.addEventListener("change", function () {
    root.classList.toggle("hide-sources", !toggle.checked);
  });
})();
