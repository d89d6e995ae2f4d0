"""Registrations per second: 200 concurrent submissions for one event with 50 seats.

Starts the production stack (bench/loadkit.py): a throwaway PostgreSQL server (or
$DATABASE_URL), `gunicorn kinderschutz_cms.wsgi -w 4` with the production settings plus
one bench-only endpoint (bench/registration_site.py), spam limits off via the
environment (minimum fill time 0, rate limit off). 200 browser-like clients first GET the
form (CSRF cookie, token, signed timestamp), then POST at once from a thread pool.

Baseline: the same server answering a plain form POST that stores one Wagtail
`FormSubmission` (what a Wagtail form page does) — no lock, no seat count, no outbox.
The confirmed count must equal the capacity (50).

    .venv/bin/python bench/run_all.py registration
"""

import re
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from common import Figure
from loadkit import Client, ProductionStack

SUBMISSIONS = 200
CAPACITY = 50
THREADS = 50
STAMP_RE = re.compile(r'name="form_started" value="([^"]+)"')

SETUP = f"""
from demo.site import build_site
from events.models import EventIndexPage, TrainingPage, EventDate
from django.utils import timezone
from datetime import timedelta
home = build_site()
index = EventIndexPage.objects.first()
if index is None:
    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    home.add_child(instance=index)
start = timezone.now() + timedelta(days=14)
page = TrainingPage(title="Bench-Fortbildung", slug="bench-fortbildung", live=True,
                    registration_enabled=True, capacity={CAPACITY}, waitlist_enabled=True,
                    double_opt_in=False)
page.dates = [EventDate(start=start, end=start + timedelta(hours=6))]
index.add_child(instance=page)
page.save_revision().publish()
print(page.url)
"""

COUNT = """
from registrations.models import Registration
from wagtail.contrib.forms.models import FormSubmission
qs = Registration.objects.filter(event__slug="bench-fortbildung")
print(qs.filter(status="confirmed").count(), qs.filter(status="waitlisted").count(),
      FormSubmission.objects.count())
"""


def _prepare_clients(base_url, path, n):
    def one(i):
        client = Client(base_url)
        status, html, _ = client.request("get", path)
        token = client.csrf_from(html)
        stamp = STAMP_RE.search(html)
        return client, token, stamp.group(1) if stamp else ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(n)))


def _fire(path, prepared, payload_for):
    def one(args):
        i, (client, token, stamp) = args
        status, _text, _headers = client.request(
            "post", path, data={"csrfmiddlewaretoken": token, **payload_for(i, stamp)}
        )
        return status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(one, enumerate(prepared)))
    return time.perf_counter() - started, statuses


def _registration_payload(i, stamp):
    return {
        "first_name": "Bench",
        "last_name": f"Person {i}",
        "email": f"bench{i}@example.org",
        "organisation": "Jugendamt",
        "role": "Fachkraft",
        "privacy_consent": "on",
        "form_started": stamp,
        "website_url": "",
    }


def _plain_payload(i, stamp):
    return {
        "first_name": "Bench",
        "last_name": f"Person {i}",
        "email": f"bench{i}@example.org",
        "organisation": "Jugendamt",
        "privacy_consent": "on",
    }


def run():
    env = {
        "DJANGO_SETTINGS_MODULE": "registration_site",
        "PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parent),
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "REGISTRATION_RATE_LIMIT": "off",
    }
    with ProductionStack(workers=4, extra_env=env) as stack:
        stack.prepare()
        event_path = stack.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1]
        stack.start_web()
        form_path = event_path + "anmelden/"

        prepared = _prepare_clients(stack.base_url, form_path, SUBMISSIONS)
        reg_seconds, reg_statuses = _fire(form_path, prepared, _registration_payload)

        plain = _prepare_clients(stack.base_url, "/bench/form/", SUBMISSIONS)
        plain_seconds, plain_statuses = _fire("/bench/form/", plain, _plain_payload)

        print(
            "statuses: registration",
            dict(Counter(reg_statuses)),
            "plain",
            dict(Counter(plain_statuses)),
            file=sys.stderr,
        )
        confirmed, waitlisted, submissions = (
            int(x)
            for x in stack.manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1].split()
        )
    return [
        Figure(
            "registration",
            "registrations/s (200 concurrent, gunicorn -w 4, PostgreSQL)",
            SUBMISSIONS / reg_seconds,
            "1/s",
        ),
        Figure("registration", "registration POSTs answered 302", reg_statuses.count(302)),
        Figure(
            "registration",
            "plain form submissions/s (same server)",
            SUBMISSIONS / plain_seconds,
            "1/s",
        ),
        Figure("registration", "plain form POSTs answered 302", plain_statuses.count(302)),
        Figure("registration", "plain FormSubmission rows", submissions),
        Figure("registration", f"confirmed (capacity {CAPACITY})", confirmed),
        Figure("registration", "waitlisted", waitlisted),
    ]
