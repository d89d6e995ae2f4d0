"""The accessibility statement keeps itself current.

`statements_due(today)`: live statements whose review is due (`statement.review_due_on`,
`ACCESSIBILITY_REVIEW_MONTHS` after the last review). `remind_reviews(now)` mails the
coordination of each such statement's site once per review date (idempotent through
`ReminderLog`: a new review date starts a new reminder). The dashboard panel shows the
same due statements as an admin notice.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kinderschutz_cms.links import absolute_url
from registrations.services.outbox import queue_prepared_email

from ..models import AccessibilityStatementPage
from ..statement import review_due_on
from .reports import _claim, coordination_addresses


def live_statements():
    """The live statements in tree order (about one per site), read from their own table
    and joined to their pages by key: ordered by the page path alone, SQLite walks every
    page of the tree to find them (a Land: 16,000 pages, 10 ms on each dashboard view)."""
    own_rows = AccessibilityStatementPage.objects.values("pk")
    return AccessibilityStatementPage.objects.filter(pk__in=own_rows).live().order_by("path")


def is_due(page, today) -> bool:
    return (due := review_due_on(page)) is None or due <= today


def statements_due(today=None):
    today = today or timezone.localdate()
    return [page for page in live_statements() if is_due(page, today)]


def remind_reviews(now=None) -> int:
    """Queue one reminder per statement and review date; returns how many were queued."""
    now = now or timezone.now()
    count = 0
    for page in statements_due(timezone.localdate(now)):
        last = page.reviewed_on or page.prepared_on
        if not _claim("statement-review", f"{page.pk}:{last}"):
            continue
        site = page.get_site()
        context = {
            "page": page,
            "last_review": last,
            "admin_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
        }
        with translation.override("de"):
            subject = render_to_string("publicbody/emails/review_subject.txt", context)
            text = render_to_string("publicbody/emails/review.txt", context)
        for address in coordination_addresses(site) if site else []:
            queue_prepared_email(address, subject, text)
        count += 1
    return count
