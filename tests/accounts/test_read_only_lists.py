"""The login audit list and the lock-outs are read-only, even for a superuser.

Their read-only permission policy reaches the admin views on every supported Wagtail: through
Wagtail 8's policy registry, and on Wagtail 7.4 (no registry) through
`kinderschutz_cms.compat.RegisteredPolicyMixin`.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from kinderschutz_cms.accounts.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN_FAILED, username="jemand")


@pytest.fixture
def lockout():
    return AccessAttempt.objects.create(
        username="jemand",
        ip_address="203.0.113.9",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
        user_agent="test",
    )


def test_superuser_sees_the_audit_list_but_cannot_add_change_or_delete(client, admin_user, record):
    client.force_login(admin_user)
    index = client.get(reverse("kinderschutz_accounts_events:index"))
    assert index.status_code == 200
    assert reverse("kinderschutz_accounts_events:add") not in index.content.decode()

    for url in [
        reverse("kinderschutz_accounts_events:add"),
        reverse("kinderschutz_accounts_events:edit", args=[record.pk]),
        reverse("kinderschutz_accounts_events:delete", args=[record.pk]),
    ]:
        assert client.get(url).status_code in (302, 403), url
    client.post(reverse("kinderschutz_accounts_events:delete", args=[record.pk]))
    assert SecurityEvent.objects.filter(pk=record.pk).exists()


def test_superuser_cannot_edit_or_delete_a_lockout_record(client, admin_user, lockout):
    client.force_login(admin_user)
    assert client.get(reverse("kinderschutz_accounts_lockouts:index")).status_code == 200
    for url in [
        reverse("kinderschutz_accounts_lockouts:edit", args=[lockout.pk]),
        reverse("kinderschutz_accounts_lockouts:delete", args=[lockout.pk]),
    ]:
        assert client.get(url).status_code in (302, 403), url
    client.post(reverse("kinderschutz_accounts_lockouts:delete", args=[lockout.pk]))
    assert AccessAttempt.objects.filter(pk=lockout.pk).exists()
