"""Shared fixtures: a site with a home page, users with and without permissions."""

import pytest
from wagtail.models import Page, Site

from kinderschutz_cms.models import NetworkHomePage


def ensure_wagtail_tree():
    """Put back the rows Wagtail's migrations create (default locale, root page, root
    collection): a transactional test flushes every table when it ends."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def wagtail_tree(db):
    ensure_wagtail_tree()


@pytest.fixture
def home_page(db):
    """A published home page that is the root of the default site (served at /)."""
    ensure_wagtail_tree()
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    root.refresh_from_db()
    home = NetworkHomePage(title="Netzwerk Kinderschutz Testland", slug="start")
    root.add_child(instance=home)
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    return home


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "secret")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def verify_second_factor(client, user):
    """What passing the second step of the admin login leaves in the session: a
    confirmed TOTP device of the user, marked as used (as django_otp.login does)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(request, monkeypatch):
    """Tests of other features log in with `client.force_login`; the admin requires a
    second factor, so force_login also passes that step. Tests of the requirement itself
    use the `two_factor_enforced` fixture, which leaves force_login as Django has it."""
    if "two_factor_enforced" in request.fixturenames:
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def two_factor_enforced():
    """Marks a test that logs in without passing the second factor."""


@pytest.fixture(autouse=True)
def _language_reset_after_each_test():
    """A test that leaves a language active (a request in English through the test client
    activates it for the thread) must not turn the next test's messages English: which tests
    share a worker depends on how pytest-xdist splits them."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache_for_each_test():
    """Each test starts with an empty cache, as its database starts empty: entries of an
    earlier test in the same worker (2,000 feed entries of a large calendar, frame and page
    caches) must not decide what the next one finds, nor fill the local-memory cache to its
    cull. Which tests share a worker depends on how pytest-xdist splits them."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
