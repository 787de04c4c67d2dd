// medsec: the private status link carries the token after "#", which browsers never send to a
// server. Move it into the status form, drop it from the address bar, and submit by POST.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("status-form");
  var match = /^#token=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
  if (!form || !match) { return; }
  form.elements.token.value = match[1];
  window.history.replaceState(null, "", window.location.pathname);
  if (form.elements.receipt_id.value) { form.submit(); }
});
