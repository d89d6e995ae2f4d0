/*
 * Organisation suggestions on the registration form (progressive enhancement).
 *
 * An input with `data-suggest-url` becomes an ARIA 1.2 combobox with a listbox popup:
 * from two typed characters on, the endpoint (`registrations.views.organisation_search`,
 * at most 10 member names of this network) is asked after a short pause. Arrow keys
 * move through the suggestions (aria-activedescendant, focus stays in the field), Enter
 * or a click takes one, Escape closes the list; a live region says how many there are.
 * The person may always type any other name. Without JavaScript it is a plain text field.
 */
(function () {
    "use strict";

    var MIN_CHARS = 2;
    var DELAY_MS = 200;

    function enhance(input) {
        var url = input.getAttribute("data-suggest-url");
        var listId = input.id + "-suggestions";
        var list = document.createElement("ul");
        list.id = listId;
        list.className = "suggest__list";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", "Vorschläge");
        list.hidden = true;
        var status = document.createElement("div");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        input.insertAdjacentElement("afterend", list);
        list.insertAdjacentElement("afterend", status);
        input.parentElement.classList.add("suggest");

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);

        var timer = null;
        var active = -1;
        var lastQuery = "";
        var request = 0;

        function options() {
            return list.querySelectorAll("[role=option]");
        }

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function highlight(index) {
            var items = options();
            if (!items.length) { return; }
            active = (index + items.length) % items.length;
            items.forEach(function (item, i) {
                item.setAttribute("aria-selected", i === active ? "true" : "false");
            });
            input.setAttribute("aria-activedescendant", items[active].id);
            items[active].scrollIntoView({ block: "nearest" });
        }

        function choose(item) {
            input.value = item.textContent;
            close();
            input.focus();
        }

        function show(names) {
            list.textContent = "";
            names.forEach(function (name, i) {
                var item = document.createElement("li");
                item.id = listId + "-" + i;
                item.setAttribute("role", "option");
                item.setAttribute("aria-selected", "false");
                item.textContent = name;
                item.addEventListener("mousedown", function (event) {
                    event.preventDefault(); // keep the focus in the field
                    choose(item);
                });
                list.appendChild(item);
            });
            active = -1;
            input.removeAttribute("aria-activedescendant");
            if (names.length) {
                list.hidden = false;
                input.setAttribute("aria-expanded", "true");
                status.textContent = names.length === 1 ? "1 Vorschlag" : names.length + " Vorschläge";
            } else {
                close();
                status.textContent = "";
            }
        }

        function lookUp() {
            var query = input.value.trim();
            if (query.length < MIN_CHARS) { show([]); lastQuery = ""; return; }
            if (query === lastQuery) { return; }
            lastQuery = query;
            var mine = ++request;
            fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
                .then(function (response) { return response.ok ? response.json() : { results: [] }; })
                .then(function (data) { if (mine === request) { show(data.results || []); } })
                .catch(function () { if (mine === request) { show([]); } });
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(lookUp, DELAY_MS);
        });
        input.addEventListener("keydown", function (event) {
            var open = !list.hidden;
            if (event.key === "ArrowDown") {
                if (open) { highlight(active + 1); event.preventDefault(); }
            } else if (event.key === "ArrowUp") {
                if (open) { highlight(active - 1); event.preventDefault(); }
            } else if (event.key === "Enter") {
                if (open && active >= 0) { choose(options()[active]); event.preventDefault(); }
            } else if (event.key === "Escape") {
                if (open) { close(); event.preventDefault(); }
            }
        });
        input.addEventListener("blur", close);
    }

    function init() {
        document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
