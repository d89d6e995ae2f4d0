"""Lighthouse 12 on one page of every public page type, under the production configuration.

Starts the production stack (bench/loadkit.py: gunicorn with production settings on a
throwaway PostgreSQL, WhiteNoise serving the hashed static files), loads the demo
network, and runs Lighthouse (pinned in tools/lighthouse/, installed by `npm ci` through
scripts/ensure-lighthouse.sh) with Debian's Chromium on one URL per page type: the page
types of tests/browser/pages.py, taken from the demo data, plus the personal links made
here through the services. Prints the four category scores per page and the ids of the
audits that lost points; the figures are the lowest score per category over all pages.

Preset: mobile (Lighthouse's default, and what most visitors use), with simulated
throttling: Lighthouse loads the page at loopback speed and computes the timings for a
slow 4G connection and a 4x slower CPU from the trace, so the figures do not depend on
the latency of 127.0.0.1. LIGHTHOUSE_PRESET=desktop runs the desktop preset instead;
LIGHTHOUSE_PAGES=home,news_page runs only those page types. Each page is run
LIGHTHOUSE_RUNS times (default 3) and the median score per category is printed, as
Lighthouse's documentation advises against single runs: on a shared machine the simulated
total blocking time follows the real CPU time of the page's main thread, so one busy moment
costs a page points it does not lose on a quiet machine (the range is printed beside it). A
run that fails with one of Lighthouse's runtime errors (e.g. NO_NAVSTART) is repeated once.
The machine's load average is printed with the table. Needs node and npm (skips
with a message without them) and Chromium (CHROME_PATH, default /usr/bin/chromium).
Nothing is fetched at run time: the pages are local, Chromium runs without background
networking and component updates.

    make lighthouse            # the same as: .venv/bin/python bench/run_all.py lighthouse
"""

import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

from common import Figure
from loadkit import ROOT, ProductionStack

NAME = "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run"
)
# Pages kept out of search engines on purpose (robots.txt, kinderschutz_cms/seo.py):
# Lighthouse's SEO category fails them for exactly that ("is-crawlable"), so their SEO
# score is printed but not part of the lowest figure. The 404 page is not run: Lighthouse
# refuses to audit a page that answers 404.
NOT_INDEXED = {
    "search_results",
    "barrier_report_form",
    "barrier_report_sent",
    "registration_form",
    "registration_outcome",
    "registration_detail",
    "registration_cancel",
}
RUNS = max(1, int(os.environ.get("LIGHTHOUSE_RUNS", 3)))
CLI = ROOT / "tools/lighthouse/node_modules/lighthouse/cli/index.js"

# One URL per page type, read from the demo network (printed as JSON by `manage.py
# shell`). Personal links (registration, signing) are made here through the services, as
# a visitor gets them by e-mail.
FIND_URLS = r"""
import json
from django.urls import reverse
from wagtail.models import Page

from events.models import EventIndexPage, FachtagPage, NetworkMeetingPage, TrainingPage
from kinderschutz_cms.models import ContentPage, NetworkHomePage
from members.models import AgreementPage, MemberIndexPage, MemberPage
from news.models import NewsIndexPage, NewsPage
from publicbody.models import AccessibilityStatementPage, ImpressumPage, PrivacyNoticePage
from registrations.services.booking import register
from registrations.tokens import personal_path


def first(model, **filters):
    page = model.objects.live().public().filter(**filters).order_by("path").first()
    return page.url if page else None


def book_first(models):
    # The first live event with an open registration form, and a registration for it.
    for model in models:
        for event in model.objects.live().public().filter(registration_enabled=True):
            try:
                return event, register(event, PERSON)
            except Exception:  # full, closed, or a required workshop choice: the next one
                continue
    return None, None


PERSON = {
    "first_name": "Lea",
    "last_name": "Lighthouse",
    "email": "lea.lighthouse@example.org",
    "organisation": "Kita Sonnenschein",
    "role": "Fachkraft",
    "phone": "",
    "answers": {},
}

urls = {
    "home": first(NetworkHomePage),
    "content_page": first(ContentPage, depth__gt=2),
    "news_index": first(NewsIndexPage),
    "news_page": first(NewsPage),
    "event_index": first(EventIndexPage),
    "training_page": first(TrainingPage),
    "fachtag_page": first(FachtagPage),
    "network_meeting_page": first(NetworkMeetingPage),
    "member_index": first(MemberIndexPage),
    "member_page": first(MemberPage),
    "agreement_page": first(AgreementPage),
    "accessibility_statement": first(AccessibilityStatementPage),
    "impressum": first(ImpressumPage),
    "privacy_notice": first(PrivacyNoticePage),
    "search_results": reverse("kinderschutz_search") + "?q=Fachtag",
    "barrier_report_form": "/barriere-melden/?seite=/",
    "barrier_report_sent": "/barriere-melden/gesendet/",
}
if urls["news_index"]:
    urls["news_index_tag"] = urls["news_index"] + "?tag=fachtag"
event, registration = book_first([TrainingPage, FachtagPage])
if event is not None:
    urls["registration_form"] = event.url + "anmelden/"
    urls["registration_detail"] = personal_path(registration)
    urls["registration_outcome"] = urls["registration_detail"] + "?neu=1"
    urls["registration_cancel"] = personal_path(
        registration, "registration_links:registration_cancel"
    )
print("URLS=" + json.dumps({name: url for name, url in urls.items() if url}))
"""


