"""Settings of the news app, with their defaults in one place (a host site needs none).

Read at call time (`get("NAME")`), so tests and operators can change them.

- `KINDERSCHUTZ_NEWS_PER_PAGE` (10): articles per page of a news index.
- `KINDERSCHUTZ_NEWS_FEED_LENGTH` (20): articles in a news index's RSS and Atom feeds.
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_NEWS_PER_PAGE": 10,
    "KINDERSCHUTZ_NEWS_FEED_LENGTH": 20,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
