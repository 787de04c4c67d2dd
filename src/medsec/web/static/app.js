// medsec: small progressive enhancements only; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // filter forms submit as soon as a select changes
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // ask before a decision that closes a finding
  document.querySelectorAll(".triage form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var status = form.elements.status.value;
      if ((status === "not_affected" || status === "fixed") && !form.elements.reason.value.trim()) {
        event.preventDefault();
      }
    });
  });
});
