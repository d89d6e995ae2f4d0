"""Settings of the events app, with their defaults in one place (read at call time).

- `KINDERSCHUTZ_FEED_STREAM_FROM` (2000): a calendar file with more dates than this is
  streamed in chunks (bounded memory, no Content-Length) and its bytes are not cached;
  smaller ones are built in memory, sent with Content-Length and cached by ETag
  (`events.feeds`).
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_FEED_STREAM_FROM": 2000,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
