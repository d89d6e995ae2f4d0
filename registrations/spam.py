"""Spam and abuse protection of the public registration form, without third parties.

- **Honeypot:** a text field humans never see (visually hidden, `aria-hidden`, not
  focusable); bots fill it in.
- **Form stamp:** the form carries a signed stamp of the time it was shown and of its
  event. A submission faster than `REGISTRATION_MIN_FILL_SECONDS`, older than
  `REGISTRATION_FORM_MAX_AGE_HOURS`, for another event, or with a forged stamp is refused.
- **Rate limits** (fixed windows, counted in Django's cache: the deployment's shared cache
  when several processes serve the site), per client address as the proxy set-up defines
  it (`kinderschutz_cms.client_ip`, an IPv6 client by its /64):
  `REGISTRATION_RATE_LIMIT` valid submissions per address, `REGISTRATION_EMAIL_RATE_LIMIT`
  submissions per e-mail address and event, and `REGISTRATION_INVALID_RATE_LIMIT`
  refused ones per address. Invalid input only counts against the last, far higher limit:
  people correcting their input, or sharing one address, do not lock others out.

A refused submission changes nothing; the view shows the form again with what the person
typed, a fresh stamp and a German message (for a limit: how long to wait). Defaults of
all settings: `registrations.conf`.
"""

import hashlib
import math
import time

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kinderschutz_cms.client_ip import client_address, rate_limit_bucket

from . import conf
from .models import normalise_email

HONEYPOT_FIELD = "website_url"
STAMP_FIELD = "form_started"
STAMP_SALT = "registrations.form-started"

__all__ = ["client_address", "SpamRefused", "new_stamp", "check_form"]


class SpamRefused(Exception):
    """A refused submission; `retry_after` (seconds) is set for a rate limit."""

    def __init__(self, message, status=400, retry_after=None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.retry_after = retry_after


def new_stamp(event=None):
    """A signed stamp of now, bound to `event` (its primary key)."""
    return signing.dumps({"t": time.time(), "e": event.pk if event else None}, salt=STAMP_SALT)


def min_fill_seconds():
    return float(conf.get("REGISTRATION_MIN_FILL_SECONDS"))


def stamp_max_age():
    return float(conf.get("REGISTRATION_FORM_MAX_AGE_HOURS")) * 3600


def check_form(data, event=None):
    """Raise `SpamRefused` if the honeypot is filled, or the form's stamp is forged, too
    old, for another event or came back too fast."""
    if data.get(HONEYPOT_FIELD):
        raise SpamRefused(_("Ihre Anmeldung konnte nicht verarbeitet werden."))
    try:
        stamp = signing.loads(data.get(STAMP_FIELD, ""), salt=STAMP_SALT, max_age=stamp_max_age())
        started, event_id = float(stamp["t"]), stamp["e"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        started = event_id = None
    if started is None or (event is not None and event_id != event.pk):
        raise SpamRefused(
            _(
                "Das Formular ist abgelaufen. Ihre Angaben sind erhalten: Bitte prüfen Sie sie "
                "und senden Sie das Formular erneut."
            )
        )
    if time.time() - started < min_fill_seconds():
        raise SpamRefused(
            _(
                "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular "
                "erneut."
            )
        )


# --------------------------------------------------------------------------- rate limits


def count_attempt(scope, identity, limit, now=None):
    """Count one attempt of `identity` (any text; stored only as a hash) in `scope`.

    `limit` is `(count, seconds)` or None. Returns None while within the limit, else the
    seconds until the current window ends. Fixed windows: the counter's key names the
    window, so all processes sharing the cache agree and the wait is known.
    """
    if not limit:
        return None
    count, window = limit
    now = time.time() if now is None else now
    slot = int(now // window)
    digest = hashlib.sha256(f"{scope}\0{identity}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{window}:{slot}:{digest}"
    if cache.add(key, 1, timeout=window + 1):
        current = 1
    else:
        try:
            current = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            current = 1
    if current > count:
        return max(math.ceil((slot + 1) * window - now), 1)
    return None


def _wait_refusal(message, seconds):
    minutes = max(math.ceil(seconds / 60), 1)
    wait = ngettext(
        "Bitte warten Sie %(minutes)s Minute und senden Sie das Formular dann erneut; Ihre "
        "Angaben bleiben erhalten.",
        "Bitte warten Sie %(minutes)s Minuten und senden Sie das Formular dann erneut; Ihre "
        "Angaben bleiben erhalten.",
        minutes,
    ) % {"minutes": minutes}
    return SpamRefused(f"{message} {wait}", status=429, retry_after=seconds)


def count_refused(request):
    """Count a refused (invalid) submission of this client; raise `SpamRefused` (429)
    over `REGISTRATION_INVALID_RATE_LIMIT`."""
    bucket = rate_limit_bucket(client_address(request))
    limit = conf.limit("REGISTRATION_INVALID_RATE_LIMIT")
    wait = count_attempt("registration-refused", bucket, limit)
    if wait:
        raise _wait_refusal(_("Zu viele fehlerhafte Anmeldungen von Ihrem Anschluss."), wait)


def count_submission(request, event, email):
    """Count a valid submission per client address and per e-mail address and event;
    raise `SpamRefused` (429) over either limit."""
    bucket = rate_limit_bucket(client_address(request))
    wait = count_attempt("registration", bucket, conf.limit("REGISTRATION_RATE_LIMIT"))
    if wait:
        raise _wait_refusal(_("Zu viele Anmeldungen von Ihrem Anschluss."), wait)
    identity = f"{event.pk}:{normalise_email(email)}"
    limit = conf.limit("REGISTRATION_EMAIL_RATE_LIMIT")
    wait = count_attempt("registration-email", identity, limit)
    if wait:
        raise _wait_refusal(
            _("Zu viele Anmeldungen mit dieser E-Mail-Adresse für diese Veranstaltung."), wait
        )
