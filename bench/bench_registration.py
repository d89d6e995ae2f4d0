"""Registrations per second: 200 concurrent submissions for one event with 50 seats.

Starts the production stack (bench/loadkit.py): a throwaway PostgreSQL server (or
$DATABASE_URL), `gunicorn kinderschutz_cms.wsgi -w 4` with the production settings plus
one bench-only endpoint (bench/registration_site.py), spam limits off via the
environment (minimum fill time 0, rate limit off). 200 browser-like clients first GET the
form (CSRF cookie, token, signed timestamp), then POST at once from a thread pool.

Baseline (the goal of issue #11, ratio ≥ 0.8): a plain Wagtail form page
(`AbstractForm`, bench/benchforms) with the same five fields, a sibling of the event at the
same depth, POSTed through Wagtail's page routing by the same clients and threads; it stores
one `FormSubmission` and renders its landing page — no lock, no seat count, no outbox, no
e-mail. Secondary, for honesty: a bare Django view (`/bench/form/`) doing the same
validation and insert without page routing, site lookup or page serving.
No task worker runs here: the registrations' e-mails wait in the task queue.
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
# The baseline: a plain Wagtail form page with the same five fields, the event's sibling.
from benchforms.models import FormField, FormPage
form_page = FormPage(title="Bench-Formular", slug="bench-formular", live=True)
form_page.form_fields = [
    FormField(label="first_name", field_type="singleline", required=True, sort_order=0),
    FormField(label="last_name", field_type="singleline", required=True, sort_order=1),
    FormField(label="email", field_type="email", required=True, sort_order=2),
    FormField(label="organisation", field_type="singleline", required=True, sort_order=3),
    FormField(label="privacy_consent", field_type="checkbox", required=True, sort_order=4),
]
index.add_child(instance=form_page)
form_page.save_revision().publish()
print(form_page.url)
print(page.url)
"""

COUNT = """
from registrations.models import Registration
from wagtail.contrib.forms.models import FormSubmission
qs = Registration.objects.filter(event__slug="bench-fortbildung")
wagtail = FormSubmission.objects.filter(page__slug="bench-formular").count()
print(qs.filter(status="confirmed").count(), qs.filter(status="waitlisted").count(),
      wagtail, FormSubmission.objects.count() - wagtail)
"""


# One more registration POST, in-process on the same database with the production
# settings, counting its statements (CaptureQueriesContext) and those between taking the
# event lock and the commit (by wrapping `locking.locked_event`).
QUERIES = """
import contextlib
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from events.models import EventPage
from registrations import spam
from registrations.services import locking

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(queries):
    return [q for q in queries if not q["sql"].upper().startswith(CONTROL)]


event = EventPage.objects.get(slug="bench-fortbildung")
blocks = []
original = locking.locked_event


@contextlib.contextmanager
def counting(*args, **kwargs):
    start = len(connection.queries_log)
    with original(*args, **kwargs) as locked:
        yield locked
        blocks.append(len(statements(list(connection.queries_log)[start:])))


locking.locked_event = counting
data = {
    "first_name": "Bench", "last_name": "Zähler", "email": "count@example.org",
    "organisation": "Jugendamt", "role": "Fachkraft", "privacy_consent": "on",
    "form_started": spam.new_stamp(event), "website_url": "",
}
client = Client(HTTP_HOST="localhost", headers={"X-Forwarded-Proto": "https"})
with CaptureQueriesContext(connection) as ctx:
    response = client.post("%s", data)
print("QUERIES", response.status_code, len(statements(ctx.captured_queries)), blocks[0])
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
        out = stack.manage("shell", "-c", SETUP).stdout.strip().splitlines()
        wagtail_path, event_path = out[-2], out[-1]
        stack.start_web()
        form_path = event_path + "anmelden/"

        prepared = _prepare_clients(stack.base_url, form_path, SUBMISSIONS)
        reg_seconds, reg_statuses = _fire(form_path, prepared, _registration_payload)

        wagtail = _prepare_clients(stack.base_url, wagtail_path, SUBMISSIONS)
        wagtail_seconds, wagtail_statuses = _fire(wagtail_path, wagtail, _plain_payload)

        plain = _prepare_clients(stack.base_url, "/bench/form/", SUBMISSIONS)
        plain_seconds, plain_statuses = _fire("/bench/form/", plain, _plain_payload)

        print(
            "statuses: registration",
            dict(Counter(reg_statuses)),
            "wagtail form page",
            dict(Counter(wagtail_statuses)),
            "bare view",
            dict(Counter(plain_statuses)),
            file=sys.stderr,
        )
        confirmed, waitlisted, wagtail_rows, submissions = (
            int(x)
            for x in stack.manage("shell", "-c", COUNT).stdout.strip().splitlines()[-1].split()
        )
        out = stack.manage("shell", "-c", QUERIES % form_path).stdout.strip().splitlines()
        _, status, queries, locked = [x for x in out if x.startswith("QUERIES ")][-1].split()
    reg_rate, plain_rate = SUBMISSIONS / reg_seconds, SUBMISSIONS / plain_seconds
    wagtail_rate = SUBMISSIONS / wagtail_seconds
    return [
        Figure(
            "registration",
            "ratio registrations/s : Wagtail form page submissions/s (goal ≥ 0.8)",
            reg_rate / wagtail_rate,
            "×",
        ),
        Figure(
            "registration",
            "ratio registrations/s : bare-view form submissions/s",
            reg_rate / plain_rate,
            "×",
        ),
        Figure("registration", f"queries per registration POST (answered {status})", int(queries)),
        Figure("registration", "statements inside the event lock", int(locked)),
        Figure(
            "registration",
            "registrations/s (200 concurrent, gunicorn -w 4, PostgreSQL)",
            reg_rate,
            "1/s",
        ),
        Figure("registration", "registration POSTs answered 302", reg_statuses.count(302)),
        Figure(
            "registration",
            "Wagtail form page submissions/s (same server, sibling page)",
            wagtail_rate,
            "1/s",
        ),
        Figure(
            "registration",
            "Wagtail form page POSTs answered 200 (landing page)",
            wagtail_statuses.count(200),
        ),
        Figure("registration", "Wagtail form page FormSubmission rows", wagtail_rows),
        Figure(
            "registration",
            "bare-view form submissions/s (same server)",
            plain_rate,
            "1/s",
        ),
        Figure("registration", "bare-view POSTs answered 302", plain_statuses.count(302)),
        Figure("registration", "bare-view FormSubmission rows", submissions),
        Figure("registration", f"confirmed (capacity {CAPACITY})", confirmed),
        Figure("registration", "waitlisted", waitlisted),
    ]
