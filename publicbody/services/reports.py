"""Barrier reports: receive, remind, erase.

Guarantees:

- `submit_report` stores the report first; the confirmation to the sender (if an address
  is given) and the notice to the coordination are outbox rows of the same transaction,
  sent after the commit and retried (registrations.services.outbox): a failing mail server
  never loses a report.
- `remind_due(now)`: one reminder per unanswered report, `BARRIER_REPORT_REMINDER_DAYS`
  before its deadline (or later, if the command did not run then); idempotent through
  `ReminderLog`.
- `purge_answered(today)`: name, e-mail address and text of reports answered more than
  `BARRIER_REPORT_RETENTION_DAYS` ago are erased; the row (site, status, dates) stays
  for the statistics the monitoring body may ask for.
"""

import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kinderschutz_cms.links import absolute_url
from kinderschutz_cms.models import NetworkSettings
from registrations.models import split_email_list
from registrations.services.outbox import queue_prepared_email

from .. import conf
from ..models import BarrierReport, BarrierReportStatus, ReminderLog


def answer_due(received_at: datetime.datetime) -> datetime.date:
    days = int(conf.get("BARRIER_REPORT_ANSWER_DAYS"))
    return timezone.localdate(received_at) + datetime.timedelta(days=days)


def coordination_addresses(site) -> list[str]:
    return split_email_list(NetworkSettings.for_site(site).coordination_email or "")


def _mail(recipient, template, context, throttle=False):
    """Render `publicbody/emails/<template>(_subject).txt` in German and queue it."""
    with translation.override("de"):
        subject = render_to_string(f"publicbody/emails/{template}_subject.txt", context)
        text = render_to_string(f"publicbody/emails/{template}.txt", context)
    return queue_prepared_email(recipient, subject, text, throttle=throttle)


@transaction.atomic
def submit_report(site, *, page_url, description, name="", email="", now=None) -> BarrierReport:
    """Store a report and queue its mails (after the commit)."""
    now = now or timezone.now()
    report = BarrierReport.objects.create(
        site=site,
        page_url=page_url[:500],
        description=description,
        name=name,
        email=email,
        received_at=now,
        answer_due=answer_due(now),
    )
    context = {"report": report, "network": NetworkSettings.for_site(site)}
    if email:
        # A visitor's action: the recipient's mail limit applies.
        _mail(email, "confirmation", context, throttle=True)
    for address in coordination_addresses(site):
        _mail(address, "notice", context | {"admin_url": admin_url(report)})
    return report


def admin_url(report):
    from django.urls import reverse

    return absolute_url(reverse("barrier_reports:edit", args=[report.pk]))


def remind_due(now=None) -> int:
    """Queue a reminder to the coordination for each unanswered report whose deadline is
    at most `BARRIER_REPORT_REMINDER_DAYS` away. Returns the number of reports reminded."""
    now = now or timezone.now()
    horizon = timezone.localdate(now) + datetime.timedelta(
        days=int(conf.get("BARRIER_REPORT_REMINDER_DAYS"))
    )
    due = BarrierReport.objects.exclude(status=BarrierReportStatus.ANSWERED).filter(
        answer_due__lte=horizon, anonymised_at__isnull=True
    )
    count = 0
    for report in due.select_related("site"):
        if not _claim("barrier-report-deadline", str(report.pk)):
            continue
        context = {"report": report, "admin_url": admin_url(report)}
        for address in coordination_addresses(report.site):
            _mail(address, "deadline", context)
        count += 1
    return count


def _claim(kind, key) -> bool:
    """Record a reminder; False if it was recorded before (sent already)."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def purge_answered(today=None) -> int:
    """Erase the personal parts of reports answered more than the retention period ago."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=int(conf.get("BARRIER_REPORT_RETENTION_DAYS"))),
            datetime.time.min,
        )
    )
    return BarrierReport.objects.filter(
        status=BarrierReportStatus.ANSWERED, answered_at__lt=cutoff, anonymised_at__isnull=True
    ).update(
        name="",
        email="",
        description="",
        page_url="",
        internal_note="",
        anonymised_at=timezone.now(),
    )


def set_status(report: BarrierReport, status: str, now=None) -> None:
    """Set the status; `answered_at` follows (set when answered, cleared otherwise)."""
    report.status = status
    if status == BarrierReportStatus.ANSWERED:
        report.answered_at = report.answered_at or now or timezone.now()
    else:
        report.answered_at = None
