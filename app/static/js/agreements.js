/* 签约履约: tell the user at once when a chosen file is over the attachment
   limit (the server refuses it too; this only saves a long upload). File
   inputs carry data-max-bytes and data-too-large (the message). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    var tooLarge = file && max && file.size > max;
    input.setCustomValidity(tooLarge ? input.getAttribute("data-too-large") : "");
    input.classList.toggle("is-invalid", !!tooLarge);
    if (tooLarge) { input.reportValidity(); }
  });
})();
