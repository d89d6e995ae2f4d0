"""What the accessibility statement shows besides its own fields, and when it is due for
review.

- `enforcement_body(page)`: the page's Schlichtungsstelle, else the shipped default.
- `review_due_on(page)`: `ACCESSIBILITY_REVIEW_MONTHS` after the last review (or, never
  reviewed, after it was prepared); None without either date.
"""

import calendar
import datetime

from . import conf
from .models import EnforcementBody


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def enforcement_body(page):
    if page.enforcement_body_id:
        return page.enforcement_body
    return EnforcementBody.objects.filter(is_default=True).order_by("pk").first()


def review_due_on(page) -> datetime.date | None:
    last = page.reviewed_on or page.prepared_on
    if last is None:
        return None
    return add_months(last, int(conf.get("ACCESSIBILITY_REVIEW_MONTHS")))


def statement_context(page):
    return {"enforcement_body": enforcement_body(page), "parts": list(page.parts.all())}
