// The school search box (schools/widgets.py): suggestions come from the schools API as one
// types; picking one puts its id in the hidden input beside the box and tells the form.
(function () {
  var timers = new WeakMap();

  function parts(input) {
    var box = input.closest("[data-school-search]");
    return box && { box: box, hidden: box.querySelector("input[type=hidden]"), list: box.querySelector("datalist") };
  }

  function suggest(input, found) {
    var source = found.box.dataset.schoolSearch;
    var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "page_size=20&q=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        found.list.replaceChildren.apply(found.list, (data.results || []).map(function (school) {
          var option = document.createElement("option");
          option.value = school.code + " " + school.name;
          option.dataset.pk = school.id;
          return option;
        }));
        pick(input, found, false);
      }, function () { return null; });
  }

  function pick(input, found, typed) {
    var text = input.value.trim();
    var match = Array.prototype.find.call(found.list.options, function (option) { return option.value === text; });
    var before = found.hidden.value;
    if (match) { found.hidden.value = match.dataset.pk; }
    else if (!text || typed) { found.hidden.value = ""; }
    if (found.hidden.value !== before && (match || !text)) {
      found.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    var found = input.matches && input.matches("input[type=search]") && parts(input);
    if (!found) { return; }
    pick(input, found, true);
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input, found); }, 200));
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    var found = input.matches && input.matches("input[type=search]") && parts(input);
    if (found && !found.list.options.length) { suggest(input, found); }
  });
})();
