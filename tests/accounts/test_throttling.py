"""Failed logins are throttled per account and per address; an administrator unlocks."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from kinderschutz_cms.accounts.models import SecurityEvent, SecurityEventKind
from kinderschutz_cms.accounts.network import client_ip

from .conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "ein-langes-passwort-2026"
WRONG = "Geheimnis-des-Angreifers-7"


def _fail(client, times, username="koordination", **extra):
    return [
        client.post(
            "/admin/login/",
            {"username": username, "password": WRONG, "next": "/admin/"},
            **extra,
        )
        for _ in range(times)
    ]


def test_sixth_wrong_password_is_refused_with_a_german_message_and_so_is_the_right_one(
    client, coordinator
):
    answers = _fail(client, 5)
    assert [a.status_code for a in answers[:4]] == [200] * 4  # wrong password, try again

    sixth = _fail(client, 1)[0]
    assert sixth.status_code == 429
    text = sixth.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in text
    assert "Bitte versuchen Sie es" in text and "Uhr erneut" in text  # "heute ab 16:42 Uhr"

    right = login(client, "koordination", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_holds_per_account_from_another_address(client, coordinator):
    _fail(client, 5, REMOTE_ADDR="192.0.2.1")
    other = client.post(
        "/admin/login/",
        {"username": "koordination", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 429


def test_the_lock_out_holds_per_address_for_other_accounts(client, coordinator, django_user_model):
    django_user_model.objects.create_user("redaktion", password=PASSWORD)
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        _fail(client, 1, username=name)
    assert login(client, "redaktion", PASSWORD).status_code == 429


def test_an_administrator_lifts_the_lock_out(client, coordinator, admin_user):
    _fail(client, 5)
    assert login(client, "koordination", PASSWORD).status_code == 429

    client.force_login(admin_user)
    listing = client.get("/admin/sicherheit/sperren/")
    assert listing.status_code == 200
    assert "koordination" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="koordination")
    response = client.post(reverse("kinderschutz_accounts_unlock", args=[attempt.pk]))
    assert response.status_code == 302
    client.logout()

    assert login(client, "koordination", PASSWORD).status_code == 302
    unlocked = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert unlocked.username == "koordination" and unlocked.actor == admin_user


def test_editors_cannot_unlock(client, coordinator, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("redaktion", password=PASSWORD)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    _fail(client, 5)
    client.force_login(editor)
    attempt = AccessAttempt.objects.get(username="koordination")
    response = client.post(reverse("kinderschutz_accounts_unlock", args=[attempt.pk]))
    assert response.status_code == 302 and response.url == "/admin/"  # Wagtail's "denied"
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_audit_list_records_failures_and_the_lock_out_without_the_password(
    client, coordinator, admin_user
):
    _fail(client, 5)
    kinds = list(SecurityEvent.objects.values_list("kind", flat=True))
    assert kinds.count(SecurityEventKind.LOGIN_FAILED) == 5
    assert SecurityEventKind.LOCKED_OUT in kinds
    assert SecurityEvent.objects.filter(user=coordinator).count() == 6
    attempt = AccessAttempt.objects.get(username="koordination")
    assert WRONG not in attempt.post_data

    client.force_login(admin_user)
    page = client.get("/admin/sicherheit/protokoll/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Gesperrt nach Fehlversuchen" in text
    assert WRONG not in text


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),
    ],
)
def test_client_address_is_the_one_the_proxies_report(rf, settings, proxies, forwarded, expected):
    settings.KINDERSCHUTZ_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected
