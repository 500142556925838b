/* The reception catalogue's finder: inlined into index.html and allowed by its hash.
   Without it the page still lists every leaflet. With it: search over every word of every
   leaflet (MiniSearch, with the index the build wrote to search-index.js, which loads while
   the list is read), topic, language, format and review filters, and the state in the
   address (index.html#q=spine&lang=pl) so a search can be bookmarked or shared. */
(function () {
  "use strict";
  // This script runs in the page's head, so the index starts loading (and compiling, off
  // the main thread) while the browser is still reading the list.
  var me = document.currentScript;
  var arrived = null;  // what search-index.js defined, once it has run
  var begin = null;  // the finder's start(), once the list is there

  // Add one of the build's script files; call back with what it defines, if it is this
  // build's (a stale copy or a cache would point at other cards).
  function add(address, name, then) {
    if (!address) { return; }
    var script = document.createElement("script");
    script.src = address;
    script.addEventListener("load", function () {
      var loaded = window[name];
      if (loaded && address.slice(-loaded.version.length - 3) === "?v=" + loaded.version) { then(loaded); }
    });
    document.head.appendChild(script);
  }
  add(me && me.getAttribute("data-index"), "LeafpressSearch", function (loaded) {
    if (!window.MiniSearch) { return; }
    arrived = loaded;
    if (begin) { begin(loaded); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", finder);
  } else {
    finder();
  }

  // The finder: search, filters and the address, over the list that is now there.
  function finder() {
    var form = document.getElementById("finder");
    var list = document.getElementById("leaflets");
    var empty = document.getElementById("empty");
    if (!form || !list || !empty) { return; }  // no leaflets yet: nothing to filter
    var search = document.getElementById("search");
    var count = document.getElementById("count");
    var live = document.getElementById("announce");
    var clear = document.getElementById("clear");
    var selects = {
      lang: document.getElementById("filter-lang"),
      format: document.getElementById("filter-format"),
      review: document.getElementById("filter-review")
    };
    var KEYS = ["q", "topic", "lang", "format", "review"];  // the address's keys, in order
    var SYNC = 24;  // results highlighted at once; the rest when scrolled into view
    var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
    var total = cards.length;
    var info = new Map();  // card -> what the filters read, parsed once
    var engine = null;  // MiniSearch and the build's data, once search-index.js has run
    var announce = null;

    // The build's twins (leafpress/catalogue/search.py): fold, then cut into words.
    var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}";
    var WORD = new RegExp("[" + CJK + "]|(?:(?![" + CJK + "])[\\p{L}\\p{N}\\p{M}])+", "gu");
    function fold(text) {
      return text.toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "");
    }
    function tokens(text) { return fold(text).match(WORD) || []; }

    function words(card, name) { return (card.getAttribute(name) || "").split(" ").filter(Boolean); }
    cards.forEach(function (card) {
      info.set(card, {
        text: null,  // title, summary, topics and reference, folded when first needed
        tags: JSON.parse(card.getAttribute("data-tags") || "[]"),
        lang: words(card, "data-langs"),
        format: words(card, "data-formats"),
        due: card.getAttribute("data-review-due") || ""
      });
    });

    function isoDay(date) {
      return date.getFullYear() + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-"
        + String(date.getDate()).padStart(2, "0");
    }
    var now = new Date();
    var today = isoDay(now);
    var dueBy = isoDay(new Date(now.getFullYear(), now.getMonth(),
                                now.getDate() + Number(form.getAttribute("data-due-days") || 90)));

    // ---- State: the form is the truth; the address mirrors it ----

    function state() {
      var checked = form.querySelector("input[name=topic]:checked");
      return {
        q: search.value,
        topic: checked ? checked.value : "",
        lang: selects.lang ? selects.lang.value : "",
        format: selects.format ? selects.format.value : "",
        review: selects.review ? selects.review.value : ""
      };
    }

    function restore() {
      var params = new URLSearchParams(location.hash.replace(/^#/, ""));
      search.value = params.get("q") || "";
      var topic = params.get("topic") || "";
      var radio = Array.prototype.find.call(form.querySelectorAll("input[name=topic]"),
                                            function (input) { return input.value === topic; });
      if (radio) { radio.checked = true; }
      Object.keys(selects).forEach(function (key) {
        var select = selects[key];
        var value = params.get(key) || "";
        if (select && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
          select.value = value;
        }
      });
    }

    // The address follows the form a moment after typing stops: history.replaceState costs
    // milliseconds (far more from file://), too much for every key.
    var remembering = null;
    function remember(current) {
      clearTimeout(remembering);
      remembering = setTimeout(function () { rewrite(current); }, 250);
    }

    function rewrite(current) {
      var params = new URLSearchParams();
      KEYS.forEach(function (key) { if (current[key]) { params.set(key, current[key]); } });
      var text = params.toString();
      var url = text ? "#" + text : location.pathname + location.search;
      if (("#" + text) !== (location.hash || "#")) {
        try { history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
      }
    }

    // ---- Search ----

    function isStopWord(term) {
      return engine.stop.has(term) || term.length > engine.data.longestWord;
    }

    // The brand's synonyms widen a word (or phrase) to any of its group: AND of OR groups.
    function query(text) {
      var terms = tokens(text).filter(function (t) { return !isStopWord(t); });
      var clauses = [];
      for (var i = 0; i < terms.length;) {
        var group = null;
        var length = 0;
        engine.data.synonyms.forEach(function (phrases) {
          phrases.forEach(function (phrase) {
            if (phrase.length > length && phrase.every(function (w, k) { return terms[i + k] === w; })) {
              group = phrases;
              length = phrase.length;
            }
          });
        });
        if (group) {
          clauses.push({combineWith: "OR", queries: group.map(function (phrase) {
            return {combineWith: "AND", queries: phrase};
          })});
          i += length;
        } else {
          clauses.push(terms[i]);
          i += 1;
        }
      }
      return clauses.length ? {combineWith: "AND", queries: clauses} : null;
    }

    function ranked(text) {
      var tree = query(text);
      if (!tree) { return []; }
      return engine.mini.search(tree).map(function (result) {
        return {card: engine.cards.get(result.id), id: result.id, terms: result.terms};
      }).filter(function (hit) { return hit.card; });
    }

    // Before the index arrives (or if it cannot): every typed word must appear in the
    // title, summary, topics or reference.
    function plainMatch(card, typed) {
      var data = info.get(card);
      if (data.text === null) {
        data.text = fold(Array.prototype.map.call(
          card.querySelectorAll(".card-title, .summary, .tags li, .reference"),
          function (element) { return element.textContent; }).join(" "));
      }
      return typed.every(function (word) { return data.text.indexOf(word) !== -1; });
    }

    // ---- Highlighting: the matched words in the title, summary and best sentence ----

    var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && pending.has(entry.target)) {
          decorate(entry.target, pending.get(entry.target));
        }
      });
    }, {rootMargin: "400px 0px"}) : null;
    var pending = new Map();  // card -> its hit, until it is highlighted
    var decorated = new Set();

    function marked(text, terms) {
      var fragment = document.createDocumentFragment();
      var last = 0;
      var any = false;
      text.replace(WORD, function (word, offset) {
        if (terms.has(fold(word))) {
          fragment.appendChild(document.createTextNode(text.slice(last, offset)));
          var mark = document.createElement("mark");
          mark.textContent = word;
          fragment.appendChild(mark);
          last = offset + word.length;
          any = true;
        }
        return word;
      });
      fragment.appendChild(document.createTextNode(text.slice(last)));
      return any ? fragment : null;
    }

    function bestSentence(id, terms) {
      var sentences = engine.sentences(id);
      var best = null;
      var score = 0;
      sentences.forEach(function (sentence) {
        var found = 0;
        sentence.terms.forEach(function (t) { if (terms.has(t)) { found += 1; } });
        if (found > score) { best = sentence.text; score = found; }
      });
      return best;
    }

    // A long sentence is cut to about 240 characters around its first matched word.
    function around(text, terms) {
      if (text.length <= 240) { return text; }
      var first = 0;
      text.replace(WORD, function (word, offset) {
        if (!first && terms.has(fold(word))) { first = offset; }
        return word;
      });
      var start = Math.max(0, text.lastIndexOf(" ", Math.max(0, first - 80)));
      var end = text.indexOf(" ", Math.min(text.length, start + 240));
      return (start > 0 ? "… " : "") + text.slice(start, end === -1 ? text.length : end).trim()
        + (end === -1 ? "" : " …");
    }

    function setText(element, terms) {
      if (!element) { return; }
      if (element.leafpressText === undefined) { element.leafpressText = element.textContent; }
      var fragment = terms && marked(element.leafpressText, terms);
      if (fragment) {
        element.textContent = "";
        element.appendChild(fragment);
      } else if (element.firstElementChild || element.textContent !== element.leafpressText) {
        element.textContent = element.leafpressText;
      }
    }

    function decorate(card, hit) {
      pending.delete(card);
      decorated.add(card);
      var terms = new Set(hit.terms);
      setText(card.querySelector(".card-title"), terms);
      setText(card.querySelector(".summary"), terms);
      var match = card.querySelector(".match");
      var sentence = bestSentence(hit.id, terms);
      if (!sentence) {
        if (match) { match.remove(); }
        return;
      }
      if (!match) {
        match = document.createElement("p");
        match.className = "match";
        var after = card.querySelector(".summary") || card.querySelector(".card-title");
        after.insertAdjacentElement("afterend", match);
      }
      match.textContent = "";
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = "Matching text: ";
      match.appendChild(label);
      match.appendChild(marked(around(sentence, terms), terms) || document.createTextNode(sentence));
    }

    function undecorate(card) {
      pending.delete(card);
      if (!decorated.delete(card)) { return; }
      setText(card.querySelector(".card-title"), null);
      setText(card.querySelector(".summary"), null);
      var match = card.querySelector(".match");
      if (match) { match.remove(); }
    }

    // ---- Showing the result ----

    function passes(card, current) {
      var data = info.get(card);
      if (current.topic && data.tags.indexOf(current.topic) === -1) { return false; }
      if (current.lang && data.lang.indexOf(current.lang) === -1) { return false; }
      if (current.format && data.format.indexOf(current.format) === -1) { return false; }
      if (current.review === "overdue" && !(data.due && data.due < today)) { return false; }
      if (current.review === "due" && !(data.due && data.due <= dueBy)) { return false; }
      return true;
    }

    function plural(n) { return n === 1 ? " leaflet" : " leaflets"; }

    function order(first, shownSet) {
      // The shown cards first, best match first; then the rest in title order (hidden).
      var wanted = first.concat(cards.filter(function (card) { return !shownSet.has(card); }));
      // Walk the list once, moving only what is out of place (list.children[i] would be
      // recounted after every move: quadratic with 1,000 cards).
      var here = list.firstElementChild;
      wanted.forEach(function (card) {
        if (card === here) {
          here = here.nextElementSibling;
        } else {
          list.insertBefore(card, here);
        }
      });
    }

    function apply() {
      var current = state();
      var words = fold(current.q).split(/\s+/).filter(Boolean);
      var hits = null;
      if (engine && words.length) {
        hits = ranked(current.q).filter(function (hit) { return passes(hit.card, current); });
      }
      var shown = hits ? hits.map(function (hit) { return hit.card; })
        : cards.filter(function (card) { return passes(card, current) && plainMatch(card, words); });
      var visible = new Set(shown);
      cards.forEach(function (card) {
        var hide = !visible.has(card);
        if (card.hidden !== hide) { card.hidden = hide; }
        if (hide || !hits) { undecorate(card); }
      });
      if (hits) {
        order(shown, visible);
        hits.forEach(function (hit, rank) {
          if (rank < SYNC) {
            decorate(hit.card, hit);
          } else {
            pending.set(hit.card, hit);
            if (observer) { observer.unobserve(hit.card); observer.observe(hit.card); }
          }
        });
      } else {
        order(cards.filter(function (card) { return visible.has(card); }), visible);
      }
      empty.hidden = shown.length !== 0;
      list.hidden = shown.length === 0;
      var filtered = KEYS.some(function (key) { return key === "q" ? words.length > 0 : current[key]; });
      var text = filtered ? shown.length + " of " + total + plural(total) : total + plural(total);
      count.textContent = text;
      remember(current);
      // Polite and a little late, so a screen reader is not interrupted at every key.
      clearTimeout(announce);
      announce = setTimeout(function () {
        if (live.textContent !== text) { live.textContent = text; }
      }, 500);
    }

    // ---- The index: loaded after the list is on screen ----

    function start(loaded) {
      var data = loaded.data();
      var stop = new Set(data.stopWords);
      var options = {
        fields: data.fields,
        tokenize: tokens,
        processTerm: function (term) { return stop.has(term) || term.length > data.longestWord ? null : term; },
        searchOptions: {
          combineWith: "AND",
          boost: data.boost,
          prefix: function (term) { return term.length >= data.prefixFrom; },
          fuzzy: function (term) { return term.length >= data.fuzzyFrom ? data.fuzzy : false; }
        }
      };
      loaded.options = options;  // how the index is read (the tests rebuild it with MiniSearch)
      var byStem = new Map();
      cards.forEach(function (card) { byStem.set(card.getAttribute("data-stem"), card); });
      var shortIds = new Map();
      Object.keys(data.index.documentIds).forEach(function (shortId) {
        shortIds.set(data.index.documentIds[shortId], Number(shortId));
      });
      var split = new Map();  // a leaflet's sentences with their words, cut on first use
      var texts = null;  // search-text.js, loaded once the index works
      // In slices (MiniSearch yields every 1,000 words), so the page answers clicks and keys
      // while the index is read; until then words are looked for in titles and summaries.
      window.MiniSearch.loadJSAsync(data.index, options).then(function (mini) {
        engine = {
          mini: mini,
          data: data,
          stop: stop,
          cards: byStem,
          text: function (loaded) { texts = loaded; split.clear(); },
          sentences: function (id) {
            if (!texts) { return []; }
            if (!split.has(id)) {
              split.set(id, (texts[shortIds.get(id)] || []).map(function (text) {
                return {text: text, terms: new Set(tokens(text))};
              }));
            }
            return split.get(id);
          }
        };
        if (window.performance && performance.mark) { performance.mark("leafpress-search-ready"); }
        if (search.value.trim()) { apply(); }
        add(me && me.getAttribute("data-text"), "LeafpressSearchText", function (loaded) {
          engine.text(loaded.data());
          form.setAttribute("data-ready", "");
          if (search.value.trim()) { apply(); }
        });
      });
    }


    // A leaflet whose review date passed after the page was made is overdue today.
    function markOverdue() {
      var overdue = 0;
      cards.forEach(function (card) {
        var due = info.get(card).due;
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
      Object.keys(selects).forEach(function (key) { if (selects[key]) { selects[key].value = ""; } });
      apply();
      search.focus();
    });
    // A shared link opened in this tab, or going back from a PDF: show what it asks for.
    window.addEventListener("hashchange", function () { restore(); apply(); });
    window.addEventListener("pageshow", apply);
    markOverdue();
    restore();
    apply();
    clearTimeout(announce);  // nothing to announce while the page loads
    begin = start;
    if (arrived) { start(arrived); }
    if (window.performance && performance.mark) { performance.mark("leafpress-list-ready"); }
  }
}());
