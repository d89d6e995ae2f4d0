"""Recurring events (#15): the rule as RRULE, its expansion in Berlin wall-clock time across
the daylight-saving switches, exceptions, the admin's checks, the calendar and home page,
and the feed as three independent clients read it (icalendar, recurring-ical-events,
Mozilla's ical.js)."""

import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from events import recurrence
from events.models import EventDate, NetworkMeetingPage, Occurrence, RecurrenceException

from .factories import make_event, make_running_series, make_venue
from .test_admin import add_url, page_data
from .test_external import dateutil_periods_walked
from .test_ical_clients import REPO, SCRIPT, icaljs  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def first_wednesday_of_march(year):
    day = date(year, 3, 1)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def weekly_series(index, *, count=40, exceptions=(), title="Offene Sprechstunde", **fields):
    """A weekly Wednesday 10:00–11:30 series from the first Wednesday of March next year:
    it crosses the March and the October switch."""
    year = timezone.localdate().year + 1
    day = first_wednesday_of_march(year)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN)
    return make_event(
        index,
        title,
        cls=NetworkMeetingPage,
        dates=[(start, start + timedelta(minutes=90))],
        recurrence_frequency="WEEKLY",
        recurrence_count=count,
        recurrence_exceptions=list(exceptions),
        **fields,
    )


# ---- the rule and its expansion


def test_editor_fields_become_an_rrule_and_words():
    start = datetime(2027, 1, 13, 18, tzinfo=BERLIN)  # the second Wednesday of January
    rule = recurrence.Rule("MONTHLY", interval=3, weekdays=("WE",), position=2)
    rrule = recurrence.to_rrule(rule, start)
    assert rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE"
    assert recurrence.describe(rrule) == "jedes Quartal (alle 3 Monate) am zweiten Mittwoch"
    until = recurrence.to_rrule(recurrence.Rule("WEEKLY", until=date(2027, 7, 1)), start)
    # The end of 1 July in Berlin (summer time), in UTC as RFC 5545 asks with a TZID.
    assert until == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270701T215959Z"
    assert recurrence.describe(until) == "jede Woche am Mittwoch, bis 01.07.2027"


def test_weekly_wednesday_stays_at_ten_across_both_switches():
    start = datetime(2027, 3, 3, 10, tzinfo=BERLIN)
    pairs = recurrence.expand("FREQ=WEEKLY;BYDAY=WE;COUNT=40", start, start + timedelta(hours=1))
    assert len(pairs) == 40
    assert {(s.hour, s.minute, s.weekday()) for s, _e in pairs} == {(10, 0, 2)}
    utc_hours = [s.astimezone(UTC).hour for s, _e in pairs]
    # 09:00 UTC in winter, 08:00 UTC from 31 March (switch 28 March), 09:00 again from
    # 3 November (switch 31 October).
    assert utc_hours[:5] == [9, 9, 9, 9, 8] and pairs[4][0].date() == date(2027, 3, 31)
    assert utc_hours[34:36] == [8, 9] and pairs[35][0].date() == date(2027, 11, 3)


@override_settings(KINDERSCHUTZ_RECURRENCE_MAX_OCCURRENCES=12)
def test_expansion_is_capped_by_the_setting():
    start = datetime(2027, 1, 1, 9, tzinfo=BERLIN)
    assert len(recurrence.expand("FREQ=DAILY", start, start + timedelta(hours=1))) == 12


# the walk of `occurrences_through`: (rule, DTSTART) and the same end for all, 2026-12-31
THROUGH_END = datetime(2026, 12, 31, 23, 59, 59)
RULES_WITH_DATES = [
    ("FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU", datetime(2018, 3, 25, 10)),
    ("FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYDAY=1MO", datetime(2026, 1, 5, 10)),
    ("FREQ=YEARLY;BYMONTH=5,11;BYDAY=2WE", datetime(2024, 5, 8, 10)),
    ("FREQ=YEARLY;BYMONTH=1;BYDAY=1MO", datetime(2015, 1, 5, 10)),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2015, 1, 30, 10)),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", datetime(2015, 5, 11, 10)),
    ("FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO", datetime(2015, 12, 28, 10)),
    ("FREQ=YEARLY;BYYEARDAY=100,200", datetime(2015, 4, 10, 10)),
    ("FREQ=YEARLY;BYYEARDAY=1,-1", datetime(2015, 1, 1, 10)),
    ("FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=15", datetime(2015, 1, 15, 10)),
    ("FREQ=WEEKLY;INTERVAL=3;BYDAY=FR", datetime(2015, 1, 2, 10)),
    ("FREQ=YEARLY;INTERVAL=2;BYMONTH=12;BYMONTHDAY=31", datetime(2014, 12, 31, 10)),
    ("FREQ=DAILY;INTERVAL=45", datetime(2015, 1, 1, 10)),
    ("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2015, 1, 31, 10)),
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", datetime(2016, 2, 29, 10)),
    ("FREQ=MONTHLY;BYDAY=1MO", datetime(2015, 1, 5, 10)),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR", datetime(2015, 1, 30, 10)),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR,SU", datetime(2015, 1, 4, 10)),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=SU", datetime(2015, 1, 5, 10)),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=28,29", datetime(2015, 2, 28, 10)),
]


