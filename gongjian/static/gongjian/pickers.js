// Search-as-you-type pickers (lib/pickers.py): a <select data-picker="URL"> holds only its chosen
// options; Tom Select asks URL?q=… for matches, page by page, as the user types or scrolls.
(function () {
  "use strict";

  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") { return; }
    var data = select.dataset;
    var multiple = select.multiple;
    var picker = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      placeholder: data.placeholder,
      hidePlaceholder: multiple,
      allowEmptyOption: false,
      plugins: multiple
        ? { remove_button: { title: data.remove }, virtual_scroll: {} }
        : { clear_button: { title: data.clear }, virtual_scroll: {} },
      // Matching is the server's (names and pinyin initials): every answer it gives is shown.
      score: function () { return function () { return 1; }; },
      shouldLoad: function () { return true; },
      firstUrl: function (query) {
        return data.picker + "?q=" + encodeURIComponent(query);
      },
      load: function (query, callback) {
        var self = this;
        fetch(self.getUrl(query), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [], next: null }; })
          .then(function (answer) {
            if (answer.next) { self.setNextUrl(query, answer.next); }
            callback(answer.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var hint = item.hint ? ' <small class="text-body-secondary">' + escape(item.hint) + "</small>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">' + escapeText(data.noResults) + "</div>"; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">' + escapeText(data.loading) + "</span></div>"; },
        loading_more: function () { return '<div class="loading-more-results py-2 d-flex align-items-center"><div class="spinner-border spinner-border-sm me-2" aria-hidden="true"></div>' + escapeText(data.loadingMore) + "</div>"; },
        no_more_results: function () { return '<div class="no-more-results text-body-secondary small px-2 py-1">' + escapeText(data.noMore) + "</div>"; },
      },
    });
    // Tom Select points the <label> at its search box and leaves the <select> it hides (out of the
    // tab order) unnamed: screen readers get the search box alone.
    select.setAttribute("aria-hidden", "true");
    // What is typed into the search box is not a form field: a list whose filters reload on
    // "input" reloads when a choice is made (the <select> gets its own input event), not per key.
    ["input", "change"].forEach(function (name) {
      picker.control_input.addEventListener(name, function (event) { event.stopPropagation(); });
    });
  }

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  // Forms and filters swapped in by htmx.
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
