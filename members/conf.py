"""Settings of the members app, with their defaults in one place (a host site needs none).

Read at call time (`get("NAME")`), so tests and operators can change them.

- `KINDERSCHUTZ_MEMBERS_PER_PAGE` (20): member organisations per page of the directory.
- `KINDERSCHUTZ_MEMBER_LINK_DAYS` (14): how long a maintainer's link (edit the entry,
  confirm it, sign the agreement) stays valid. A signing link sent with a reminder
  (`members.signing_rounds.send_reminders`) is new and valid this long again.
- Links in the signing e-mails start with `WAGTAILADMIN_BASE_URL` for the default site (a
  further site's own root URL), as every e-mail link (`kinderschutz_cms.links`).
- The agreement page lists 50 signatories per page (`members.agreements.SIGNATORIES_PER_PAGE`).
- `KINDERSCHUTZ_MEMBER_LINK_RATE_LIMIT` ((10, 3600)): requests for an edit link per client
  address (an IPv6 client by its /64) and window in seconds; `None` switches it off.
- `KINDERSCHUTZ_MEMBER_LINK_EMAIL_RATE_LIMIT` ((3, 3600)): requests for an edit link per
  e-mail address typed in, whichever member page they come from.
- `KINDERSCHUTZ_CONCEPT_REVIEW_YEARS` (2): a protection concept is due for review this many
  years after its last review (or its adoption, if never reviewed).
- `KINDERSCHUTZ_CONCEPT_MAX_UPLOAD_MB` (10): largest protection concept (PDF) a member may
  upload through the self-service form.
- `KINDERSCHUTZ_CHECK_REMINDER_DAYS` (14): days after a check round started before
  `manage.py send_check_reminders` reminds the maintainers who have not answered (once).
- `KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS` (365): days after its last e-mail (the
  invitation or its latest reminder) after which a signing invitation, with the address it
  went to, is deleted (`members.privacy`, run by `manage.py purge_registrations`).
"""

from django.conf import settings

DEFAULTS = {
    "KINDERSCHUTZ_MEMBERS_PER_PAGE": 20,
    "KINDERSCHUTZ_MEMBER_LINK_DAYS": 14,
    "KINDERSCHUTZ_MEMBER_LINK_RATE_LIMIT": (10, 3600),
    "KINDERSCHUTZ_MEMBER_LINK_EMAIL_RATE_LIMIT": (3, 3600),
    "KINDERSCHUTZ_CONCEPT_REVIEW_YEARS": 2,
    "KINDERSCHUTZ_CONCEPT_MAX_UPLOAD_MB": 10,
    "KINDERSCHUTZ_CHECK_REMINDER_DAYS": 14,
    "KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS": 365,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def limit(name):
    """A `(count, seconds)` limit or None (switched off)."""
    value = get(name)
    if not value:
        return None
    count, window = value
    return int(count), int(window)