@pytest.mark.parametrize(
    ("rule", "dtstart"), RULES_WITH_DATES, ids=[r for r, _ in RULES_WITH_DATES]
)
def test_occurrences_through_matches_plain_dateutil(rule, dtstart):
    """The bounded walk gives every occurrence plain dateutil gives up to the same end:
    the bound never cuts a rule short (counting dateutil's reads once did, for yearly
    rules listing several months)."""
    expected = []
    for moment in rrulestr(rule, dtstart=dtstart):
        if moment > THROUGH_END:
            break
        expected.append(moment)
    assert expected  # each rule has dates in the span
    got = recurrence.occurrences_through(rrulestr(rule, dtstart=dtstart), THROUGH_END, limit=10_000)
    assert got == expected


def test_occurrences_through_reads_the_end_on_the_rules_clock():
    """An end in UTC is compared on the wall clock of DTSTART: New Year 00:15 in Berlin is
    still 2026 in UTC, and must not be cut off as a period past the end."""
    dtstart = datetime(2020, 1, 1, 0, 15, tzinfo=BERLIN)
    end = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Berlin
    got = recurrence.occurrences_through(
        rrulestr("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", dtstart=dtstart), end, limit=100
    )
    assert [moment.year for moment in got] == list(range(2020, 2028))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=32;BYDAY=-1SU",
        "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO",
    ],
)
def test_a_rule_without_dates_is_walked_only_to_the_end(rule):
    """dateutil alone searches such a rule to the year 9999; bounded, it walks the
    span from DTSTART to the end (ten years here) and not much more."""
    dtstart = datetime(2017, 1, 1, 10)
    try:
        parsed = rrulestr(rule, dtstart=dtstart)
    except ValueError:
        pytest.skip("dateutil refuses the rule outright")
    periods, got = dateutil_periods_walked(
        lambda: recurrence.occurrences_through(parsed, THROUGH_END, limit=100)
    )
    assert got == []
    assert periods <= 10 * 12 + 2  # months of 2017-2026, plus the one past the end


def test_problems_in_german():
    start = datetime(2027, 1, 13, 18, tzinfo=BERLIN)
    dates = [(start, start + timedelta(hours=2), False)]
    monthly = recurrence.Rule("MONTHLY", interval=3, weekdays=("WE",), position=2)
    assert recurrence.problems(monthly, dates) == {}
    assert "ersten Termin" in recurrence.problems(monthly, [])["recurrence_frequency"]
    early = recurrence.Rule("WEEKLY", until=date(2027, 1, 1))
    assert recurrence.problems(early, dates) == {
        "recurrence_until": "Das Ende der Wiederholung liegt vor dem ersten Termin."
    }
    with override_settings(KINDERSCHUTZ_RECURRENCE_MAX_OCCURRENCES=50):
        many = recurrence.Rule("WEEKLY", count=51)
        assert recurrence.problems(many, dates) == {
            "recurrence_count": "Höchstens 50 Termine pro Reihe."
        }
    third = recurrence.Rule("MONTHLY", weekdays=("WE",), position=3)
    assert "passt nicht zur Regel" in recurrence.problems(third, dates)["recurrence_frequency"]
    assert recurrence.problems(monthly, dates, [date(2027, 4, 14), date(2027, 4, 15)]) == {
        "exceptions": [date(2027, 4, 15)]
    }


def test_admin_refuses_an_end_before_the_first_date(admin_client, index):
    data = page_data(
        "Sprechstunde",
        "sprechstunde",
        [{"start": "2030-01-09 10:00", "end": "2030-01-09 11:00", "title": "", "note": ""}],
        recurrence_frequency="WEEKLY",
        recurrence_until="2029-12-31",
    )
    response = admin_client.post(add_url("networkmeetingpage", index), data)
    assert response.status_code == 200
    assert "Das Ende der Wiederholung liegt vor dem ersten Termin." in response.content.decode()
    assert not NetworkMeetingPage.objects.filter(slug="sprechstunde").exists()


def test_admin_stores_the_rule_and_the_exceptions(admin_client, index):
    from wagtail.test.utils.form_data import inline_formset

    data = page_data(
        "Netzwerktreffen",
        "netzwerktreffen",
        [{"start": "2030-01-09 18:00", "end": "2030-01-09 20:00", "title": "", "note": ""}],
        recurrence_frequency="MONTHLY",
        recurrence_interval="3",
        recurrence_weekdays=["WE"],
        recurrence_position="2",
        recurrence_count="4",
        recurrence_exceptions=inline_formset(
            [{"occurrence_date": "2030-04-10", "cancelled": "on", "note": "Ferien"}]
        ),
    )
    response = admin_client.post(add_url("networkmeetingpage", index), data)
    assert response.status_code == 302, response.context["form"].errors
    page = NetworkMeetingPage.objects.get(slug="netzwerktreffen")
    assert page.recurrence_rule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=4"
    occurrences = Occurrence.objects.filter(page=page).order_by("start")
    assert [(o.start.astimezone(BERLIN).date(), o.cancelled) for o in occurrences] == [
        (date(2030, 1, 9), False),
        (date(2030, 4, 10), True),
        (date(2030, 7, 10), False),
        (date(2030, 10, 9), False),
    ]


