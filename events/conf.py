"""Settings of the events app, with their defaults in one place (read at call time).

- `KINDERSCHUTZ_FEED_STREAM_FROM` (2000): a calendar file with more dates than this is
  streamed in chunks (bounded memory, no Content-Length) and its bytes are not cached;
  smaller ones are built in memory, sent with Content-Length and cached by ETag
  (`events.feeds`).
- `KINDERSCHUTZ_FEED_PAST_DAYS` (183) and `KINDERSCHUTZ_FEED_FUTURE_DAYS` (730): the
  window of a calendar feed: it holds every event with a date (a recurring event: a
  series) that ends at most this many days ago and begins at most that many days ahead.
  Older events stay on the calendar's archive page (`events.listing.feed_window`).
- `KINDERSCHUTZ_EXTERNAL_CALENDAR_TIMEOUT` (10): seconds one fetch of a member's calendar
  may take in all (connecting, redirects and reading); slower feeds are given up.
- `KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_BYTES` (2_000_000): a feed larger than this is not
  read further and not imported.
- `KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_EVENTS` (1000): at most this many events are kept
  per source (the earliest that have not ended).
- `KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS` (()): host names exempt from the refusal
  of private, loopback, link-local and reserved addresses. Empty in production; tests
  put "127.0.0.1" here for their local HTTP server.
- `KINDERSCHUTZ_EXTERNAL_EVENTS_LISTED` (50): external events shown on the calendar page.
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_FEED_STREAM_FROM": 2000,
    "KINDERSCHUTZ_FEED_PAST_DAYS": 183,
    "KINDERSCHUTZ_FEED_FUTURE_DAYS": 730,
    "KINDERSCHUTZ_EXTERNAL_CALENDAR_TIMEOUT": 10,
    "KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_BYTES": 2_000_000,
    "KINDERSCHUTZ_EXTERNAL_CALENDAR_MAX_EVENTS": 1000,
    "KINDERSCHUTZ_EXTERNAL_CALENDAR_ALLOWED_HOSTS": (),
    "KINDERSCHUTZ_EXTERNAL_EVENTS_LISTED": 50,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
