"""Certificates of attendance: time per certificate (facts, PDF with the shipped layout,
e-mail into the outbox), issued in bulk through the task queue (immediate backend).

    .venv/bin/python bench/run_all.py certificates
"""

import time
from datetime import timedelta

from common import Figure, setup_django

COUNT = 40


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
    one = Registration.objects.filter(event=event).first()
    started = time.perf_counter()
    pdf = certificates.render_certificate(certificates.issue(one, send=False))
    first = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        certificates.start_batch(event)
    total = time.perf_counter() - started
    issued = Certificate.objects.filter(event=event).count()
    return [
        Figure("certificates", "first certificate (PDF, cold)", first * 1000, "ms"),
        Figure("certificates", "PDF size", len(pdf) / 1024, "KiB"),
        Figure(
            "certificates",
            f"time per certificate (bulk of {issued - 1}, with e-mail)",
            total / max(issued - 1, 1) * 1000,
            "ms",
        ),
    ]
