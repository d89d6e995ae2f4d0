"""Shared fixtures: a site with a home page, users with and without permissions."""

import pytest
from wagtail.models import Page, Site

from kinderschutz_cms.models import HomePage


@pytest.fixture
def home_page(db):
    """A published home page that is the root of the default site (served at /)."""
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
