/*
 * German slugs in the editor: "Über uns – Fußball" fills the slug with "ueber-uns-fussball".
 *
 * Wagtail (7.4 and 8) fills the slug through its Stimulus controller `w-slug` (the
 * title's `w-sync` dispatches `w-sync:apply`, the slug runs `urlify`). The controller
 * applies the regex replacements of its `formatters` value before it slugifies, so we add
 * the German transliteration there; everything else stays Wagtail's. The server applies
 * the same rule on save (kinderschutz_cms/slugs.py).
 */
(function () {
  "use strict";

  var GERMAN = [
    ["ä", "ae"], ["ö", "oe"], ["ü", "ue"],
    ["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"],
    ["ß", "ss"], ["ẞ", "SS"],
  ];
  var SLUG_INPUTS = 'input[data-controller~="w-slug"]';
  var ATTRIBUTE = "data-w-slug-formatters-value";

  function addGermanFormatters(input) {
    if (input.dataset.ksGermanSlug) return;
    var formatters = [];
    try {
      formatters = JSON.parse(input.getAttribute(ATTRIBUTE) || "[]");
    } catch (error) {
      formatters = [];
    }
    var german = GERMAN.map(function (pair) {
      return [[pair[0], "gu"], pair[1]];
    });
    input.setAttribute(ATTRIBUTE, JSON.stringify(german.concat(formatters)));
    input.dataset.ksGermanSlug = "1";
  }

  function addToAll() {
    document.querySelectorAll(SLUG_INPUTS).forEach(addGermanFormatters);
  }

  // Slug inputs that appear later (panels, modals) get the formatters before Wagtail's
  // controller handles the event: a capturing listener runs first.
  ["w-sync:check", "w-sync:apply", "focusin", "blur"].forEach(function (name) {
    document.addEventListener(
      name,
      function (event) {
        if (event.target instanceof Element && event.target.matches(SLUG_INPUTS)) {
          addGermanFormatters(event.target);
        }
      },
      true
    );
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addToAll);
  } else {
    addToAll();
  }
})();
