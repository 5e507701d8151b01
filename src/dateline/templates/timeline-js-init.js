"use strict";
(function () {
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  window.datelineTimeline = new TL.Timeline("timeline-embed", data, {
    font: null,
    theme: null,
    script_path: "./",
    language: "en",
    hash_bookmark: false,
    soundcite: false,
    timenav_height_percentage: 30
  });
})();
