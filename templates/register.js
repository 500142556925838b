/* The review register's sorting and filtering: inlined into register.html, allowed by its hash.
   Without it the page still shows the whole table. */
(function () {
  "use strict";
  var table = document.getElementById("register");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var show = document.getElementById("filter-show");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function matches(row, view) {
    var review = row.getAttribute("data-review");
    switch (view) {
      case "overdue": return review === "overdue";
      case "due-soon": return review === "overdue" || review === "due soon";
      case "stale": return row.getAttribute("data-edition") === "out of date";
      case "draft": return row.getAttribute("data-status") === "draft";
      case "withdrawn": return row.getAttribute("data-status") === "withdrawn";
      default: return true;
    }
  }

  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var haystack = row.getAttribute("data-search");
      var ok = matches(row, show.value) && words.every(function (w) { return haystack.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count === rows.length ? "Showing all " + rows.length + " rows"
      : "Showing " + count + " of " + rows.length + " rows";
    empty.hidden = count !== 0;
  }

  function key(row, column, kind) {
    var cell = row.cells[column];
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (value === "") { return null; }
    if (kind === "number") { return Number(value); }
    if (kind === "version") {
      return value.split(/[^0-9]+/).filter(Boolean).map(function (part) {
        return ("0000000000" + part).slice(-10);
      }).join(".") || value;
    }
    return value.toLowerCase();
  }

  function sortBy(column) {
    var header = headers[column];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var kind = header.getAttribute("data-kind");
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var sorted = rows.slice().sort(function (a, b) {
      var x = key(a, column, kind), y = key(b, column, kind);
      // Empty cells go last whichever way the column is sorted.
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return ascending ? order : -order;
    });
    sorted.forEach(function (row) { body.appendChild(row); });
  }

  headers.forEach(function (header, column) {
    header.querySelector("button").addEventListener("click", function () { sortBy(column); });
  });
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
}());
