"""Members' own calendars: fetching safely, parsing, importing by UID, showing approved
sources on the calendar page. Feeds come from a real HTTP server on 127.0.0.1 started
here (allowed only through KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS)."""

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from events import external
from events.external import FetchError
from events.models import ExternalCalendar, ExternalEvent
from tests.events.factories import at

SLOW_SECONDS = 1.0


def ics(*events):
    body = "".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kinderschutzbund//DE\r\n"
        f"{body}END:VCALENDAR\r\n"
    ).encode()


def vevent(uid, title, days=10, *, extra=""):
    start = at(days, 10).strftime("%Y%m%dT%H%M%S")
    end = at(days, 12).strftime("%Y%m%dT%H%M%S")
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Berlin:{start}\r\nDTEND;TZID=Europe/Berlin:{end}\r\n"
        f"SUMMARY:{title}\r\n{extra}END:VEVENT\r\n"
    )


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if callable(route):
            route(self)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(route)))
        self.end_headers()
        self.wfile.write(route)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    """A local feed server; its routes are set per test. Yields its base URL."""
    settings.KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.KINDERSCHUTZ_EXTERNAL_CALENDAR_TIMEOUT = 0.5
    Handler.routes = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def source(home_page):
    site = Site.objects.get(root_page=home_page)
    return ExternalCalendar.objects.create(
        name="Kinderschutzbund Musterstadt", url="http://127.0.0.1/feed.ics", site=site
    )


def redirect_to(location):
    def respond(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.end_headers()

    return respond


# ---- the address checks (default settings: nothing is allowed)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.ics",
        "http://10.1.2.3/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.ics",
        "http://[::ffff:127.0.0.1]/feed.ics",
        "http://192.168.0.1/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://localhost/feed.ics",
    ],
)
def test_private_addresses_are_refused_by_default(url):
    with pytest.raises(FetchError, match="internes Netz"):
        external.fetch(url)


