from zoneinfo import ZoneInfo

import pytest

from demo import events as demo
from events.choices import EventStatus
from events.models import EventDate, EventPage, FachtagPage, Workshop

pytestmark = pytest.mark.django_db


def test_demo_builds_a_realistic_calendar_twice(home_page, client):
    demo.build(home_page)
    counts = (EventPage.objects.count(), EventDate.objects.count(), Workshop.objects.count())
    demo.build(home_page)

    assert (EventPage.objects.count(), EventDate.objects.count(), Workshop.objects.count()) == (
        counts
    )
    assert counts[0] >= 28
    assert FachtagPage.objects.count() == 2
    assert EventPage.objects.filter(status=EventStatus.CANCELLED).count() == 1
    assert EventDate.objects.filter(all_day=True).exists()
    assert client.get("/veranstaltungen/").status_code == 200
    assert client.get("/veranstaltungen/ical/").status_code == 200
    assert client.get(FachtagPage.objects.first().url).status_code == 200


def test_demo_generates_events_for_benchmarks(home_page):
    demo.build(home_page, events=12)
    demo.build(home_page, events=12)
    assert EventPage.objects.count() == 12


def test_demo_calendar_takes_registrations_one_training_is_full(home_page, client):
    from events.models import TrainingPage
    from registrations.models import Registration, RegistrationStatus

    demo.build(home_page)
    demo.build(home_page)

    full = TrainingPage.objects.get(title=demo.TRAININGS[0][0])
    statuses = Registration.objects.filter(event=full).values_list("status", flat=True)
    assert list(statuses).count(RegistrationStatus.CONFIRMED) == full.capacity
    assert RegistrationStatus.WAITLISTED in statuses
    assert Registration.objects.count() == 30  # the second build added none
    assert "ausgebucht" in client.get(full.url).content.decode()


def test_demo_trainings_have_unique_slugs_from_their_titles(home_page, client):
    from events.models import TrainingPage

    demo.build(home_page)

    slugs = list(TrainingPage.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == len(demo.TRAININGS)
    assert not [slug for slug in slugs if slug.startswith("fortbildung-")]
    first = TrainingPage.objects.get(title=demo.TRAININGS[0][0])
    # "Gewichtige Anhaltspunkte erkennen – Einführung in § 8a SGB VIII"
    assert first.slug.startswith("gewichtige-anhaltspunkte-erkennen-einfuehrung")
    assert client.get(first.url).status_code == 200
    assert demo.title_slug("Ärger über Öl & Soße", taken={"aerger-ueber-oel-sosse"}) == (
        "aerger-ueber-oel-sosse-2"
    )


def test_demo_has_a_quarterly_network_meeting_with_exceptions(home_page, client):
    """#15: every second Wednesday of the quarter, one occurrence cancelled, one moved."""
    from events.models import NetworkMeetingPage, Occurrence

    demo.build(home_page)
    demo.build(home_page)

    page = NetworkMeetingPage.objects.get(slug="netzwerktreffen-quartal")
    assert page.recurrence_rule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=8"
    occurrences = list(Occurrence.objects.filter(page=page).order_by("original_start"))
    assert len(occurrences) == 8
    assert [o.cancelled for o in occurrences].count(True) == 1
    assert [o.moved for o in occurrences].count(True) == 1
    for occurrence in occurrences:
        local = occurrence.original_start.astimezone(ZoneInfo("Europe/Berlin"))
        assert local.month in (1, 4, 7, 10) and local.weekday() == 2 and 8 <= local.day <= 14
    html = client.get(page.url).content.decode()
    assert "Jedes Quartal (alle 3 Monate) am zweiten Mittwoch" in html
    assert "fällt aus" in html and "verlegt" in html
    # registration per occurrence: each bookable date links to the form with it chosen
    bookable = [o for o in occurrences if not o.cancelled]
    day = f"{bookable[0].start.astimezone(ZoneInfo('Europe/Berlin')):%Y-%m-%d}"
    assert f"anmelden/?termin={day}" in html
    form = client.get(page.url + "anmelden/", {"termin": day}).content.decode()
    assert f'<option value="{day}" selected>' in form and "noch 25 Plätze" in form
    assert (
        b"RRULE:FREQ=MONTHLY;COUNT=8;INTERVAL=3;BYDAY=2WE"
        in client.get("/veranstaltungen/ical/").content
    )
