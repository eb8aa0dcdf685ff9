// Client-side search of the course website. The index (window.PARCOURS_INDEX, written by
// parcours_helpers/site.py into assets/search-index.js) lists one entry per section:
// {page, section, url, texte}. A section matches when it contains every word typed,
// ignoring case and accents. No network request: it works from a USB stick (file://).
(function () {
  "use strict";
  function norm(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function snippet(text, word) {
    var i = norm(text).indexOf(word);
    var start = Math.max(0, i - 80);
    var end = Math.min(text.length, (i < 0 ? 0 : i) + 160);
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }
  function run() {
    var index = window.PARCOURS_INDEX || [];
    var params = new URLSearchParams(window.location.search);
    var query = (params.get("q") || "").trim();
    var input = document.getElementById("q-page");
    var state = document.getElementById("resultats-etat");
    var list = document.getElementById("resultats");
    if (!input || !list) { return; }
    input.value = query;
    var words = norm(query).split(/\s+/).filter(function (w) { return w.length > 0; });
    if (words.length === 0) { return; }
    var hits = [];
    index.forEach(function (e) {
      var hay = norm(e.page + " " + e.section + " " + e.texte);
      var score = 0;
      for (var k = 0; k < words.length; k++) {
        var n = hay.split(words[k]).length - 1;
        if (n === 0) { return; }
        score += n + (norm(e.section + " " + e.page).indexOf(words[k]) >= 0 ? 10 : 0);
      }
      hits.push({ e: e, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    state.textContent = hits.length === 0
      ? "Aucune section ne contient « " + query + " »."
      : hits.length + " section(s) contiennent « " + query + " ».";
    hits.slice(0, 40).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = h.e.url;
      a.textContent = h.e.page + (h.e.section && h.e.section !== h.e.page ? " — " + h.e.section : "");
      var p = document.createElement("span");
      p.className = "extrait";
      p.textContent = snippet(h.e.texte, words[0]);
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
