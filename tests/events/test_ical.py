"""The feed and the single-event calendar file, parsed back with icalendar."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test.utils import override_settings
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from events import feed_cache
from events.choices import EventFormat, EventStatus
from events.models import EventPage

from .factories import at, make_audience, make_event, make_fachtag, make_many_events, make_venue

pytestmark = pytest.mark.django_db


def feed(client, index, query="", **headers):
    return client.get(f"{index.url}ical/{query}", **headers)


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(cal):
    return list(cal.walk("VEVENT"))


def republish(page, change):
    """Edit the latest revision like the editor does, then publish it."""
    draft = EventPage.objects.get(pk=page.pk).specific.get_latest_revision_as_object()
    change(draft)
    draft.save_revision().publish()
    return EventPage.objects.get(pk=page.pk).specific


def test_feed_has_calendar_properties_and_one_vevent_per_date(client, index):
    venue = make_venue()
    kita = make_audience()
    training = make_event(
        index,
        "Gesprächsführung mit Eltern",
        dates=[(at(10, 9), at(10, 16)), (at(17, 9), at(17, 16)), (at(24, 9), at(24, 13))],
        venue=venue,
        audiences=[kita],
        teaser="Drei Module.",
    )

    cal = parse(feed(client, index))

    assert cal["VERSION"] == "2.0"
    assert "Kinderschutz-CMS" in str(cal["PRODID"])
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Veranstaltungen"
    assert cal["X-WR-TIMEZONE"] == "Europe/Berlin"
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal["X-PUBLISHED-TTL"] == "PT1H"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]

    events = vevents(cal)
    assert len(events) == 3
    uids = {str(e["UID"]) for e in events}
    assert uids == set(training.dates.values_list("uid", flat=True))
    assert all(uid.endswith("@kinderschutz-cms") for uid in uids)
    first = min(events, key=lambda e: e["DTSTART"].dt)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert first["DTSTART"].dt == at(10, 9)
    assert first["DTEND"].dt == at(10, 16)
    assert first["SEQUENCE"] == 0
    assert first["STATUS"] == "CONFIRMED"
    assert first["URL"] == f"http://testserver{training.url}"
    assert first["LOCATION"] == "Kreishaus Musterstadt, Saal 2, Am Markt 1, 31134 Musterstadt"
    assert "Drei Module." in first["DESCRIPTION"]
    assert first.categories == ["Fortbildung", "Fachkräfte Kita"]
    assert first["DTSTAMP"].dt == first["LAST-MODIFIED"].dt
    assert "DATE" not in str(first["DTSTART"].params.get("VALUE", ""))


def test_all_day_date_is_a_date_with_exclusive_end(client, index):
    make_event(index, "Fachtag ganztägig", dates=[(at(20, 0), at(21, 23), True)])

    (event,) = vevents(parse(feed(client, index)))

    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert type(start) is date and type(end) is date
    assert start == at(20).date()
    assert end == at(20).date() + timedelta(days=2)  # two days, end exclusive


def test_uid_stable_and_sequence_counts_only_schedule_changes(client, index):
    venue, other_venue = make_venue(), make_venue("Familienzentrum Nord", town="Nordheim")
    page = make_event(index, dates=[(at(10, 9), at(10, 12))], venue=venue)
    (uid,) = page.dates.values_list("uid", flat=True)

    def teaser(draft):
        draft.teaser = "Neue Beschreibung, gleiche Zeit."

    page = republish(page, teaser)
    (event,) = vevents(parse(feed(client, index)))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 0)
    assert "Neue Beschreibung" in event["DESCRIPTION"]

    def move(draft):
        dates = list(draft.dates.all())
        dates[0].start, dates[0].end = at(11, 10), at(11, 13)
        draft.dates = dates

    page = republish(page, move)
    (event,) = vevents(parse(feed(client, index)))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 1)
    assert event["DTSTART"].dt == at(11, 10)

    # The revision the editor opens next still carries sequence 0: the stored value wins.
    page = republish(page, teaser)
    page = republish(page, lambda draft: setattr(draft, "venue", other_venue))
    (event,) = vevents(parse(feed(client, index)))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 2)
    assert "Nordheim" in event["LOCATION"]

    page = republish(page, lambda draft: setattr(draft, "status", EventStatus.CANCELLED))
    (event,) = vevents(parse(feed(client, index)))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 3)
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"].startswith("Abgesagt: ")


def test_cancelled_event_stays_for_thirty_days(client, index):
    page = make_event(index, status=EventStatus.CANCELLED)
    page.refresh_from_db()
    assert page.cancelled_at is not None
    assert len(vevents(parse(feed(client, index)))) == 1

    EventPage.objects.filter(pk=page.pk).update(cancelled_at=timezone.now() - timedelta(days=31))
    # The UPDATE stands for 31 days passing, which sends no signal: cached validators end
    # with the grace period (test_feed_cache.py); here they are dropped by hand.
    feed_cache.invalidate()
    assert vevents(parse(feed(client, index))) == []
    # The event's own file still says it is cancelled.
    (event,) = vevents(parse(client.get(f"{page.url}ical/")))
    assert event["STATUS"] == "CANCELLED"


def test_cancelled_at_is_kept_on_later_edits_and_cleared_when_reinstated(index):
    page = make_event(index, status=EventStatus.CANCELLED)
    cancelled_at = EventPage.objects.get(pk=page.pk).cancelled_at
    page = republish(page, lambda draft: setattr(draft, "teaser", "Tippfehler behoben"))
    assert page.cancelled_at == cancelled_at
    page = republish(page, lambda draft: setattr(draft, "status", EventStatus.SCHEDULED))
    assert page.cancelled_at is None


def test_window_is_six_months_back_and_two_years_ahead(client, index):
    make_event(index, "Alt", dates=[(at(-200, 9), at(-200, 12))])
    make_event(index, "Vor fünf Monaten", dates=[(at(-150, 9), at(-150, 12))])
    make_event(index, "Übernächstes Jahr", dates=[(at(700, 9), at(700, 12))])

    summaries = {str(e["SUMMARY"]) for e in vevents(parse(feed(client, index)))}

    assert summaries == {"Vor fünf Monaten", "Übernächstes Jahr"}


HOSTILE = 'Komma, Semikolon; Backslash \\ "Zitat" Ümläüte ß 🧒\nEND:VEVENT\nBEGIN:VEVENT'


def test_hostile_text_is_escaped_and_folded(client, index):
    make_event(
        index,
        "Schutz, Hilfe; Recht \\ 🧒 END:VCALENDAR",
        teaser=HOSTILE + " " + "lang " * 40,
        venue=make_venue("Haus; am, See \\ Süd"),
    )

    response = feed(client, index)
    (event,) = vevents(parse(response))

    assert str(event["SUMMARY"]) == "Schutz, Hilfe; Recht \\ 🧒 END:VCALENDAR"
    assert str(event["DESCRIPTION"]).startswith(HOSTILE)
    assert str(event["LOCATION"]).startswith("Haus; am, See \\ Süd")
    lines = response.content.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1
    assert all(len(line) <= 75 for line in lines)
    response.content.decode("utf-8")


def test_online_link_never_leaks(client, index):
    secret = "https://konferenz.example/geheimer-raum-4711"
    online = make_event(
        index, "Kinderschutz und Medien", event_format=EventFormat.ONLINE, online_access_link=secret
    )
    make_event(
        index,
        "Hybrid-Netzwerktreffen",
        event_format=EventFormat.HYBRID,
        venue=make_venue(),
        online_access_link=secret,
    )

    responses = [
        feed(client, index),
        client.get(f"{online.url}ical/"),
        client.get(online.url),
        client.get(index.url),
    ]

    for response in responses:
        assert response.status_code == 200
        assert b"geheimer-raum" not in response.content
    locations = {str(e["LOCATION"]) for e in vevents(parse(responses[0]))}
    hybrid = "Kreishaus Musterstadt, Saal 2, Am Markt 1, 31134 Musterstadt / Online"
    assert locations == {"Online", hybrid}


def test_drafts_private_and_expired_events_never_appear(client, index, django_user_model):
    make_event(index, "Öffentlich")
    draft = make_event(index, "Entwurf", live=False)
    private = make_event(index, "Nur mit Passwort")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    members_only = make_event(index, "Nur für Gruppe")
    restriction = PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.GROUPS
    )
    group = Group.objects.create(name="Netzwerk")
    restriction.groups.add(group)
    expired = make_event(index, "Abgelaufen")
    EventPage.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(hours=1))
    changed = make_event(index, "Veröffentlichter Titel")
    changed.title = "Unveröffentlichter Titel"
    changed.save_revision()

    for query in ("", "?typ=fortbildung", "?veranstalter=koordination", "?typ=fortbildung&x=2"):
        summaries = {str(e["SUMMARY"]) for e in vevents(parse(feed(client, index, query)))}
        assert summaries == {"Öffentlich", "Veröffentlichter Titel"}

    assert client.get(f"/veranstaltungen/{draft.slug}/ical/").status_code == 404
    assert client.get(f"{expired.url}ical/").status_code == 404
    for page in (private, members_only):
        response = client.get(f"{page.url}ical/")
        assert b"VCALENDAR" not in response.content
    # Even a member of the group gets no calendar file of a private event.
    user = django_user_model.objects.create_user("mitglied", password="x")
    user.groups.add(group)
    client.force_login(user)
    assert client.get(f"{members_only.url}ical/").status_code == 404
    assert client.get(members_only.url).status_code == 200


def test_feed_filters(client, index):
    kita = make_audience()
    schule = make_audience("Lehrkräfte", "schule")
    make_event(index, "Für Kitas", audiences=[kita])
    make_event(index, "Für Schulen", audiences=[schule], organiser_name="Kinderschutzbund")
    make_fachtag(index, "Fachtag")

    def summaries(query):
        return {str(e["SUMMARY"]) for e in vevents(parse(feed(client, index, query)))}

    assert summaries("?typ=fachtag") == {"Fachtag"}
    assert summaries("?zielgruppe=schule") == {"Für Schulen"}
    assert summaries("?veranstalter=Kinderschutzbund") == {"Für Schulen"}
    assert summaries("?veranstalter=koordination") == {"Für Kitas", "Fachtag"}
    assert summaries("?zielgruppe=unbekannt") == set()
    assert summaries("?veranstalter=unbekannt") == set()


@pytest.mark.parametrize(
    "query",
    ["?typ=unbekannt", "?format=irgendwie", "?zielgruppe=" + "x" * 201, "?typ=fachtag&format=x"],
)
def test_feed_with_an_unknown_filter_value_is_a_bad_request(client, index, query):
    """Never the whole calendar for a filter it could not apply (issue #9)."""
    make_event(index, "Für Kitas")

    response = feed(client, index, query)

    assert response.status_code == 400
    assert b"VEVENT" not in response.content


def test_single_event_file(client, index):
    page = make_event(index, dates=[(at(5, 9), at(5, 12)), (at(6, 9), at(6, 12))])

    response = client.get(f"{page.url}ical/")
    cal = parse(response)

    assert response["Content-Disposition"] == f'attachment; filename="{page.slug}.ics"'
    assert len(vevents(cal)) == 2
    assert cal["X-WR-CALNAME"] == page.title


def test_conditional_requests(client, index, django_assert_max_num_queries):
    page = make_event(index)
    first = feed(client, index)
    again = feed(client, index)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=900"
    assert again["ETag"] == etag and again.content == first.content

    # Answered from the cached validators, before Wagtail routes anything.
    with django_assert_max_num_queries(0):
        not_modified = feed(client, index, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert feed(client, index, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert feed(client, index, "?typ=fachtag")["ETag"] != etag

    republish(page, lambda draft: setattr(draft, "teaser", "Neu"))
    changed = feed(client, index, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag

    page.unpublish()
    assert feed(client, index, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
@override_settings(KINDERSCHUTZ_FEED_FUTURE_DAYS=1100)  # the bulk dates reach 1,040 days ahead
def test_feed_query_count_is_constant(client, index, size, django_assert_num_queries):
    make_many_events(index, size, venue=make_venue(), audiences=[make_audience()])
    # Routing (kinderschutz_cms/routing.py: site, pages) and the view restrictions read
    # cold into the frame cache, the version aggregate, the calendar's restrictions (may
    # the answer be cached?), the audiences' names, the events' audiences, the dates with
    # their events, venues and entry versions (nothing is cached yet: no query of the
    # versions alone).
    with django_assert_num_queries(12):
        built = feed(client, index, "?typ=fortbildung")
    assert len(vevents(parse(built))) == 2 * size
    # Built once: validators and bytes come from the cache.
    with django_assert_num_queries(0):
        cached = feed(client, index, "?typ=fortbildung")
    assert cached.content == built.content
    with django_assert_num_queries(0):
        not_modified = feed(client, index, "?typ=fortbildung", HTTP_IF_NONE_MATCH=built["ETag"])
    assert not_modified.status_code == 304


def test_built_calendar_is_reused_until_something_changes(client, index, django_assert_num_queries):
    page = make_event(index)
    first = feed(client, index)
    # Same version: served from the cache, before Wagtail routes anything.
    with django_assert_num_queries(0):
        again = feed(client, index)
    assert again.content == first.content

    republish(page, lambda draft: setattr(draft, "title", "Neuer Titel"))
    (event,) = vevents(parse(feed(client, index)))
    assert event["SUMMARY"] == "Neuer Titel"


def test_vtimezone_is_the_yearly_rule_form_outlook_google_and_apple_write(client, index):
    make_event(index, dates=[(at(10, 9), at(10, 12)), (at(400, 9), at(400, 12))])

    (vtimezone,) = parse(feed(client, index)).walk("VTIMEZONE")

    assert vtimezone["TZID"] == "Europe/Berlin"
    observances = [
        [
            line
            for line in component.to_ical().decode().splitlines()
            if not line.startswith(("TZNAME", "BEGIN", "END"))
        ]
        for component in vtimezone.subcomponents
    ]
    assert [component.name for component in vtimezone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    assert observances == [
        [
            "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
        ],
        [
            "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
        ],
    ]


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Tokyo",
        "Africa/Casablanca",
        "America/Santiago",
    ],
)
def test_vtimezone_gives_the_offsets_of_zoneinfo(tzid):
    """Whatever the zone (rules, southern hemisphere, none, irregular), icalendar reading
    only the generated VTIMEZONE gives every wall-clock time of the years the offset
    zoneinfo gives (except the hour that exists twice, which a wall-clock time cannot
    tell apart)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from events.ical import timezone_component

    vtimezone = timezone_component(tzid, 2027, 2029)
    if tzid not in ("Africa/Casablanca", "America/Santiago"):  # no nth-weekday rule there
        assert all("RDATE" not in component for component in vtimezone.subcomponents)
    assert all(len(line.split(b",")) == 1 for line in vtimezone.to_ical().split(b"\r\n"))
    generated = Calendar.from_ical(vtimezone.to_ical()).to_tz(lookup_tzid=False)
    zone = ZoneInfo(tzid)
    moment, checked = datetime(2027, 1, 1, tzinfo=UTC), 0
    while moment.year < 2030:
        local = moment.astimezone(zone)
        wall = local.replace(tzinfo=None)
        if wall.replace(tzinfo=zone, fold=1).utcoffset() == local.utcoffset():
            assert wall.replace(tzinfo=generated).utcoffset() == local.utcoffset(), moment
            checked += 1
        moment += timedelta(hours=1)
    assert checked > 3 * 364 * 24


def test_feed_etag_changes_with_the_format_version(client, index, monkeypatch):
    make_event(index)
    etag = feed(client, index)["ETag"]
    monkeypatch.setattr("events.ical.FORMAT_VERSION", "test")
    assert feed(client, index, HTTP_IF_NONE_MATCH=etag).status_code == 200
