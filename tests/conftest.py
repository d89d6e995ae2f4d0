"""Shared fixtures: a site with a home page, users with and without permissions."""

import pytest
from wagtail.models import Page, Site

from kinderschutz_cms.models import HomePage


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
    home = HomePage(title="Netzwerk Kinderschutz Testland", slug="start")
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
