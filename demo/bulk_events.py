"""Many events at once, for benchmarks and tests of sizes (not part of the demo network).

`add_trainings(index, count)` inserts `count` live trainings below a calendar in a few
statements per hundred pages (the page rows in bulk, each page's two own table rows
as single inserts, dates and audiences in bulk): 1,000 events take seconds where
creating pages one by one through Wagtail takes minutes. The rows are those Wagtail writes
for a published page, without revisions (as `demo.events` does for `events=N`).
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from events.models import EventDate, EventPage, TrainingPage


def add_trainings(index, count, *, venue=None, audiences=(), years=None, teaser=""):
    """`count` trainings "Fortbildung <n>", each with two dates 39 days apart (09:00–12:00
    local time); returns their page rows. The first dates are `n`+1 days from today, or,
    with `years`, spread evenly over that many years, the first of them a year ago (a
    Land's calendar: past and coming events, as a feed's window sees them)."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(TrainingPage)
    first = index.numchild + 1
    pages = Page.objects.bulk_create(
        (
            Page(
                title=f"Fortbildung {number}",
                draft_title=f"Fortbildung {number}",
                slug=f"fortbildung-{number}",
                path=Page._get_path(index.path, index.depth + 1, first + number),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}fortbildung-{number}/",
                content_type=content_type,
                locale_id=index.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
            for number in range(count)
        ),
        batch_size=500,
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    index.numchild += count
    if not pages or pages[0].pk is None:  # a backend that returns no ids from bulk inserts
        paths = [page.path for page in pages]
        pages = list(Page.objects.filter(path__in=paths).order_by("path"))
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def at(days, hour):
        day = today + timedelta(days=days)
        return datetime(day.year, day.month, day.day, hour, tzinfo=tz)

    def first_day(number):
        if years is None:
            return number + 1
        return -365 + number * 365 * years // max(count, 1)

    def days_of(number):
        return (first_day(number), first_day(number) + 39)

    with transaction.atomic():  # one commit, not two per page
        for number, page in enumerate(pages):
            first, last = days_of(number)
            # The page row exists: save_base(raw=True) writes only the model's own table,
            # with the span of the dates written below (bulk_create sends no signals).
            EventPage(
                page_ptr_id=page.pk,
                venue=venue,
                teaser=teaser,
                first_date_start=at(first, 9),
                last_date_end=at(last, 12),
            ).save_base(raw=True)
            TrainingPage(page_ptr_id=page.pk, eventpage_ptr_id=page.pk).save_base(raw=True)
    EventDate.objects.bulk_create(
        (
            EventDate(page_id=page.pk, start=at(days, 9), end=at(days, 12), sort_order=order)
            for number, page in enumerate(pages)
            for order, days in enumerate(days_of(number))
        ),
        batch_size=500,
    )
    through = EventPage.audiences.through
    through.objects.bulk_create(
        (
            through(eventpage_id=page.pk, audience_id=audience.pk)
            for page in pages
            for audience in audiences
        ),
        batch_size=500,
    )
    return pages
