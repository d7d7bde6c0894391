/* Lead and company forms (loaded as a static file: CSP forbids inline scripts).
   - "选用" in the live company check links the lead to a company on file;
   - typing another company name drops that link, so the server matches again. */
(function () {
  "use strict";
  var form = document.querySelector("[data-lead-form]");
  if (form) {
    var nameInput = form.querySelector("#company_name");
    var idInput = form.querySelector("#company_id");
    var picked = document.getElementById("company-picked");
    var check = document.getElementById("company-check");

    var choiceInput = function () { return form.querySelector("input[type=hidden][name=company_choice]"); };

    if (nameInput) {
      nameInput.addEventListener("input", function () {
        if (idInput) { idInput.value = ""; }
        var choice = choiceInput();
        if (choice) { choice.value = ""; }
        if (picked) { picked.classList.add("d-none"); }
      });
    }

    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-pick-company]");
      if (!button) { return; }
      event.preventDefault();
      if (idInput) { idInput.value = button.getAttribute("data-pick-company"); }
      var choice = choiceInput();
      if (choice) { choice.value = button.getAttribute("data-pick-company"); }
      if (nameInput) { nameInput.value = button.getAttribute("data-company-label"); }
      if (picked) { picked.classList.remove("d-none"); }
      if (check) { check.textContent = ""; }
    });
  }
})();
