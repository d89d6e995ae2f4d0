"""Signed personal links: `/anmeldung/<token>/`.

A token is `django.core.signing.dumps({"r": id, "s": secret, "x": expiry}, salt=...)`:
the signature stops tampering, the per-registration `secret` (stored on the registration)
is replaced on every cancellation and e-mail correction (`services.booking`), which
revokes every link sent so far, and `x` (a Unix time, 30 days after the event's end by
default) makes old links expire.

Tokens are bound to a **purpose** (the signing salt): the personal link ("manage": see,
cancel, calendar file) and the double opt-in link ("confirm") are different secrets.
Only the confirmation e-mail carries the confirm token, so confirming an address needs
access to its mailbox; the page shown after submitting the form never carries it.
`personal_path` picks the purpose from the view a link goes to.
"""

import time
from datetime import datetime, timedelta
from datetime import time as day_time

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from . import conf

SALT = "registrations.link"
MANAGE = "manage"
CONFIRM = "confirm"
SALTS = {MANAGE: SALT, CONFIRM: "registrations.confirm-email"}
# The view each purpose is for; every other personal view takes the manage token.
VIEW_PURPOSES = {"registration_links:registration_confirm": CONFIRM}


class InvalidToken(Exception):
    """Tampered, revoked, unknown or expired; views answer 404 with a German message."""


_UNREAD = object()


def expiry_for(registration, end=_UNREAD):
    """When the personal links of `registration` expire (a timestamp): days after the
    event's last end. `end`: that end, if the caller has read it."""
    days = int(conf.get("REGISTRATION_LINK_DAYS_AFTER_EVENT"))
    if end is _UNREAD:
        if registration.occurrence_date is not None:  # one occurrence of a series
            end = registration.occurrence_end() or timezone.make_aware(
                datetime.combine(registration.occurrence_date, day_time.max)
            )
        else:
            end = registration.event.registration_end()
    base = end if end is not None else registration.created_at + timedelta(days=365)
    return int((base + timedelta(days=days)).timestamp())


def make_token(registration, expires=None, purpose=MANAGE):
    payload = {
        "r": registration.pk,
        "s": registration.secret,
        "x": expires if expires is not None else expiry_for(registration),
    }
    return signing.dumps(payload, salt=SALTS[purpose], compress=True)


def personal_path(registration, name="registration_links:registration_detail", expires=None):
    """The site-relative path of the personal view `name` with the token of its purpose
    (`expires`: the token's expiry if the caller has it, see `expiry_for`)."""
    from django.urls import reverse

    purpose = VIEW_PURPOSES.get(name, MANAGE)
    return reverse(name, args=[make_token(registration, expires=expires, purpose=purpose)])


def read_token(token, now=None, purpose=MANAGE):
    """The `Registration` a token of `purpose` names; raises `InvalidToken` for anything
    else (including a valid token of another purpose)."""
    from .models import Registration

    try:
        payload = signing.loads(token, salt=SALTS[purpose])
        registration_id, secret, expires = int(payload["r"]), str(payload["s"]), int(payload["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken from exc
    if (now if now is not None else time.time()) > expires:
        raise InvalidToken
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if (
        registration is None
        or registration.anonymised_at is not None
        or not constant_time_compare(registration.secret, secret)
    ):
        raise InvalidToken
    return registration
