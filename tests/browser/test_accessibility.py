"""Every page type passes axe-core (WCAG 2.1 A and AA) and the Nu HTML Checker.

The pages come from the registry in tests/browser/pages.py. axe runs per page in the
browser; the Nu checker (a JVM, slow to start) runs once over all pages at the end.

With `KINDERSCHUTZ_WRITE_A11Y_FINDINGS=1` the run also writes what axe found per page
type into publicbody/a11y_findings.json, which the admin's dashboard lists as candidate
"parts not accessible" of the accessibility statement (publicbody/findings.py).
"""

import datetime
import os
import urllib.request

import pytest

from .audit import axe_violations, html_errors
from .pages import PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_type_passes_axe_and_html_check(
    name, site, live_server, browser_page, collected_html
):
    target = PAGES[name](site)
    response = browser_page.goto(live_server.url + target.url)

    assert response.status == target.status, f"{name}: {target.url} gab {response.status}"
    assert browser_page.locator("h1").count() == 1, f"{name}: genau eine h1 erwartet"
    for landmark in ("header", "nav", "main", "footer"):
        assert browser_page.locator(landmark).count() >= 1, f"{name}: <{landmark}> fehlt"
    violations = axe_violations(browser_page)
    if os.environ.get("KINDERSCHUTZ_WRITE_A11Y_FINDINGS"):
        _record_findings(name, violations)
    assert not violations, f"{name} ({target.url}) verletzt WCAG:\n" + "\n".join(violations)
    collected_html[name] = response.text()


def test_collected_pages_are_valid_html(site, live_server, collected_html):
    """One Nu checker run over every registry page (pages not audited above are fetched)."""
    for name, builder in PAGES.items():
        if name in collected_html:
            continue
        target = builder(site)
        try:
            with urllib.request.urlopen(live_server.url + target.url) as response:  # noqa: S310
                collected_html[name] = response.read().decode()
        except urllib.error.HTTPError as error:
            collected_html[name] = error.read().decode()

    errors = html_errors(collected_html)

    assert not errors, "Nu HTML Checker meldet Fehler:\n" + "\n".join(errors)


def _record_findings(name, violations):
    """Merge this page type's result into publicbody/a11y_findings.json (rule ids and help
    texts from the readable lines `axe_violations` returns)."""
    from publicbody import findings

    current = {p["page_type"]: p["rules"] for p in findings.load()["pages"]}
    rules = {}
    for line in violations:
        rule_id, _, rest = line.partition(" (")
        rules[rule_id] = rest.split("): ", 1)[-1].split("\n", 1)[0]
    current[name] = [{"id": i, "help": h} for i, h in rules.items()]
    findings.write(current, datetime.date.today().isoformat())
