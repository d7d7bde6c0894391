/* Site-wide behaviour, loaded as a static file (no inline scripts: CSP).
   - forms/buttons with data-confirm ask before submitting;
   - htmx requests carry the CSRF token header;
   - every multiple select (people, projects) becomes a searchable picker
     with removable chips (Tom Select, served from our static files): a plain
     click adds, × removes, nothing is dropped by a missed Ctrl; a select
     marked data-plain stays as it is;
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
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  if (window.TomSelect) {
    document.querySelectorAll("select[multiple]:not([data-plain])").forEach(function (el) {
      // eslint-disable-next-line no-new
      new window.TomSelect(el, {
        plugins: ["remove_button"],
        maxOptions: null,
        hidePlaceholder: true,
        placeholder: el.getAttribute("data-placeholder") || (english ? "Type a name to search" : "输入姓名或名称检索"),
        render: {
          no_results: function () { return '<div class="no-results">' + (english ? "No match" : "无匹配项") + "</div>"; }
        }
      });
    });
  }

  var opened = document.querySelector(".collapse.show[data-open-focus]");
  if (opened) { focusFirstField(opened); }
})();