def _skip(reason):
    print(f"lighthouse: skipped, {reason}", file=sys.stderr)
    return []


def _install():
    """Path of Lighthouse's CLI after `npm ci` in tools/lighthouse (no-op if installed)."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/ensure-lighthouse.sh")], capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError("Lighthouse could not be installed:\n" + result.stderr[-2000:])
    return pathlib.Path(result.stdout.strip())


def lighthouse(cli, url, chrome, preset, out_dir):
    """The Lighthouse report (a dict) of `url`."""
    out = pathlib.Path(out_dir) / "report.json"
    args = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-path={chrome}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--throttling-method=simulate",
        "--max-wait-for-load=30000",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chrome}
    result = subprocess.run(args, capture_output=True, text=True, timeout=240, env=env)
    if result.returncode or not out.exists():
        raise RuntimeError(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(out.read_text())


def lighthouse_retrying(cli, url, chrome, preset):
    """`lighthouse()` in a fresh output directory; a runtime error is retried once."""
    for attempt in (1, 2):
        with tempfile.TemporaryDirectory(prefix="kinderschutz-lh-") as out_dir:
            try:
                return lighthouse(cli, url, chrome, preset, out_dir)
            except (RuntimeError, subprocess.TimeoutExpired):
                if attempt == 2:
                    raise


def summary(report):
    """({category: score 0–100}, [ids of the scored audits that lost points])."""
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(ref["id"])
    return scores, sorted(set(failing))


def run():
    if not (shutil.which("node") and shutil.which("npm")):
        return _skip("node and npm are missing (apt-get install npm)")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not os.access(chrome, os.X_OK):
        return _skip(f"no Chromium at {chrome} (make system-deps, or set CHROME_PATH)")
    cli = _install()
    preset = os.environ.get("LIGHTHOUSE_PRESET", "mobile")
    wanted = [n for n in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if n]
    figures = []
    with ProductionStack(workers=2) as stack:
        stack.prepare(["load_demo_data", "--url", stack.base_url], timeout=1800)
        output = stack.shell(FIND_URLS)
        urls = json.loads(output.split("URLS=", 1)[1])
        stack.start_web()
        lowest = dict.fromkeys(CATEGORIES, 100)
        print(
            f"Lighthouse ({preset}, simulated throttling, median of {RUNS} runs) on "
            f"{stack.base_url}; load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'page type':26} perf a11y  b-p  seo  failing audits (url)")
        for name, path in urls.items():
            if wanted and name not in wanted:
                continue
            runs = []
            try:
                for _ in range(RUNS):
                    runs.append(
                        summary(lighthouse_retrying(cli, stack.base_url + path, chrome, preset))
                    )
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                if not runs:
                    print(f"{name:26} not measured: {str(error)[:300]} ({path})", flush=True)
                    continue
            scores = {c: int(statistics.median(r[0][c] for r in runs)) for c in CATEGORIES}
            spread = {
                c: (min(r[0][c] for r in runs), max(r[0][c] for r in runs)) for c in CATEGORIES
            }
            failing = sorted({audit for r in runs for audit in r[1]})
            for category in CATEGORIES:
                if category != "seo" or name not in NOT_INDEXED:
                    lowest[category] = min(lowest[category], scores[category])
            print(
                f"{name:26} "
                + " ".join(f"{scores[c]:4d}" for c in CATEGORIES)
                + f"  {', '.join(failing) or '-'} ({path})"
                + "".join(
                    f" [{c} {low}–{high} over {len(runs)} runs]"
                    for c, (low, high) in spread.items()
                    if low != high
                )
                + (" [not indexed on purpose]" if name in NOT_INDEXED else ""),
                flush=True,
            )
    figures.append(Figure(NAME, "machine load average (1 min) after the runs", os.getloadavg()[0]))
    for category in CATEGORIES:
        figures.append(
            Figure(
                NAME,
                f"{category}, lowest page ({preset}, median of {RUNS} runs)"
                + (", indexed" if category == "seo" else ""),
                lowest[category],
            )
        )
    return figures
