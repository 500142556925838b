/* The reception catalogue's filter: inlined into index.html and allowed by its hash.
   Without it the page still lists every leaflet; with it the search box and topics work. */
(function () {
  "use strict";
  var form = document.getElementById("finder");
  var list = document.getElementById("leaflets");
  var empty = document.getElementById("empty");
  if (!form || !list || !empty) { return; }  // no leaflets yet: nothing to filter
  var search = document.getElementById("search");
  var count = document.getElementById("count");
  var live = document.getElementById("announce");
  var clear = document.getElementById("clear");
  var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
  var total = cards.length;
  var announce = null;

  // Lower case without accents, as the catalogue folds the cards' text in Python.
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function topic() {
    var checked = form.querySelector("input[name=topic]:checked");
    return checked ? checked.value : "";
  }

  function plural(n) { return n === 1 ? " leaflet" : " leaflets"; }

  function apply() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var tag = topic();
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute("data-search");
      var tags = JSON.parse(card.getAttribute("data-tags") || "[]");
      var match = words.every(function (word) { return text.indexOf(word) !== -1; })
        && (!tag || tags.indexOf(tag) !== -1);
      card.hidden = !match;
      if (match) { shown += 1; }
    });
    empty.hidden = shown !== 0;
    list.hidden = shown === 0;
    var filtered = words.length > 0 || tag !== "";
    var text = filtered ? shown + " of " + total + plural(total) : total + plural(total);
    count.textContent = text;
    // Polite and a little late, so a screen reader is not interrupted at every key.
    clearTimeout(announce);
    announce = setTimeout(function () {
      if (live.textContent !== text) { live.textContent = text; }
    }, 500);
  }

  // A leaflet whose review date passed after the page was made is overdue today.
  function markOverdue() {
    var now = new Date();
    var today = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-"
      + String(now.getDate()).padStart(2, "0");
    var overdue = 0;
    cards.forEach(function (card) {
      var due = card.getAttribute("data-review-due");
      if (due && due < today) {
        card.classList.add("is-overdue");
        var badge = card.querySelector(".badge-overdue");
        if (badge) { badge.hidden = false; }
      }
      if (card.classList.contains("is-overdue")) { overdue += 1; }
    });
    var note = document.getElementById("overdue-note");
    var noteText = document.getElementById("overdue-text");
    if (note && noteText && overdue > 0) {
      noteText.textContent = overdue === 1
        ? "1 leaflet is past its review date: check with the author before giving it out."
        : overdue + " leaflets are past their review date: check with the author before giving them out.";
      note.hidden = false;
    }
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  search.addEventListener("search", apply);
  // Enter jumps to the first matching leaflet's first PDF.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector(".card:not([hidden]) a.format");
    if (first) { first.focus(); }
  });
  clear.addEventListener("click", function () {
    search.value = "";
    var all = form.querySelector("input[name=topic][value='']");
    if (all) { all.checked = true; }
    apply();
    search.focus();
  });
  // Going back from a PDF restores the form's values: show the matching cards again.
  window.addEventListener("pageshow", apply);
  markOverdue();
  apply();
  clearTimeout(announce);  // nothing to announce while the page loads
}());
