// The printable record's "Print" link (no inline handler: the site's CSP allows no inline script).
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
