"""Calendar page, event page and iCal feed at 10 and 1000 events.

Figures per size: query count and median time of the calendar index, one event page and
the full feed (answered from the cache of built calendars, and built afresh); the built
feed's time as a ratio to the library's floor: icalendar building and serialising the same
VEVENTs from plain values already in memory (fetched beforehand, a plain loop creating
icalendar.Event objects, then `to_ical()`), i.e. what routing, queries and our building
add to the least any icalendar-based feed costs; and the time and queries of a 304 answer
to a conditional request.

Memory: the peak memory allocated while building the feed of 1,000 and of 10,000 events
(tracemalloc) and the peak RSS of that process (getrusage), in a process of its own
(`feed_memory.py`; the 10,000 are inserted in bulk by `demo.bulk_events`).
"""

import json
import os
import subprocess
import sys
from functools import partial

from common import Figure, count_queries, median_time, setup_django

SIZES = (10, 1000)


def _site(size):
    from wagtail.models import Page, Site

    from kinderschutz_cms.models import NetworkHomePage

    root = Page.get_first_root_node()
    home = NetworkHomePage(title=f"Netzwerk {size}", slug=f"netzwerk-{size}")
    root.add_child(instance=home)
    hostname = f"bench{size}.test"
    Site.objects.create(hostname=hostname, port=80, root_page=home, is_default_site=False)
    return home, hostname


def _measure(size):
    from django.core.cache import cache
    from django.test import Client

    from demo import events as demo
    from events.models import EventPage

    home, hostname = _site(size)
    index = demo.build(home, events=size)
    client = Client(HTTP_HOST=hostname)
    event = EventPage.objects.child_of(index).order_by("pk").first()
    index_url = "/" + index.url_path.removeprefix(home.url_path)
    urls = {
        "calendar page": index_url,
        "event page": "/" + event.url_path.removeprefix(home.url_path),
        "feed": index_url + "ical/",
    }
    name = f"events ({size} events)"
    figures = []
    # "feed" below is answered from the cache of built calendars (same ETag).
    for label, url in urls.items():
        get = partial(client.get, url)
        assert get().status_code == 200, url
        figures.append(Figure(name, f"{label}: queries", count_queries(get)))
        figures.append(Figure(name, f"{label}: median", median_time(get), "ms"))

    def feed_built():
        cache.clear()  # built calendars are cached by ETag; measure building them
        return client.get(urls["feed"])

    feed_ms = median_time(feed_built)
    figures.append(Figure(name, "feed, built: queries", count_queries(feed_built)))
    figures.append(Figure(name, "feed, built: median", feed_ms, "ms"))
    floor_ms = median_time(partial(_library_floor, index, f"http://{hostname}{index_url}"))
    figures.append(Figure(name, "feed: icalendar floor", floor_ms, "ms"))
    figures.append(Figure(name, "feed built / icalendar floor", feed_ms / floor_ms, "x"))

    etag = client.get(urls["feed"])["ETag"]
    conditional = partial(client.get, urls["feed"], HTTP_IF_NONE_MATCH=etag)
    assert conditional().status_code == 304
    figures.append(Figure(name, "304 answer: median", median_time(conditional), "ms"))
    figures.append(Figure(name, "304 answer: queries", count_queries(conditional)))
    return figures


def _plain_values(index, base_url):
    """The values of every VEVENT of the feed, as dicts of plain Python values."""
    from dataclasses import asdict

    from events import ical, listing

    dates = listing.feed_dates(listing.visible_events(index))
    version = listing.feed_version(dates)
    rows = listing.feed_rows(dates)
    events = [asdict(ical.entry(row, url=f"{base_url}{row.slug}/")) for row in rows]
    return version, events


def _library_floor(index, base_url, _cache={}):  # noqa: B006 (values fetched once)
    """icalendar building and serialising the feed's VEVENTs from values in memory."""
    from icalendar import Event

    from events import ical

    if index.pk not in _cache:
        _cache[index.pk] = _plain_values(index, base_url)
    version, events = _cache[index.pk]
    cal = ical.calendar_header(index.title)
    cal.add_component(ical.calendar_timezone_for(version["first_start"], version["last_start"]))
    for values in events:
        event = Event()
        event.add("uid", values["uid"])
        event.add("dtstamp", values["stamp"])
        event.add("last-modified", values["stamp"])
        event.add("sequence", values["sequence"])
        event.add("dtstart", values["start"])
        event.add("dtend", values["end"])
        event.add("summary", values["summary"])
        event.add("status", values["status"])
        if values["location"]:
            event.add("location", values["location"])
        event.add("url", values["url"])
        event.add("description", values["description"])
        event.add("categories", list(values["categories"]))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


def _memory(sizes=(1000, 10000)):
    """Peak RSS added by building the feed, in a process of its own per size."""
    from django.conf import settings
    from django.db import connection

    from demo.bulk_events import add_trainings
    from events.models import Audience, Venue

    figures = []
    venue = Venue.objects.first()
    audiences = list(Audience.objects.all()[:1])
    database = settings.DATABASES["default"]["NAME"]
    for size in sizes:
        home, hostname = _site(f"{size}-memory")
        from events.models import EventIndexPage

        index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
        home.add_child(instance=index)
        add_trainings(index, size, venue=venue, audiences=audiences)
        path = "/" + index.url_path.removeprefix(home.url_path) + "ical/"
        with connection.cursor() as cursor:  # the rows in the file itself, not a WAL
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}")
        here = os.path.dirname(os.path.abspath(__file__))
        result = subprocess.run(
            [sys.executable, os.path.join(here, "feed_memory.py"), hostname, path],
            env=env,
            cwd=os.path.dirname(here),
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        name = f"events ({size} events)"
        figures.append(
            Figure(name, "feed built: peak memory of the build", measured["build"], "MiB")
        )
        figures.append(Figure(name, "feed built: peak RSS of the process", measured["rss"], "MiB"))
        figures.append(Figure(name, "feed built: size", measured["size"], "MiB"))
    return figures


def run():
    setup_django()
    from django.db import connection
    from django.test.utils import override_settings

    figures = []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for size in SIZES:
            figures.extend(_measure(size))
        if connection.vendor == "sqlite":  # the measuring process opens the same file
            figures.extend(_memory())
    return figures
