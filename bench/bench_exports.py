"""The whole-site registration export (issue #19) at 10,000 and 100,000 registrations:
time to the first byte, to the first 64 KiB (rows flowing, not only the file's fixed
start), total time, peak RSS growth and bytes of the CSV and the XLSX through the admin
list's export (in-process test client, superuser; both stream), and of the XLSX as a
background job (`registrations.exports.run_job`). Targets: first byte within 1 s, total
under 10 s (CSV) / 30 s (XLSX), peak RSS growth under 100 MB.

Rows are made with bulk_create over 100 events (one site), a third with an answer to an
extra question. RSS is sampled every 10 ms in a thread (peak minus the RSS before the
request); one run per figure.

    .venv/bin/python bench/run_all.py exports
    BENCH_EXPORT_SIZES=10000 .venv/bin/python bench/run_all.py exports
"""

import os
import threading
import time

from common import Figure, setup_django

SIZES = [int(n) for n in os.environ.get("BENCH_EXPORT_SIZES", "10000,100000").split(",")]
EVENTS = 100


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """The peak RSS growth (MB) while the block runs, sampled every 10 ms."""

    def __enter__(self):
        self.start = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def growth(self):
        return self.peak - self.start


def build(count, events, start=0):
    from registrations.models import Registration

    batch = []
    for i in range(start, start + count):
        batch.append(
            Registration(
                event=events[i % len(events)],
                status="confirmed" if i % 10 else "waitlisted",
                first_name=f"Vorname{i}",
                last_name=f"Nachname{i}",
                email=f"person{i}@example.org",
                email_normalised=f"person{i}@example.org",
                organisation=f"Einrichtung {i % 5000}",
                role="Fachkraft",
                answers={"Ernährung": "vegetarisch"} if i % 3 == 0 else {},
            )
        )
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)


FLOWING = 64 * 1024  # bytes: past the CSV's BOM and headings, the XLSX's fixed parts


def export(client, file_format):
    """Seconds to the first byte, to the first FLOWING bytes and to the end, the peak RSS
    growth (MB) and the size in bytes of one export; the body is counted, never kept."""
    with PeakRss() as rss:
        started = time.perf_counter()
        response = client.get("/admin/registrations/", {"export": file_format})
        assert response.status_code == 200, response.status_code
        chunks = iter(response.streaming_content)
        size = len(next(chunks))
        first_byte = time.perf_counter() - started
        flowing = None
        for chunk in chunks:
            size += len(chunk)
            if flowing is None and size >= FLOWING:
                flowing = time.perf_counter() - started
        total = time.perf_counter() - started
        response.close()
    return first_byte, flowing or total, total, rss.growth, size


def run():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from demo.site import build_site
    from events.models import EventDate, EventIndexPage, TrainingPage
    from registrations import exports
    from registrations.models import ExportJob, Registration, RegistrationQuestion

    home = build_site()
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
        home.add_child(instance=index)
    start = timezone.now() + timezone.timedelta(days=30)
    events = []
    for i in range(EVENTS):
        event = TrainingPage(
            title=f"Bench-Export {i}", slug=f"bench-export-{i}", registration_enabled=True
        )
        event.dates = [EventDate(start=start, end=start + timezone.timedelta(hours=3))]
        index.add_child(instance=event)
        events.append(event)
    RegistrationQuestion.objects.create(page=events[0], label="Ernährung", field_type="singleline")
    user = get_user_model().objects.create_superuser("bench-export", "b@example.org", "pw")
    client = Client()
    client.force_login(user)
    from tests.conftest import verify_second_factor

    verify_second_factor(client, user)  # the admin asks for a second factor
    client.get("/admin/registrations/")  # fills the caches (session, sites, permissions)

    figures = []
    built = 0
    for size in SIZES:
        build(size - built, events, start=built)  # numbers (and e-mails) go on
        built = size
        assert Registration.objects.count() == size
        label = f"{size:,}".replace(",", ".")
        for file_format in ("csv", "xlsx"):
            first_byte, flowing, total, growth, nbytes = export(client, file_format)
            name = f"export {file_format.upper()}, {label} registrations"
            figures += [
                Figure("exports", f"{name}: first byte", first_byte * 1000, "ms"),
                Figure("exports", f"{name}: first 64 KiB", flowing * 1000, "ms"),
                Figure("exports", f"{name}: total", total, "s"),
                Figure("exports", f"{name}: peak RSS growth", growth, "MB"),
                Figure("exports", f"{name}: size", nbytes, "bytes"),
            ]
        job = ExportJob.objects.create(user=user, file_format="xlsx", rows_total=size)
        with PeakRss() as rss:
            started = time.perf_counter()
            exports.run_job.call(job.pk)
            total = time.perf_counter() - started
        figures += [
            Figure("exports", f"background XLSX job, {label}: total", total, "s"),
            Figure("exports", f"background XLSX job, {label}: peak RSS growth", rss.growth, "MB"),
        ]
    return figures
