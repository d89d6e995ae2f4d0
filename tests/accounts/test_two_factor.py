"""The second factor: required with registration permissions, enrolment, verification,
idle sessions, the admin's CSP, checks."""

import time

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinderschutz_cms.accounts.middleware import LAST_ACTIVITY_KEY
from kinderschutz_cms.accounts.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db

LISTING = "/admin/registrations/"


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_registration_permissions_need_a_second_factor(client, coordinator, two_factor_enforced):
    client.force_login(coordinator)
    response = client.get(LISTING)
    assert response.status_code == 302
    assert response.url.startswith(reverse("kinderschutz_accounts_setup"))


def test_with_a_device_the_code_is_asked_before_the_listing(
    client, coordinator, two_factor_enforced
):
    device = TOTPDevice.objects.create(user=coordinator, name="App", confirmed=True)
    client.force_login(coordinator)
    response = client.get(LISTING)
    assert response.status_code == 302
    assert response.url.startswith(reverse("kinderschutz_accounts_verify"))

    wrong = client.post(reverse("kinderschutz_accounts_verify"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert client.get(LISTING).status_code == 302

    time.sleep(1.1)  # django-otp throttles: one second after one wrong code
    right = client.post(
        reverse("kinderschutz_accounts_verify"), {"code": _code(device), "next": LISTING}
    )
    assert right.status_code == 302 and right.url == LISTING
    assert client.get(LISTING).status_code == 200
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {SecurityEventKind.TWO_FACTOR_FAILED, SecurityEventKind.TWO_FACTOR_VERIFIED} <= kinds


def test_enrolment_confirms_with_a_code_and_gives_recovery_codes(
    client, coordinator, two_factor_enforced
):
    client.force_login(coordinator)
    page = client.get(reverse("kinderschutz_accounts_setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="totp-secret"' in text and "<svg" in text
    assert 'autocomplete="one-time-code"' in text
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

    done = client.post(reverse("kinderschutz_accounts_setup"), {"code": _code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(LISTING).status_code == 200

    # A recovery code works once, in a new session.
    client.logout()
    client.force_login(coordinator)
    assert (
        client.post(reverse("kinderschutz_accounts_verify"), {"code": codes[0]}).status_code == 302
    )
    assert client.get(LISTING).status_code == 200
    client.logout()
    client.force_login(coordinator)
    again = client.post(reverse("kinderschutz_accounts_verify"), {"code": codes[0]})
    assert again.status_code == 200
    audit = " ".join(SecurityEvent.objects.values_list("username", flat=True))
    assert codes[0] not in audit


def test_editors_without_personal_data_may_go_without(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("bilder", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    from kinderschutz_cms.accounts.two_factor import requires_two_factor

    assert not requires_two_factor(user)


def test_an_idle_session_expires(client, admin_user, settings):
    settings.KINDERSCHUTZ_ADMIN_IDLE_MINUTES = 30
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED).exists()


def test_an_active_session_stays_and_ends_at_browser_close(client, admin_user):
    client.force_login(admin_user)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 200
    assert client.session.get_expire_at_browser_close()
    assert not response.cookies["sessionid"]["expires"]


def test_remember_me_does_not_outlive_the_browser(client, django_user_model):
    django_user_model.objects.create_user("bilder", password="ein-langes-passwort-2026")
    response = client.post(
        "/admin/login/",
        {"username": "bilder", "password": "ein-langes-passwort-2026", "remember": "on"},
    )
    assert response.status_code == 302
    assert not response.cookies["sessionid"]["expires"]


def test_the_admin_answers_with_a_csp(client, admin_client):
    for url in ["/admin/login/", "/admin/"]:
        policy = admin_client.get(url).headers["Content-Security-Policy"]
        assert "default-src 'self';" in policy and "connect-src 'self';" in policy
        assert "http" not in policy  # no third-party origin
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'self'" in policy


def test_passwords_need_twelve_characters_and_no_common_ones():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["kurz-123", "password1234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Jugendamt-Kinderschutz-2026")


def test_check_warns_without_throttling_and_refuses_demo_exemption(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TwoFactor" not in m]
    settings.KINDERSCHUTZ_2FA_EXEMPT_USERNAMES = ["admin"]
    ids = {message.id for message in run_checks()}
    assert {
        "kinderschutz_accounts.W001",
        "kinderschutz_accounts.W002",
        "kinderschutz_accounts.E001",
    } <= ids


def test_purge_removes_old_login_records(coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from kinderschutz_cms.accounts.retention import purge_login_records

    old = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="alt")
    SecurityEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    recent = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="neu")
    purged = purge_login_records(timezone.now())
    assert purged.audit_events == 1
    assert list(SecurityEvent.objects.all()) == [recent]


def test_the_demo_exemption_counts_only_with_debug(settings, admin_user):
    from kinderschutz_cms.accounts.two_factor import requires_two_factor

    settings.KINDERSCHUTZ_2FA_EXEMPT_USERNAMES = ["admin"]
    settings.DEBUG = True
    assert not requires_two_factor(admin_user)
    settings.DEBUG = False
    assert requires_two_factor(admin_user)


def test_an_administrator_resets_a_lost_second_factor(client, admin_user, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="App", confirmed=True)
    client.force_login(admin_user)
    users = client.get("/admin/users/").content.decode()
    url = reverse("kinderschutz_accounts_reset", args=[coordinator.pk])
    assert url in users
    assert "Zwei-Faktor-Anmeldung zurücksetzen" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_REMOVED)
    assert event.user == coordinator and event.actor == admin_user
