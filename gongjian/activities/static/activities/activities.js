// No inline scripts (CSP): small behaviours for activity pages.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
