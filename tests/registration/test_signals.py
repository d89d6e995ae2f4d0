"""Receivers are connected in the apps' ready() with explicit senders, not for every model
at import of a models file."""

from django.db.models.signals import pre_save
from wagtail.models import Page
from wagtail.signals import page_published

from events.models import EventDate, EventPage, FachtagPage, NetworkMeetingPage, TrainingPage
from events.signals import stamp_event, stamp_event_date
from news.models import NewsPage
from registrations.signals import on_event_published

EVENT_PAGES = (EventPage, TrainingPage, FachtagPage, NetworkMeetingPage)


def receivers(signal, sender):
    sync, asynchronous = signal._live_receivers(sender)
    return [*sync, *asynchronous]


def test_publish_of_an_event_page_reaches_registrations_and_nothing_else_does():
    for model in EVENT_PAGES:
        assert on_event_published in receivers(page_published, model), model
    for model in (Page, NewsPage):
        assert on_event_published not in receivers(page_published, model), model


def test_calendar_bookkeeping_runs_only_for_event_rows():
    assert stamp_event_date in receivers(pre_save, EventDate)
    for model in EVENT_PAGES:
        assert stamp_event in receivers(pre_save, model), model
    for model in (Page, NewsPage):
        found = receivers(pre_save, model)
        assert stamp_event not in found and stamp_event_date not in found, model
