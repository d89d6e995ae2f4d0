"""Retention of login records: attempt records of django-axes and the audit list are
deleted after KINDERSCHUTZ_LOGIN_RECORDS_RETENTION_DAYS (default 90). Run daily by
`manage.py purge_login_records`, like `purge_registrations`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from .conf import setting
from .models import SecurityEvent


@dataclass
class Purged:
    attempts: int
    audit_events: int


@transaction.atomic
def purge_login_records(now: datetime) -> Purged:
    cutoff = now - timedelta(days=int(setting("KINDERSCHUTZ_LOGIN_RECORDS_RETENTION_DAYS")))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    events, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return Purged(attempts=attempts, audit_events=events)
