"""Spam protection of the public registration form, without third parties.

- **Honeypot:** a text field humans never see (visually hidden, `aria-hidden`, not
  focusable); bots fill it in.
- **Minimum fill time:** the form carries a signed timestamp; a submission faster than
  `REGISTRATION_MIN_FILL_SECONDS` (default 3) or with a forged stamp is refused.
- **Rate limit:** at most `REGISTRATION_RATE_LIMIT` submissions (default `(10, 600)`:
  10 per 10 minutes) per client address, counted in the cache (use a shared cache such as
  Redis when several processes serve the site). `None` switches it off.

A refused submission changes nothing and gets a German message.
"""

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website_url"
STAMP_FIELD = "form_started"
STAMP_SALT = "events.registration.form-started"


class SpamRefused(Exception):
    def __init__(self, message, status=400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def new_stamp():
    return signing.dumps(time.time(), salt=STAMP_SALT)


def min_fill_seconds():
    return float(getattr(settings, "REGISTRATION_MIN_FILL_SECONDS", 3))


def check_form(data):
    """Raise `SpamRefused` if the honeypot is filled or the form came back too fast."""
    if data.get(HONEYPOT_FIELD):
        raise SpamRefused(_("Ihre Anmeldung konnte nicht verarbeitet werden."))
    try:
        started = float(signing.loads(data.get(STAMP_FIELD, ""), salt=STAMP_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        raise SpamRefused(
            _(
                "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es "
                "erneut."
            )
        ) from None
    if time.time() - started < min_fill_seconds():
        raise SpamRefused(
            _(
                "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular "
                "erneut."
            )
        )


def client_address(request):
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_rate_limit(request, scope="registration"):
    """Count this submission; raise `SpamRefused` (429) over the limit."""
    limit = getattr(settings, "REGISTRATION_RATE_LIMIT", (10, 600))
    if not limit:
        return
    count, window = limit
    # The address is hashed: the cache never holds it in clear.
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return
    if current > count:
        raise SpamRefused(
            _("Zu viele Anmeldungen von Ihrem Anschluss. Bitte versuchen Sie es später erneut."),
            status=429,
        )
