// Praktijkenbank: progressive enhancement only. The pages work without it.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  function ready(fn) {
    if (doc.readyState !== "loading") fn(); else doc.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var form = doc.getElementById("zoekformulier");
    var filters = doc.querySelector("details.filters");
    var small = window.matchMedia("(max-width: 50rem)");

    // Filters fold away on small screens, and stay open on wide ones.
    if (filters) {
      var fit = function () { filters.open = !small.matches; };
      fit();
      if (small.addEventListener) small.addEventListener("change", fit);
    }

    // Facet and sort changes apply at once; focus returns to the control after the reload.
    if (form) {
      form.addEventListener("change", function (e) {
        var el = e.target;
        if (!el.name || el.id === "q") return;
        try { sessionStorage.setItem("pkb-focus", el.id); } catch (_) {}
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
      var again;
      try { again = sessionStorage.getItem("pkb-focus"); sessionStorage.removeItem("pkb-focus"); } catch (_) {}
      var el = again && doc.getElementById(again);
      if (el) {
        if (filters && el.closest("details") === filters) filters.open = true;
        el.focus();
      }
    }

    // "Vorige pagina" through the browser history, next to "Eerste pagina".
    var first = doc.querySelector(".pager .js-back");
    if (first && window.history.length > 1 && doc.referrer.indexOf(location.origin + "/") === 0) {
      var li = doc.createElement("li");
      var back = doc.createElement("button");
      back.type = "button";
      back.textContent = "Vorige pagina";
      back.addEventListener("click", function () { history.back(); });
      li.appendChild(back);
      first.parentNode.parentNode.insertBefore(li, first.parentNode.nextSibling);
    }

    // Suggestions for the search box from /suggesties.
    var q = doc.getElementById("q");
    var list = doc.getElementById("suggesties");
    if (q && list && window.fetch) {
      var timer, last = "";
      q.addEventListener("input", function () {
        clearTimeout(timer);
        var v = q.value.trim();
        if (v.length < 2 || v === last) return;
        timer = setTimeout(function () {
          last = v;
          fetch("/suggesties?q=" + encodeURIComponent(v), { headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { suggesties: [] }; })
            .then(function (data) {
              list.textContent = "";
              (data.suggesties || []).forEach(function (s) {
                var o = doc.createElement("option");
                o.value = s;
                list.appendChild(o);
              });
            })
            .catch(function () {});
        }, 200);
      });
    }
  });
})();
