// Parcours client — the course website. On a phone a figure is shrunk to the screen width:
// a tap (or click) on a figure shows it at twice the width, to scroll sideways; another tap
// shrinks it back. No network request, no library.
(function () {
  "use strict";
  function setup() {
    var images = document.querySelectorAll(".output_png img, .output_jpeg img");
    Array.prototype.forEach.call(images, function (img) {
      var box = img.parentElement;
      box.classList.add("figure-zoomable");
      img.title = "Toucher pour agrandir la figure";
      img.addEventListener("click", function () {
        var big = box.classList.toggle("figure-agrandie");
        img.title = big ? "Toucher pour réduire la figure" : "Toucher pour agrandir la figure";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
