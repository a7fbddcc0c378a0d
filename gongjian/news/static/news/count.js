// The view counter: one beacon per page view; the server counts one per visitor and day and skips bots.
// A separate request, so the article page itself stays cacheable.
(function () {
  var article = document.querySelector("[data-view-url]");
  if (!article) { return; }
  var url = article.getAttribute("data-view-url");
  if (navigator.sendBeacon) { navigator.sendBeacon(url); return; }
  if (window.fetch) { fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" }); }
})();
