"""Settings of the members app, with their defaults in one place (a host site needs none).

Read at call time (`get("NAME")`), so tests and operators can change them.

- `KINDERSCHUTZ_MEMBERS_PER_PAGE` (20): member organisations per page of the directory.
- `KINDERSCHUTZ_MEMBER_LINK_DAYS` (14): how long a maintainer's link (edit the entry,
  confirm it, sign the agreement) stays valid.
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_MEMBERS_PER_PAGE": 20,
    "KINDERSCHUTZ_MEMBER_LINK_DAYS": 14,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
