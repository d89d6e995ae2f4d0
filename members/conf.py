"""Settings of the members app, with their defaults in one place (a host site needs none).

Read at call time (`get("NAME")`), so tests and operators can change them.

- `KINDERSCHUTZ_MEMBERS_PER_PAGE` (20): member organisations per page of the directory.
- `KINDERSCHUTZ_MEMBER_LINK_DAYS` (14): how long a maintainer's link (edit the entry,
  confirm it, sign the agreement) stays valid. A signing link sent with a reminder
  (`members.signing_rounds.send_reminders`) is new and valid this long again.
- Links in the signing e-mails start with `WAGTAILADMIN_BASE_URL` for the default site (a
  further site's own root URL), as every e-mail link (`kinderschutz_cms.links`).
- The agreement page lists 50 signatories per page (`members.agreements.SIGNATORIES_PER_PAGE`).
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_MEMBERS_PER_PAGE": 20,
    "KINDERSCHUTZ_MEMBER_LINK_DAYS": 14,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
