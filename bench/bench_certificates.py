"""Certificates of attendance: time per certificate (facts, PDF with the shipped layout),
once cold and once warm, and for a bulk of N issued through the task queue
(`services.certificates.start_batch`: chunks of `KINDERSCHUTZ_CERTIFICATE_CHUNK_SIZE`
as tasks, here on the immediate backend, each with its e-mail into the outbox).

    .venv/bin/python bench/run_all.py certificates
    BENCH_CERTIFICATES=200 .venv/bin/python bench/run_all.py certificates
"""

import os
import time
from datetime import timedelta

from common import Figure, setup_django

COUNT = int(os.environ.get("BENCH_CERTIFICATES", "40"))


def run():
    setup_django()
    from django.db import transaction
    from django.utils import timezone

    from demo.site import build_site
    from events.models import EventDate, EventIndexPage, TrainingPage
    from registrations.models import Certificate, Registration
    from registrations.services import certificates

    home = build_site()
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
        home.add_child(instance=index)
    start = timezone.now() - timedelta(days=3)
    event = TrainingPage(title="Bench: Fachtag Kinderschutz", live=True, teaching_units=8)
    event.dates = [EventDate(start=start, end=start + timedelta(hours=7))]
    index.add_child(instance=event)
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            attended=True,
            first_name=f"Person{i}",
            last_name="Bench",
            email=f"bench{i}@example.org",
            email_normalised=f"bench{i}@example.org",
        )
        for i in range(COUNT)
    )
    first_two = list(Registration.objects.filter(event=event).order_by("pk")[:2])
    started = time.perf_counter()
    pdf = certificates.render_certificate(certificates.issue(first_two[0], send=False))
    cold = time.perf_counter() - started
    started = time.perf_counter()
    certificates.render_certificate(certificates.issue(first_two[1], send=False))
    warm = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        batch = certificates.start_batch(event)  # tasks run after the commit
    total = time.perf_counter() - started
    batch.refresh_from_db()
    bulk = Certificate.objects.filter(event=event).count() - 2
    assert batch.done == bulk == COUNT - 2, (batch.done, bulk)
    return [
        Figure("certificates", "first certificate (PDF, cold)", cold * 1000, "ms"),
        Figure("certificates", "time per certificate (PDF, warm)", warm * 1000, "ms"),
        Figure("certificates", "PDF size", len(pdf) / 1024, "KiB"),
        Figure("certificates", f"bulk of {bulk} via tasks, with e-mail: total", total, "s"),
        Figure(
            "certificates",
            f"time per certificate (bulk of {bulk} via tasks, with e-mail)",
            total / max(bulk, 1) * 1000,
            "ms",
        ),
    ]
