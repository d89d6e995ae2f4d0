"""Settings of the registrations app, with their defaults in one place.

Read at call time (so tests and operators can change them without a restart of the code
that imports this module). A limit is `(count, seconds)`; `None` switches it off.

- `REGISTRATION_MIN_FILL_SECONDS` (3): a form sent back faster is refused.
- `REGISTRATION_FORM_MAX_AGE_HOURS` (6): a form older than this is "abgelaufen"; the
  person sends it again with what they typed and a fresh stamp.
- `REGISTRATION_RATE_LIMIT` ((10, 600)): valid submissions per client address (an IPv6
  client by its /64, see `kinderschutz_cms.client_ip`) per window.
- `REGISTRATION_INVALID_RATE_LIMIT` ((100, 600)): refused submissions (invalid input,
  spam traps) per client address; far higher, so that people correcting their input, or
  many people behind one address, never lock each other out.
- `REGISTRATION_EMAIL_RATE_LIMIT` ((3, 3600)): submissions per e-mail address and event.
- `REGISTRATION_MAIL_LIMIT` ((5, 3600)): e-mails a person's own actions (registering,
  cancelling) may cause to one recipient address per window; more are recorded as
  "unterdrückt" and not sent. Mails of the coordination and coordinator notices are
  never suppressed.
- `REGISTRATION_RETENTION_DAYS` (180): days after an event's end after which its
  registrations are anonymised (`services.privacy.purge_expired`); the default privacy
  notice names this number.
- `REGISTRATION_LINK_DAYS_AFTER_EVENT` (30): personal links expire this many days after
  the event's end.
- `REGISTRATION_EMAIL_MAX_ATTEMPTS` (6): sending attempts per outbox message.
- `REGISTRATION_EMAIL_STALE_MINUTES` (15): a queued message not sent after this long is
  handed to the queue again by `retry_emails`.
- `KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS` (3650, ten years): certificates of attendance
  (name, event, dates, number) are kept this many days after issue, independent of the
  registration's retention, then deleted by `purge_registrations`.
- `KINDERSCHUTZ_CERTIFICATE_CHUNK_SIZE` (50): certificates issued per task in a bulk issue.
- `KINDERSCHUTZ_CERTIFICATE_VERIFY_RATE_LIMIT` ((30, 600)): look-ups of the public
  verification page per client address per window.
- `KINDERSCHUTZ_CERTIFICATE_TEMPLATE` ("registrations/certificate.html"): the HTML
  template of the certificate PDF (a host site may point it at its own layout).
- `KINDERSCHUTZ_ORGANISATION_SEARCH_RATE_LIMIT` ((120, 600)): look-ups of the registration
  form's organisation suggestions (`views.organisation_search`) per client address.
- `KINDERSCHUTZ_EXPORT_KEEP_HOURS` (24): a registrations export run in the background
  (`exports.ExportJob`) is kept this many hours after it was started, then deleted with its
  file by `purge_registrations`.
- `KINDERSCHUTZ_EXPORT_ROOT` (None: a directory "private/exports" next to MEDIA_ROOT): where
  the files of background exports are stored; never a directory the web server serves.
"""

from django.conf import settings

DEFAULTS = {
    "REGISTRATION_MIN_FILL_SECONDS": 3,
    "REGISTRATION_FORM_MAX_AGE_HOURS": 6,
    "REGISTRATION_RATE_LIMIT": (10, 600),
    "REGISTRATION_INVALID_RATE_LIMIT": (100, 600),
    "REGISTRATION_EMAIL_RATE_LIMIT": (3, 3600),
    "REGISTRATION_MAIL_LIMIT": (5, 3600),
    "REGISTRATION_RETENTION_DAYS": 180,
    "REGISTRATION_LINK_DAYS_AFTER_EVENT": 30,
    "REGISTRATION_EMAIL_MAX_ATTEMPTS": 6,
    "REGISTRATION_EMAIL_STALE_MINUTES": 15,
    "KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS": 3650,
    "KINDERSCHUTZ_CERTIFICATE_CHUNK_SIZE": 50,
    "KINDERSCHUTZ_CERTIFICATE_VERIFY_RATE_LIMIT": (30, 600),
    "KINDERSCHUTZ_CERTIFICATE_TEMPLATE": "registrations/certificate.html",
    "KINDERSCHUTZ_ORGANISATION_SEARCH_RATE_LIMIT": (120, 600),
    "KINDERSCHUTZ_EXPORT_KEEP_HOURS": 24,
    "KINDERSCHUTZ_EXPORT_ROOT": None,
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
