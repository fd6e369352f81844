// The document editor: add, remove and move blocks; each change refreshes the preview.
(function () {
  "use strict";
  var form = document.getElementById("document-editor");
  if (!form) return;
  var blocks = document.getElementById("blocks");
  var template = document.getElementById("new-block");
  function changed() { form.dispatchEvent(new Event("blocks-changed", { bubbles: true })); }
  function add(kind, after) {
    var block = template.content.firstElementChild.cloneNode(true);
    block.querySelector("select").value = kind;
    if (after) after.after(block); else blocks.appendChild(block);
    block.querySelector("textarea").focus();
    changed();
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.type === "submit") return;
    var block = button.closest(".editor-block");
    if (button.dataset.add) { add(button.dataset.add, null); return; }
    if (!block) return;
    if (button.dataset.remove !== undefined) { block.remove(); changed(); }
    if (button.dataset.move === "-1" && block.previousElementSibling) {
      block.previousElementSibling.before(block); changed();
    }
    if (button.dataset.move === "1" && block.nextElementSibling) {
      block.nextElementSibling.after(block); changed();
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "block_kind") return;
    var text = event.target.closest(".editor-block").querySelector("textarea");
    text.readOnly = event.target.value === "tables";
    text.classList.toggle("fw-bold", event.target.value === "h1" || event.target.value === "h2");
  });
})();
