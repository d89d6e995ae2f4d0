"""Two-factor authentication for the admin (django-otp: TOTP apps and recovery codes).

Guarantees:
- `requires_two_factor(user)`: superusers, holders of the registration or user-management
  permissions (KINDERSCHUTZ_2FA_REQUIRED_PERMISSIONS) and whoever may open the members'
  contact reports (IseF list with telephone and e-mail: every page editor) must use a
  second factor; others may. `TwoFactorMiddleware` enforces it on every admin URL.
- Whoever has a confirmed device must use it, required or not.
- A TOTP device counts only once a code from the app confirmed it; confirming creates
  ten single-use recovery codes, shown once. Codes are checked by django-otp (which
  throttles repeated wrong codes per device) and never written to the audit list.
"""

from base64 import b32encode
from dataclasses import dataclass

import segno
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record
from .conf import setting
from .models import SecurityEventKind

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"


class TwoFactorError(Exception):
    """A code was refused; the message is German and may be shown as it is."""


@dataclass
class Enrolment:
    """What the enrolment page shows: the secret for typing, the otpauth:// URI as a
    QR code (inline SVG, no third-party request)."""

    device: TOTPDevice
    secret: str
    secret_grouped: str
    qr_svg: str


def is_exempt(user) -> bool:
    """The demo's exemption (settings/dev.py) counts only with DEBUG on; with DEBUG off
    the system check kinderschutz_accounts.E001 reports the setting as an error."""
    return settings.DEBUG and user.get_username() in setting("KINDERSCHUTZ_2FA_EXEMPT_USERNAMES")


def requires_two_factor(user) -> bool:
    if not user.is_authenticated or is_exempt(user):
        return False
    if user.is_superuser:
        return True
    if any(user.has_perm(perm) for perm in setting("KINDERSCHUTZ_2FA_REQUIRED_PERMISSIONS")):
        return True
    if apps.is_installed("members"):
        from members.reports import may_see_reports

        return may_see_reports(user)
    return False


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def start_enrolment(user) -> Enrolment:
    """The user's unconfirmed TOTP device (made on first call, kept on reload so the
    secret shown does not change while the person types it into the app)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=5, title=_("QR-Code für die Authenticator-App"))
    return Enrolment(device=device, secret=secret, secret_grouped=grouped, qr_svg=svg)


@transaction.atomic
def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the device with a code from the app; returns the new recovery codes.
    Raises TwoFactorError for a wrong code. Marks this session as verified."""
    if not device.verify_token(_normalise(code)):
        record(SecurityEventKind.TWO_FACTOR_FAILED, request=request, user=request.user)
        raise TwoFactorError(
            _(
                "Der Code stimmt nicht. Bitte geben Sie den aktuellen sechsstelligen Code "
                "aus der App ein."
            )
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    codes = _replace_recovery_codes(device.user)
    otp_login(request, device)
    record(SecurityEventKind.TWO_FACTOR_ENABLED, request=request, user=device.user)
    return codes


@transaction.atomic
def renew_recovery_codes(request: HttpRequest, user) -> list[str]:
    codes = _replace_recovery_codes(user)
    record(SecurityEventKind.RECOVERY_CODES_RENEWED, request=request, user=user)
    return codes


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(request: HttpRequest, code: str):
    """Check a code from the app or a recovery code against the user's devices; on
    success this session counts as verified. Raises TwoFactorError otherwise."""
    user = request.user
    device = match_token(user, _normalise(code)) if code.strip() else None
    if device is None:
        record(SecurityEventKind.TWO_FACTOR_FAILED, request=request, user=user)
        raise TwoFactorError(
            _("Der Code stimmt nicht oder ist abgelaufen. Bitte versuchen Sie es erneut.")
        )
    otp_login(request, device)
    kind = (
        SecurityEventKind.RECOVERY_CODE_USED
        if isinstance(device, StaticDevice)
        else SecurityEventKind.TWO_FACTOR_VERIFIED
    )
    record(kind, request=request, user=user)
    return device


@transaction.atomic
def remove_two_factor(request: HttpRequest, user, *, actor=None) -> None:
    """Delete every device of the user (their own choice, or an administrator's for a
    lost phone: `actor`)."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    record(
        SecurityEventKind.TWO_FACTOR_REMOVED,
        request=request,
        user=user,
        actor=actor if actor is not None and actor.pk != user.pk else None,
    )


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()
