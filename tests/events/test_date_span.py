"""The stored span of an event's dates (`EventPage.first_date_start`, `last_date_end`),
which the admin's event listing orders and filters by (issue #19), follows every way a
date is written: the admin's create, edit, draft and publish, dates saved or deleted on
their own, bulk inserts, copies, and the migration that fills existing events."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.bulk_events import add_trainings
from events.models import EventDate, EventPage, TrainingPage

from .factories import at, make_event
from .test_admin import add_url, date_row, page_data

pytestmark = pytest.mark.django_db


def stored(page):
    return tuple(
        EventPage.objects.filter(pk=page.pk).values_list("first_date_start", "last_date_end").get()
    )


def of_dates(page):
    """What the listing aggregated before the span was stored: Min/Max of the rows."""
    span = EventDate.objects.filter(page_id=page.pk).aggregate(Min("start"), Max("end"))
    return span["start__min"], span["end__max"]


def edit(client, page, rows, *, publish=True, **extra):
    """POST the editor's form of `page` with the date `rows` (stored ones carry their id)."""
    data = page_data(page.title, page.slug, rows, **extra)
    data["dates-INITIAL_FORMS"] = str(sum(1 for row in rows if "id" in row))
    data["speakers-TOTAL_FORMS"] = "0"
    if not publish:
        del data["action-publish"]
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_creating_in_the_admin_stores_the_span_of_the_dates(admin_client, index):
    response = admin_client.post(
        add_url("trainingpage", index),
        page_data("Zwei Module", "zwei-module", [date_row(17), date_row(10, end="12:00")]),
    )
    assert response.status_code == 302
    page = TrainingPage.objects.get(slug="zwei-module")
    assert stored(page) == (at(10, 9), at(17, 16)) == of_dates(page)


def test_a_new_draft_stores_the_span_of_its_dates(admin_client, index):
    data = page_data("Entwurf", "entwurf", [date_row(12)])
    del data["action-publish"]
    assert admin_client.post(add_url("trainingpage", index), data).status_code == 302
    page = TrainingPage.objects.get(slug="entwurf")
    assert not page.live
    assert stored(page) == (at(12, 9), at(12, 16)) == of_dates(page)


def test_editing_and_publishing_follows_added_moved_and_deleted_dates(admin_client, index):
    page = make_event(index, dates=[(at(10, 9), at(10, 12))])
    first = page.dates.get()
    assert stored(page) == (at(10, 9), at(10, 12))

    # a date added before the first one, and a later one
    edit(
        admin_client,
        page,
        [{"id": first.pk, **date_row(10, end="12:00")}, date_row(5), date_row(20)],
    )
    assert stored(page) == (at(5, 9), at(20, 16)) == of_dates(page)

    # the first date moved later, the last one deleted
    early, last = EventDate.objects.filter(page=page).exclude(pk=first.pk).order_by("start")
    rows = [
        {"id": first.pk, **date_row(10, end="12:00")},
        {"id": early.pk, **date_row(8, start="14:00", end="15:00")},
        {"id": last.pk, **date_row(20), "DELETE": "1"},
    ]
    edit(admin_client, page, rows)
    assert stored(page) == (at(8, 14), at(10, 12)) == of_dates(page)


def test_a_draft_of_a_live_event_changes_nothing_until_it_is_published(admin_client, index):
    """Drafts live in revisions; the listing shows the published dates, as before."""
    page = make_event(index, dates=[(at(10, 9), at(10, 12))])
    row = {"id": page.dates.get().pk, **date_row(3, end="10:00")}

    edit(admin_client, page, [row], publish=False)
    assert stored(page) == (at(10, 9), at(10, 12)) == of_dates(page)

    revision = TrainingPage.objects.get(pk=page.pk).latest_revision
    revision.publish()
    assert stored(page) == (at(3, 9), at(3, 10)) == of_dates(page)


def test_dates_written_on_their_own_update_the_span(index):
    page = make_event(index, dates=[(at(10, 9), at(10, 12))])
    only = page.dates.get()

    added = EventDate.objects.create(page=page, start=at(4, 9), end=at(4, 11))
    assert stored(page) == (at(4, 9), at(10, 12))

    added.end = at(30, 11)
    added.save()
    assert stored(page) == (at(4, 9), at(30, 11))

    added.delete()
    assert stored(page) == (at(10, 9), at(10, 12))

    EventDate.objects.filter(pk=only.pk).delete()
    assert stored(page) == (None, None) == of_dates(page)


