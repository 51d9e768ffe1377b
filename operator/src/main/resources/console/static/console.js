// The console's only script of its own: htmx requests carry the session's CSRF token, and the
// log box stays scrolled to the newest line when it was at the bottom before an update.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    e.detail.headers["X-CSRF-Token"] = meta.content;
  }
});
document.addEventListener("htmx:beforeSwap", function (e) {
  var box = e.detail.target;
  if (box && box.id === "logs") {
    box.dataset.atBottom = String(box.scrollTop + box.clientHeight >= box.scrollHeight - 4);
  }
});
document.addEventListener("htmx:afterSwap", function (e) {
  var box = e.detail.target;
  if (box && box.id === "logs" && box.dataset.atBottom !== "false") {
    box.scrollTop = box.scrollHeight;
  }
});
