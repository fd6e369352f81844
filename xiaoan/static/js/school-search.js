// The school search box (core/widgets.py): suggestions come from the schools API as one
// types; picking one puts its id in the hidden input beside the box and tells the form.
// Choosing several schools (data-school-search-multiple), a pick adds a chip (its id in a
// hidden input of its own) and empties the box; a chip's cross removes it.
(function () {
  var timers = new WeakMap();

  function parts(input) {
    var box = input.closest("[data-school-search]");
    if (!box) { return null; }
    var multiple = box.hasAttribute("data-school-search-multiple");
    return {
      box: box, multiple: multiple, list: box.querySelector("datalist"),
      hidden: multiple ? null : box.querySelector("input[type=hidden]"),
    };
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
    if (found.multiple) { if (match) { addChip(input, found, match); } return; }
    var before = found.hidden.value;
    if (match) { found.hidden.value = match.dataset.pk; }
    else if (!text || typed) { found.hidden.value = ""; }
    if (found.hidden.value !== before && (match || !text)) {
      found.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function addChip(input, found, option) {
    var chips = found.box.querySelector("[data-school-chips]");
    var taken = Array.prototype.some.call(chips.querySelectorAll("input[type=hidden]"), function (hidden) {
      return hidden.value === option.dataset.pk;
    });
    if (!taken) {
      var chip = found.box.querySelector("template[data-school-chip-template]").content.firstElementChild.cloneNode(true);
      chip.querySelector("span").textContent = option.value;
      chip.querySelector("input[type=hidden]").value = option.dataset.pk;
      chips.appendChild(chip);
      chip.querySelector("input[type=hidden]").dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.value = "";
  }

  document.addEventListener("click", function (event) {
    var cross = event.target.closest && event.target.closest("[data-school-remove]");
    var chip = cross && cross.closest("[data-school-chip]");
    if (!chip) { return; }
    var chips = chip.parentNode;
    chip.remove();
    chips.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    var found = input.matches && input.matches("input[type=search]") && parts(input);
    if (!found) { return; }
    pick(input, found, true);
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input, found); }, 200));
  });

  // Enter in the box picks the suggestion (the only one, or the one typed out) instead of
  // sending the form with a half-typed school.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || event.isComposing) { return; }
    var found = input.matches && input.matches("input[type=search]") && parts(input);
    if (!found) { return; }
    event.preventDefault();
    var options = found.list.options;
    var text = input.value.trim();
    var match = Array.prototype.find.call(options, function (option) { return option.value === text; });
    if (!match && options.length === 1) { match = options[0]; }
    if (match) { input.value = match.value; pick(input, found, false); }
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    var found = input.matches && input.matches("input[type=search]") && parts(input);
    if (found && !found.list.options.length) { suggest(input, found); }
  });
})();
