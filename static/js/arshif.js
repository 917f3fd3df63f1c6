/* Arshif: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var form = document.getElementById("search-form");
    if (form) {
      // Submit as soon as a filter is ticked or the order changes (dates wait for "Apply").
      form.addEventListener("change", function (event) {
        var target = event.target;
        if ((target.type === "checkbox" && target.closest("[data-filters]")) || target.hasAttribute("data-autosubmit")) {
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        }
      });
      // Leave empty fields out of the URL, so shared links stay short.
      form.addEventListener("submit", function () {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name && field.type !== "checkbox" && field.value === "") field.disabled = true;
        });
        var results = document.querySelector(".content");
        if (results) results.setAttribute("aria-busy", "true");
      });
      // Coming back with the browser's Back button: fields usable again.
      window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      });
    }

    // Filters: open beside the results on wide screens, a collapsed panel on phones.
    var filters = document.querySelector("[data-filters]");
    if (filters && window.matchMedia) {
      var wide = window.matchMedia("(min-width: 48.01rem)");
      var apply = function () { filters.open = wide.matches; };
      apply();
      if (wide.addEventListener) wide.addEventListener("change", apply);
    }

    // Copy buttons (the citation): shown only when JavaScript can copy.
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      var status = button.parentNode.querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = source.textContent.replace(/\s+/g, " ").trim();
        var done = function () { if (status) status.textContent = button.getAttribute("data-copied"); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectAndCopy(source) && done(); });
        } else if (selectAndCopy(source)) {
          done();
        }
      });
    });
  });

  function selectAndCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }
})();
