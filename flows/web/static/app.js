// Keyboard shortcuts of the review app (documented on each page). No inline scripts: the
// Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link && link.href) { window.location.href = link.href; return true; }
    return false;
  }

  // --- the queue: j/k move a selection, Enter/o opens it, n/p page, / searches ---------------
  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
    var current = -1;
    function select(index) {
      if (!rows.length) return;
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0) rows[current].classList.remove("selected");
      current = index;
      rows[current].classList.add("selected");
      rows[current].scrollIntoView({ block: "nearest" });
    }
    rows.forEach(function (row, index) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;
        window.location.href = row.getAttribute("data-href");
      });
      row.addEventListener("mouseenter", function () { select(index); });
    });
    return function (key) {
      if (key === "j") { select(current + 1); return true; }
      if (key === "k") { select(current - 1); return true; }
      if ((key === "Enter" || key === "o") && current >= 0) {
        window.location.href = rows[current].getAttribute("data-href");
        return true;
      }
      if (key === "n") return follow("#next-page");
      if (key === "p") return follow("#first-page");
      if (key === "/") { var search = document.getElementById("search"); if (search) { search.focus(); return true; } }
      return false;
    };
  }

  // --- a pair: c/r/u verdicts, j/n next, k/p previous, q queue, e note ------------------------
  function pair() {
    var form = document.getElementById("verdict-form");
    // Hovering a reason lights up its evidence in both statements.
    Array.prototype.forEach.call(document.querySelectorAll("li[data-reason]"), function (item) {
      var marks = document.querySelectorAll("mark.r" + item.getAttribute("data-reason"));
      item.addEventListener("mouseenter", function () { marks.forEach(function (m) { m.classList.add("active"); }); });
      item.addEventListener("mouseleave", function () { marks.forEach(function (m) { m.classList.remove("active"); }); });
    });
    var sent = false;
    return function (key) {
      if (form && (key === "c" || key === "r" || key === "u")) {
        var button = form.querySelector('button[data-key="' + key + '"]');
        if (button && !sent) {
          sent = true;
          form.classList.add("sending");
          if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
        }
        return true;
      }
      if (key === "j" || key === "n") return follow("#next-pair");
      if (key === "k" || key === "p") return follow("#prev-pair");
      if (key === "q") return follow(".pairnav a");
      if (key === "e") { var note = document.getElementById("note"); if (note) { note.focus(); return true; } }
      return false;
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    var handler = page === "queue" ? queue() : page === "pair" ? pair() : null;
    if (!handler) return;
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      if (handler(event.key)) event.preventDefault();
    });
  });
})();
