"""Checks the browser tests apply to a page: axe-core (WCAG 2.1 A/AA) and the Nu checker."""

import json
import subprocess
import tempfile
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

REPO = Path(__file__).resolve().parents[2]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    """axe-core's violations on the page as readable lines (empty list: none)."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    at {', '.join(map(str, node['target']))}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return lines


def vnu_jar():
    """Path of vnu.jar, installed by scripts/ensure-vnu.sh if needed."""
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "ensure-vnu.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"vnu.jar nicht verfügbar: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def html_errors(documents):
    """Run the Nu HTML Checker once over {name: html}; return readable error lines."""
    jar = vnu_jar()
    with tempfile.TemporaryDirectory(prefix="vnu-") as directory:
        files = []
        for name, html in documents.items():
            path = Path(directory) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        result = subprocess.run(
            ["java", "-jar", jar, "--errors-only", "--format", "json", *files],
            capture_output=True,
            text=True,
            check=False,
        )
    # vnu writes its JSON report to stderr.
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    lines = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = Path(message.get("url", "")).stem
        lines.append(
            f"{name}:{message.get('lastLine', '?')}: {message.get('message')}\n"
            f"    {message.get('extract', '').strip()}"
        )
    return lines
