"""Candidate "parts not accessible" from the project's own accessibility tests.

The browser tests (tests/browser/test_accessibility.py) run axe on one page of every
public page type. With `KINDERSCHUTZ_WRITE_A11Y_FINDINGS=1` they write what axe found
into `publicbody/a11y_findings.json` (shipped with the app): the date of the run and, per
page type with a violation, the rule ids and their help texts. The admin's dashboard
panel lists them as candidates for the statement's "Nicht barrierefreie Inhalte"; an
editor confirms one by adding a row there. Nothing is added to the statement by itself:
an automatic test finds some barriers, never all, and cannot judge an alternative.

An empty `pages` list means the last run found nothing, not that the site is accessible.
"""

import json
from pathlib import Path

FINDINGS_FILE = Path(__file__).resolve().parent / "a11y_findings.json"


def load(path: Path = FINDINGS_FILE) -> dict:
    """`{"checked_on": "YYYY-MM-DD" or None,
    "pages": [{"page_type": ..., "rules": [{"id": ..., "help": ...}]}]}`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"checked_on": None, "pages": []}
    return {"checked_on": data.get("checked_on"), "pages": list(data.get("pages") or [])}


def write(page_results: dict[str, list[dict]], checked_on: str, path: Path = FINDINGS_FILE):
    """Write the findings of one run: `page_results` maps a page type's name to its rules
    (dicts with "id" and "help"); page types without any are left out."""
    pages = [
        {"page_type": name, "rules": [{"id": r["id"], "help": r.get("help", "")} for r in rules]}
        for name, rules in sorted(page_results.items())
        if rules
    ]
    path.write_text(
        json.dumps({"checked_on": checked_on, "pages": pages}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
