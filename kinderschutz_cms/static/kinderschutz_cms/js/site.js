/* Kinderschutz-CMS: the only script of the public pages, loaded with `defer`. Progressive
   enhancement: every page works without it.

   - An error summary ([data-error-summary]) gets the focus when the page loads, so that a
     screen reader reads it and the keyboard starts there (WCAG 3.3.1, BITV-Prüfschritt 9.3.3.1).
     HTML has no way to focus a non-control on load (`autofocus` would skip the summary).
   - A link in the summary moves the focus to its field; for a field that cannot take the
     focus (a disabled radio), to the first enabled control of the same fieldset.
   - The calendar's filters ([data-filter-disclosure], a <details>) are closed in the HTML so
     that on a phone the first event is on the first screen; on a wider screen they are
     opened here, where there is room for them next to the list. */
(function () {
    "use strict";
    var filters = document.querySelector("[data-filter-disclosure]");
    if (filters && window.matchMedia && window.matchMedia("(min-width: 40rem)").matches) {
        filters.open = true;
    }
})();
(function () {
    "use strict";
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
        return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) {
            return;
        }
        var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (!target) {
            return;
        }
        if (target.disabled) {
            var group = target.closest("fieldset");
            var enabled = group && group.querySelector("input:not([disabled]), select:not([disabled])");
            if (enabled) {
                target = enabled;
            }
        }
        event.preventDefault();
        var legend = target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
        var label = legend || document.querySelector("label[for='" + target.id + "']");
        target.focus();
        (label || target).scrollIntoView();
        history.replaceState(null, "", link.hash);
    });
})();
