// No inline scripts: the CSP allows only same-origin files and nonced blocks.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) { event.target.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); event.stopPropagation(); }
}, true);
document.addEventListener("click", function (event) {
  var el = event.target.closest("a[data-back]");
  if (el && window.history.length > 1) { event.preventDefault(); window.history.back(); }
});
// The menu marks where the page belongs: the item whose link is the longest prefix of its path.
(function () {
  var path = window.location.pathname, best = null, bestLength = 0;
  document.querySelectorAll(".gj-navbar .dropdown-menu a.dropdown-item[href^='/']").forEach(function (link) {
    var href = link.getAttribute("href").split("?")[0];
    if ((path === href || (href !== "/" && path.indexOf(href) === 0)) && href.length > bestLength) { best = link; bestLength = href.length; }
  });
  if (best) {
    best.classList.add("active");
    best.setAttribute("aria-current", "page");
    best.closest(".dropdown").querySelector(".dropdown-toggle").classList.add("active");
  }
})();
// Tree nodes (orgs/partials/*_node.html): a toggle shows or hides the list of children it controls.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".gj-tree-toggle");
  if (!toggle) { return; }
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.getElementById(toggle.getAttribute("aria-controls")).hidden = !open;
});
// The navbar search's suggestions (search/partials/suggestions.html) cover the page: Escape or a
// click elsewhere closes them; typing again brings them back. (Chromium empties a search box on
// Escape by itself, other browsers do not.)
(function () {
  function close() {
    var results = document.getElementById("navbar-search-results");
    if (results) { results.innerHTML = ""; }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.closest && event.target.closest("form[role=search]")) { close(); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("form[role=search]")) { close(); }
  });
})();