def span_updates(run):
    """The UPDATEs of event rows that `run()` sends which write a span."""
    with CaptureQueriesContext(connection) as captured:
        run()
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith('UPDATE "events_eventpage"') and "first_date_start" in q["sql"]
    ]


def test_deleting_an_event_deletes_its_dates_without_updating_its_span(index):
    page = make_event(index, dates=[(at(d, 9), at(d, 12)) for d in (1, 2, 3, 4, 5)])
    other = make_event(index, title="Bleibt", dates=[(at(7, 9), at(7, 12))])
    assert span_updates(TrainingPage.objects.get(pk=page.pk).delete) == []
    assert not EventDate.objects.filter(page_id=page.pk).exists()
    assert stored(other) == (at(7, 9), at(7, 12))


def test_the_page_writes_the_span_of_the_dates_it_commits_in_its_own_row(index):
    """`EventPage.save` takes the span from the dates it commits; their own signals
    skip the UPDATE (one per saved or deleted date otherwise)."""
    page = TrainingPage.objects.get(pk=make_event(index, dates=[(at(10, 9), at(10, 12))]).pk)
    page.dates = [EventDate(start=at(d, 9), end=at(d, 12)) for d in (2, 3, 4, 5, 6)]
    updates = span_updates(page.save)
    assert len(updates) == 1, updates  # the page's own row, with the new span
    assert stored(page) == (at(2, 9), at(6, 12)) == of_dates(page)
    assert (page.first_date_start, page.last_date_end) == (at(2, 9), at(6, 12))


def test_a_full_save_of_a_stale_instance_keeps_the_stored_span(index):
    """An instance loaded before a date was added on its own writes the span of the
    stored dates, not the one it was loaded with."""
    page = TrainingPage.objects.get(pk=make_event(index, dates=[(at(10, 9), at(10, 12))]).pk)
    EventDate.objects.create(page_id=page.pk, start=at(2, 9), end=at(2, 10))
    page.teaser = "Neu"
    page.save()
    assert stored(page) == (at(2, 9), at(10, 12)) == of_dates(page)


def test_a_partial_save_naming_the_dates_writes_their_span(index):
    page = TrainingPage.objects.get(pk=make_event(index).pk)
    page.dates = [EventDate(start=at(40, 9), end=at(41, 12))]
    page.save(update_fields=["dates"])
    assert stored(page) == (at(40, 9), at(41, 12)) == of_dates(page)


def test_a_copied_event_has_the_span_of_its_dates(index):
    page = make_event(index, dates=[(at(10, 9), at(10, 12)), (at(12, 9), at(12, 12))])
    copy = TrainingPage.objects.get(pk=page.pk).copy(update_attrs={"slug": "kopie"})
    assert stored(copy) == (at(10, 9), at(12, 12)) == of_dates(copy)


def test_bulk_created_trainings_carry_their_span(index):
    pages = add_trainings(index, 5, years=2)
    for page in pages:
        assert stored(page) == of_dates(page) != (None, None)


def test_refresh_after_a_bulk_change_of_dates(index):
    pages = add_trainings(index, 3)
    ids = [page.pk for page in pages]
    EventDate.objects.filter(page_id__in=ids).update(end=at(90, 12))  # no signals
    EventDate.objects.bulk_create([EventDate(page_id=ids[0], start=at(-5, 9), end=at(-5, 10))])
    assert EventPage.refresh_date_spans(ids) == 3
    for page in pages:
        assert stored(page) == of_dates(page)
    assert stored(pages[0]) == (at(-5, 9), at(90, 12))


def test_the_migration_fills_every_event_in_one_statement(index, django_assert_num_queries):
    pages = [make_event(index, title=f"E{n}", dates=[(at(n, 9), at(n + 1, 12))]) for n in (1, 2)]
    undated = make_event(index, title="Ohne", dates=[])
    EventPage.objects.update(first_date_start=None, last_date_end=None)
    migration = importlib.import_module("events.migrations.0006_event_date_span")
    with django_assert_num_queries(1):
        migration.fill_date_spans(apps, None)
    for page in pages:
        assert stored(page) == of_dates(page) != (None, None)
    assert stored(undated) == (None, None)
