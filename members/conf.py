"""Settings of the members app, with their defaults in one place (a host site needs none).

Read at call time (`get("NAME")`), so tests and operators can change them.

- `KINDERSCHUTZ_MEMBERS_PER_PAGE` (20): member organisations per page of the directory.
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_MEMBERS_PER_PAGE": 20,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
