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
