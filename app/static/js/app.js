/* Site-wide behaviour, loaded as a static file (no inline scripts: CSP).
   - forms/buttons with data-confirm ask before submitting;
   - htmx requests carry the CSRF token header;
   - a form panel opened in place (a Bootstrap collapse) or shown open after a
     refused save scrolls into view with the cursor in its first field. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = token;
  });

  // Selects marked data-autosubmit submit their form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) { el.form.submit(); }
  });

  function focusFirstField(panel) {
    var first = panel.querySelector(".is-invalid, input:not([type=hidden]), select, textarea");
    panel.scrollIntoView({ block: "start" });
    if (first) { first.focus({ preventScroll: true }); }
  }
  document.addEventListener("shown.bs.collapse", function (event) {
    if (event.target.querySelector("form")) { focusFirstField(event.target); }
  });
  var opened = document.querySelector(".collapse.show[data-open-focus]");
  if (opened) { focusFirstField(opened); }
})();
