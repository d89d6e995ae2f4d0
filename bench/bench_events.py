"""Calendar page, event page and iCal feed at 10 and 1000 events.

Figures per size: query count and median time of the calendar index, one event page and
the full feed (answered from the cache of built calendars, and built afresh); the built
feed's time as a ratio to serialising the same icalendar.Calendar alone (`cal.to_ical()`),
i.e. the overhead of queries, routing and building; and the time and queries of a 304
answer to a conditional request.
"""

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
    from events import ical, listing
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
    dates = listing.with_feed_data(listing.feed_dates(listing.visible_events(index)))
    cal = ical.build_calendar(list(dates), name=index.title, page_url=lambda e: e.get_full_url())
    serialise_ms = median_time(cal.to_ical)
    figures.append(Figure(name, "feed: serialising alone", serialise_ms, "ms"))
    figures.append(Figure(name, "feed / serialising alone", feed_ms / serialise_ms, "x"))

    etag = client.get(urls["feed"])["ETag"]
    conditional = partial(client.get, urls["feed"], HTTP_IF_NONE_MATCH=etag)
    assert conditional().status_code == 304
    figures.append(Figure(name, "304 answer: median", median_time(conditional), "ms"))
    figures.append(Figure(name, "304 answer: queries", count_queries(conditional)))
    return figures


def run():
    setup_django()
    from django.test.utils import override_settings

    figures = []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for size in SIZES:
            figures.extend(_measure(size))
    return figures