@pytest.mark.parametrize("url", ["ftp://example.org/x.ics", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https(url):
    with pytest.raises(FetchError, match="http:// oder https://"):
        external.fetch(url)


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.ics",
        "http://localhost:{port}/feed.ics",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(server, target):
    port = server.rsplit(":", 1)[1]
    Handler.routes = {"/feed.ics": ics(), "/go": redirect_to(target.format(port=port))}
    assert external.fetch(server + "/feed.ics")  # the allowed host itself answers
    with pytest.raises(FetchError, match="internes Netz"):
        external.fetch(server + "/go")


def test_at_most_three_redirects(server):
    Handler.routes = {
        "/1": redirect_to("/2"),
        "/2": redirect_to("/3"),
        "/3": redirect_to("/4"),
        "/4": redirect_to("/5"),
        "/5": ics(),
    }
    with pytest.raises(FetchError, match="Zu viele Weiterleitungen"):
        external.fetch(server + "/1")
    assert external.fetch(server + "/2") == ics()  # three redirects are followed


# ---- bad feeds are recorded on the source and break nothing


def test_malformed_huge_and_slow_feeds_are_recorded(server, source, settings):
    settings.KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_BYTES = 5_000

    def slow(handler):
        time.sleep(SLOW_SECONDS)
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(ics())

    def huge_without_length(handler):
        handler.send_response(200)
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"X" * 1000)

    Handler.routes = {
        "/malformed.ics": b"<html>not a calendar</html>",
        "/huge.ics": ics(*(vevent(f"u{i}", "x" * 100) for i in range(100))),
        "/huge-stream.ics": huge_without_length,
        "/slow.ics": slow,
        "/ok.ics": ics(vevent("a@x", "Elternabend")),
    }
    expected = {
        "/malformed.ics": "keine lesbare iCal-Datei",
        "/huge.ics": "größer als",
        "/huge-stream.ics": "größer als",
        "/slow.ics": "nicht rechtzeitig",
    }
    sources = {
        path: ExternalCalendar.objects.create(name=path, url=server + path, site=source.site)
        for path in [*expected, "/ok.ics"]
    }
    started = time.monotonic()
    call_command("import_external_calendars", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert time.monotonic() - started < 5
    for path, message in expected.items():
        sources[path].refresh_from_db()
        assert message in sources[path].last_error, path
        assert sources[path].last_success_at is None
    ok = sources["/ok.ics"]
    ok.refresh_from_db()
    assert ok.last_error == "" and ok.event_count == 1


def test_a_failed_fetch_keeps_the_events_of_the_last_success(server, source):
    source.url = server + "/feed.ics"
    Handler.routes = {"/feed.ics": ics(vevent("a@x", "Elternabend"))}
    external.refresh(source)
    Handler.routes = {"/feed.ics": b"kaputt"}
    assert external.refresh(source) is None
    assert ExternalEvent.objects.filter(source=source).count() == 1
    assert "keine lesbare" in source.last_error


# ---- importing by UID


def test_update_by_uid_and_removal(server, source):
    source.url = server + "/feed.ics"
    Handler.routes = {
        "/feed.ics": ics(
            vevent("a@ksb", "Elternkurs", extra="LOCATION:Familienzentrum\r\n"),
            vevent("b@ksb", "Fortbildung Gesprächsführung", days=20),
        )
    }
    result = external.refresh(source)
    assert (result.created, result.updated, result.removed) == (2, 0, 0)
    first = ExternalEvent.objects.get(uid="a@ksb")
    assert first.location == "Familienzentrum"
    assert first.start == at(10, 10)

    Handler.routes = {
        "/feed.ics": ics(
            vevent("a@ksb", "Elternkurs (neuer Termin)", days=11, extra="SEQUENCE:2\r\n")
        )
    }
    result = external.refresh(source)
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    moved = ExternalEvent.objects.get(source=source)
    assert moved.pk == first.pk  # the same row, found by its UID
    assert (moved.title, moved.start, moved.sequence) == (
        "Elternkurs (neuer Termin)",
        at(11, 10),
        2,
    )
    source.refresh_from_db()
    assert source.event_count == 1 and source.last_success_at is not None


def test_parsing_all_day_floating_html_and_links():
    data = ics(
        "BEGIN:VEVENT\r\nUID:day@x\r\nDTSTART;VALUE=DATE:20300310\r\n"
        "DTEND;VALUE=DATE:20300312\r\nSUMMARY:Zwei Tage\r\n"
        "URL:javascript:alert(1)\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:float@x\r\nDTSTART:20300401T090000\r\nDURATION:PT2H\r\n"
        "SUMMARY:Schwebend\r\nDESCRIPTION:<p>Mit <b>HTML</b></p>\r\n"
        "URL:https://ksb.example.org/anmeldung\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:gone@x\r\nDTSTART:20300401T090000\r\nSTATUS:CANCELLED\r\n"
        "SUMMARY:Abgesagt\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nSUMMARY:ohne UID\r\nDTSTART:20300401T090000\r\nEND:VEVENT\r\n",
    )
    items = {item.uid: item for item in external.parse(data)}
    assert set(items) == {"day@x", "float@x"}
    day = items["day@x"]
    assert day.all_day and (day.start.day, day.end.day) == (10, 11)  # last day inclusive
    assert day.url == ""
    floating = items["float@x"]
    assert str(floating.start.tzinfo) == "Europe/Berlin"
    assert floating.end - floating.start == datetime.timedelta(hours=2)
    assert floating.description == "Mit HTML"
    assert floating.url == "https://ksb.example.org/anmeldung"


# ---- showing them


def test_only_approved_sources_are_shown_and_titles_are_escaped(client, index, source, admin_user):
    imported = external.parse(
        ics(
            vevent(
                "x@ksb",
                "<script>alert(1)</script>Elternkurs",
                extra="DESCRIPTION:<img src=x onerror=alert(2)>Beschreibung\r\n"
                "URL:https://ksb.example.org/kurs\r\n",
            )
        )
    )
    assert (imported[0].title, imported[0].description) == ("alert(1)Elternkurs", "Beschreibung")
    external.import_items(source, imported)
    # What a feed's text could still hold after the tags are gone, and a link that is not
    # http(s) (the import drops those; the page checks again).
    ExternalEvent.objects.create(
        source=source,
        uid="y@ksb",
        title='Kurs "A" & B <3 </h3><script>alert(3)</script>',
        description="<b>fett</b>",
        start=at(12, 10),
        end=at(12, 12),
        url="javascript:alert(4)",
        last_seen=timezone.now(),
    )
    response = client.get(index.url)
    assert "Elternkurs" not in response.content.decode()  # waiting for approval

    source.approved_at, source.approved_by = timezone.now(), admin_user
    source.save()
    html = client.get(index.url).content.decode()
    assert "alert(1)Elternkurs" in html
    assert (
        "Kurs &quot;A&quot; &amp; B &lt;3 &lt;/h3&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in html
    )
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "<script>alert" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert "Kinderschutzbund Musterstadt" in html
    assert 'href="https://ksb.example.org/kurs"' in html
    assert html.count("Anmeldung beim Veranstalter") == 1


def test_trusted_sources_need_no_approval(client, index, source):
    source.trusted = True
    source.save()
    external.import_items(source, external.parse(ics(vevent("t@ksb", "Offene Sprechstunde"))))
    assert "Offene Sprechstunde" in client.get(index.url).content.decode()


def test_external_events_of_another_site_are_not_shown(client, index, source):
    from wagtail.models import Page

    other_home = Page.get_first_root_node().add_child(
        instance=type(index.get_parent().specific)(title="B", slug="b")
    )
    other = Site.objects.create(hostname="b.example.org", root_page=other_home)
    source.site, source.trusted = other, True
    source.save()
    external.import_items(source, external.parse(ics(vevent("o@ksb", "Anderswo"))))
    assert "Anderswo" not in client.get(index.url).content.decode()


def feed_uids(client, url, **params):
    from icalendar import Calendar

    response = client.get(url, params)
    assert response.status_code == 200
    return {
        str(c["UID"]): str(c["SUMMARY"])
        for c in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_feed_carries_external_events_only_when_the_source_says_so(client, index, source):
    from tests.events.factories import make_event

    ours = make_event(index)
    our_uid = ours.dates.get().uid
    source.trusted = True
    source.save()
    external.import_items(source, external.parse(ics(vevent("r@ksb", "Elternkurs"))))
    feed = index.url + "ical/"
    assert set(feed_uids(client, feed)) == {our_uid}

    source.republish = True
    source.save()
    uids = feed_uids(client, feed)
    assert set(uids) == {our_uid, "r@ksb"}  # their own UID, never one of ours
    assert uids["r@ksb"] == "Elternkurs (Kinderschutzbund Musterstadt)"
    assert set(feed_uids(client, feed, format="online")) == set()  # filtered: ours only


def test_the_demo_imports_its_member_calendar_from_the_shipped_file(client, index, home_page):
    from demo import external_calendars

    source = external_calendars.build(home_page)
    external_calendars.build(home_page)  # again: nothing doubles
    assert source.is_approved and source.events.count() == 3
    html = client.get(index.url).content.decode()
    assert "Starke Eltern" in html and "Kinderschutz-Aktionstag" in html


def test_imports_and_the_feed_use_the_configured_feed_window(client, index, source, settings):
    settings.KINDERSCHUTZ_FEED_PAST_DAYS = 30
    settings.KINDERSCHUTZ_FEED_FUTURE_DAYS = 60
    source.trusted = source.republish = True
    source.save()
    items = [vevent(f"{days}@ksb", f"Tag {days}", days) for days in (-45, -10, 30, 90)]

    external.import_items(source, external.parse(ics(*items)))

    kept = set(ExternalEvent.objects.filter(source=source).values_list("uid", flat=True))
    assert kept == {"-10@ksb", "30@ksb"}
    assert set(feed_uids(client, index.url + "ical/")) == {"-10@ksb", "30@ksb"}
    settings.KINDERSCHUTZ_FEED_PAST_DAYS = 5  # the feed asks the setting too
    assert set(feed_uids(client, index.url + "ical/")) == {"30@ksb"}


def test_recurring_external_events_are_expanded_within_the_window(source, settings):
    settings.KINDERSCHUTZ_FEED_PAST_DAYS = 10
    settings.KINDERSCHUTZ_FEED_FUTURE_DAYS = 40
    first = at(-14, 10)  # weekly from two weeks ago, 9 times: days -14 ... 42
    skipped = first + datetime.timedelta(weeks=3)
    moved = first + datetime.timedelta(weeks=4)
    exdate = skipped.strftime("%Y%m%dT%H%M%S")
    series = vevent(
        "serie@ksb",
        "Elterncafé",
        -14,
        extra=f"RRULE:FREQ=WEEKLY;COUNT=9\r\nEXDATE;TZID=Europe/Berlin:{exdate}\r\n",
    )

    def stamp(moment):
        return moment.strftime("%Y%m%dT%H%M%S")

    override = (
        "BEGIN:VEVENT\r\nUID:serie@ksb\r\nDTSTAMP:20260101T000000Z\r\n"
        f"RECURRENCE-ID;TZID=Europe/Berlin:{stamp(moved)}\r\n"
        f"DTSTART;TZID=Europe/Berlin:{stamp(moved + datetime.timedelta(hours=5))}\r\n"
        f"DTEND;TZID=Europe/Berlin:{stamp(moved + datetime.timedelta(hours=6))}\r\n"
        "SUMMARY:Elterncafé am Abend\r\nEND:VEVENT\r\n"
    )

    external.import_items(source, external.parse(ics(series, override)))

    events = ExternalEvent.objects.filter(source=source).order_by("start")
    starts = [timezone.localtime(event.start) for event in events]
    # In the window (10 days back, 40 ahead): weeks 1 to 7 of the series, without the
    # cancelled week 3; week 4 moved to the evening with its own title.
    expected = [first + datetime.timedelta(weeks=week) for week in (1, 2, 4, 5, 6, 7)]
    expected[2] += datetime.timedelta(hours=5)
    assert starts == expected
    assert [event.title for event in events][2] == "Elterncafé am Abend"
    assert len({event.uid for event in events}) == len(expected)


def dateutil_periods_walked(work):
    """How many calendar periods (years, months) dateutil walked while `work()` ran: the
    calls of its per-period mask rebuild, counted by a profile hook (work, not time)."""
    import sys

    from dateutil import rrule as dateutil_rrule

    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        code = frame.f_code
        if event == "call" and code.co_name == "rebuild" and code.co_filename == rrule_file:
            calls += 1

    rrule_file = dateutil_rrule.__file__
    sys.setprofile(profile)
    try:
        result = work()
    finally:
        sys.setprofile(None)
    return calls, result


def test_a_rule_that_never_occurs_costs_only_the_window(settings):
    """FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30 has no date: dateutil alone walks every year
    to 9999 looking for one (a daily rule every day of them). The walk stops at the
    window's end; a normal rule in the same feed is expanded as before."""
    settings.KINDERSCHUTZ_FEED_PAST_DAYS = 10
    settings.KINDERSCHUTZ_FEED_FUTURE_DAYS = 40
    feed = ics(
        vevent("nie@ksb", "Nie", -14, extra="RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"),
        vevent(
            "nie-taeglich@ksb", "Nie", -14, extra="RRULE:FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31\r\n"
        ),
        vevent("serie@ksb", "Elterncafé", -14, extra="RRULE:FREQ=WEEKLY;INTERVAL=2\r\n"),
        vevent(
            "zwei@ksb",
            "Zwei Regeln",
            -14,
            extra="RRULE:FREQ=WEEKLY;COUNT=2\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31\r\n",
        ),
    )
    periods, items = dateutil_periods_walked(lambda: external.parse(feed))
    assert periods < 50  # a few months per rule; without the bound: thousands of years

    first = at(-14, 10)
    series = [item.start for item in items if item.uid.startswith("serie@ksb/")]
    # every other week, from 10 days back (the first run is out) to 40 days ahead (day 42 is out)
    assert series == [first + datetime.timedelta(weeks=week) for week in (2, 4, 6)]
    assert [item.start for item in items if item.uid.startswith("zwei@ksb/")] == [
        first + datetime.timedelta(weeks=1)
    ]
    assert not [item for item in items if item.title == "Nie"]