# ---- the calendar page and the home page


def test_calendar_lists_the_occurrences_of_the_month(client, index):
    year = timezone.localdate().year + 1
    page = weekly_series(
        index,
        exceptions=[RecurrenceException(occurrence_date=date(year, 4, 14), cancelled=True)],
    )
    response = client.get(index.url, {"monat": f"{year}-04"})
    html = response.content.decode()
    assert page.title in html
    april = [day for day in range(1, 31) if date(year, 4, day).weekday() == 2 and day != 14]
    for day in april:
        assert f'datetime="{year}-04-{day:02d}T10:00:00+02:00"' in html
    assert f"{year}-04-14T10:00" not in html  # cancelled
    assert f"{year}-05-" not in html  # not in the month
    assert "Jede Woche am Mittwoch" in html


def test_a_series_that_began_in_the_past_is_still_upcoming(client, index, home_page):
    from events.listing import upcoming_events, upcoming_for_home

    page = make_running_series(index)
    assert page.dates.get().end < timezone.now()
    listed = list(upcoming_events(index))
    assert [event.pk for event in listed] == [page.pk]
    upcoming = Occurrence.objects.filter(page=page, end__gte=timezone.now()).order_by("start")
    assert listed[0].next_start == upcoming[0].start
    teasers = upcoming_for_home(site_root_path=home_page.path)
    assert [teaser.page.pk for teaser in teasers] == [page.pk]
    assert page.title in client.get(index.url).content.decode()


# ---- the feed, read by three clients


def feed_occurrences_icalendar(content, after, before):
    """Instants from recurring-ical-events (icalendar's own reading of TZID and RRULE)."""
    events = recurring_ical_events.of(Calendar.from_ical(content)).between(after, before)
    return sorted(
        (str(e["UID"]), e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC))
        for e in events
    )


def feed_occurrences_icaljs(content):
    result = subprocess.run(
        ["node", str(SCRIPT), "--occurrences"],
        input=content,
        capture_output=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    return sorted(
        (
            row["uid"],
            datetime.fromtimestamp(row["start"], UTC),
            datetime.fromtimestamp(row["end"], UTC),
        )
        for row in json.loads(result.stdout)
    )


def test_feed_reads_the_same_in_three_clients_across_both_switches(client, index, icaljs):  # noqa: F811
    year = timezone.localdate().year + 1
    moved_from = date(year, 11, 3)  # after the October switch
    page = weekly_series(
        index,
        venue=make_venue(),
        exceptions=[
            RecurrenceException(occurrence_date=date(year, 4, 7), cancelled=True),
            RecurrenceException(
                occurrence_date=moved_from,
                new_start=datetime(year, 11, 5, 14, tzinfo=BERLIN),
                new_end=datetime(year, 11, 5, 16, tzinfo=BERLIN),
                new_venue=make_venue("Rathaus"),
            ),
        ],
    )
    uid = EventDate.objects.get(page=page).uid
    expected = sorted(
        (uid, o.start.astimezone(UTC), o.end.astimezone(UTC))
        for o in Occurrence.objects.filter(page=page, cancelled=False)
    )
    assert len(expected) == 39
    walls = {o.start.astimezone(BERLIN).time() for o in Occurrence.objects.filter(page=page)}
    assert walls == {datetime(2000, 1, 1, 10).time(), datetime(2000, 1, 1, 14).time()}

    response = client.get(f"{index.url}ical/")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 2
    master, moved = vevents
    assert master.content_line("RRULE", master["RRULE"]) == "RRULE:FREQ=WEEKLY;COUNT=40;BYDAY=WE"
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(year, 4, 7, 10, tzinfo=BERLIN)]
    assert str(moved["UID"]) == uid
    assert moved["RECURRENCE-ID"].dt == datetime(year, 11, 3, 10, tzinfo=BERLIN)
    assert int(moved["SEQUENCE"]) == int(master["SEQUENCE"])
    assert "Rathaus" in str(moved["LOCATION"])

    after, before = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 6, 1, tzinfo=UTC)
    assert feed_occurrences_icalendar(response.content, after, before) == expected
    assert feed_occurrences_icaljs(response.content) == expected

    # The single event's file carries the same series.
    single = client.get(f"{page.url}ical/")
    assert feed_occurrences_icaljs(single.content) == expected


def test_changing_an_exception_bumps_the_series_sequence(index):
    page = weekly_series(index, count=5)
    first = EventDate.objects.get(page=page)
    assert first.sequence == 0
    year = timezone.localdate().year + 1
    day = first_wednesday_of_march(year) + timedelta(weeks=2)
    page.recurrence_exceptions = [RecurrenceException(occurrence_date=day, cancelled=True)]
    page.save_revision().publish()
    assert EventDate.objects.get(page=page).sequence == 1
    assert Occurrence.objects.filter(page=page, cancelled=True).count() == 1
