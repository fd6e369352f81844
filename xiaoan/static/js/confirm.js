// Irreversible steps ask once before they are sent: a form with data-confirm="sentence"
// (and, optionally, data-confirm-when="field=value" to ask only for that choice).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var sentence = form.getAttribute && form.getAttribute("data-confirm");
  if (!sentence) return;
  var when = form.getAttribute("data-confirm-when");
  if (when) {
    var parts = when.split("=");
    var chosen = new FormData(form).get(parts[0]);
    if (chosen !== parts[1]) return;
  }
  if (!window.confirm(sentence)) event.preventDefault();
}, true);
