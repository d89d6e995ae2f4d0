"""Two sites, one coordinator per site: the admin shows a coordinator only registrations of
events whose pages they may edit (list, export, dashboard, attendance list, actions)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site

from registrations.models import Registration
from registrations.services import booking
from tests.events.factories import make_index

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db

INDEX = "/admin/registrations/"


@pytest.fixture
def two_sites(home_page):
    """Site "Nord" (the default site) and site "Süd", each with one event and one
    registration, and a coordinator for Nord only."""
    nord_event = make_registration_event(make_index(home_page), title="Fachtag Nord")
    root = Page.get_first_root_node()
    sued_home = home_page.specific_class(title="Netzwerk Süd", slug="sued")
    root.add_child(instance=sued_home)
    Site.objects.create(hostname="sued.example", port=80, root_page=sued_home)
    sued_event = make_registration_event(make_index(sued_home), title="Fachtag Süd")
    booking.register(nord_event, service_data(last_name="Nordmann", email="n@example.org"))
    booking.register(sued_event, service_data(last_name="Südmann", email="s@example.org"))
    return nord_event, sued_event


@pytest.fixture
def nord_coordinator(django_user_model, home_page):
    group = Group.objects.create(name="Koordination Nord")
    for codename in ("view_registration", "change_registration", "delete_registration"):
        group.permissions.add(
            Permission.objects.get(content_type__app_label="registrations", codename=codename)
        )
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=home_page, permission_type="change")
    user = django_user_model.objects.create_user("nord", "nord@example.org", "pw")
    user.groups.add(group)
    return user


def test_coordinator_of_one_site_sees_only_its_registrations(client, two_sites, nord_coordinator):
    nord_event, sued_event = two_sites
    client.force_login(nord_coordinator)
    html = client.get(INDEX).content.decode()
    assert "Nordmann" in html
    assert "Südmann" not in html
    # the event filter offers only the own site's events
    assert "Fachtag Nord" in html and "Fachtag Süd" not in html
    # a filter for the other site's event shows nothing either
    assert "Südmann" not in client.get(INDEX, {"event": sued_event.pk}).content.decode()


def test_export_and_dashboard_of_one_site(client, two_sites, nord_coordinator):
    client.force_login(nord_coordinator)
    csv = client.get(INDEX, {"export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Nordmann" in text and "Südmann" not in text
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Fachtag Nord" in dashboard and "Fachtag Süd" not in dashboard


def test_other_sites_registrations_are_out_of_reach(client, two_sites, nord_coordinator):
    _nord_event, sued_event = two_sites
    other = Registration.objects.get(last_name="Südmann")
    client.force_login(nord_coordinator)
    assert client.get(reverse("registrations:attendance", args=[sued_event.pk])).status_code == 404
    action = reverse("registrations:action", args=[other.pk, "cancel"])
    assert client.post(action).status_code == 404
    assert client.get(reverse("registrations:edit", args=[other.pk])).status_code in (302, 403)
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_network_coordination_sees_both_sites(client, two_sites, django_user_model):
    user = django_user_model.objects.create_user("netz", "netz@example.org", "pw")
    user.groups.add(Group.objects.get(name="Koordination"))
    client.force_login(user)
    html = client.get(INDEX).content.decode()
    assert "Nordmann" in html and "Südmann" in html


def test_inspect_and_outbox_of_other_sites_are_out_of_reach(client, two_sites, nord_coordinator):
    from registrations.models import EmailMessage

    nord_coordinator.groups.get().permissions.add(
        Permission.objects.get(
            content_type__app_label="registrations", codename="view_emailmessage"
        )
    )
    other = Registration.objects.get(last_name="Südmann")
    client.force_login(nord_coordinator)
    assert client.get(reverse("registrations:inspect", args=[other.pk])).status_code in (302, 403)
    outbox = client.get(reverse("registration_emails:index")).content.decode()
    assert "n@example.org" in outbox and "s@example.org" not in outbox
    message = EmailMessage.objects.filter(registration=other).first()
    assert client.get(reverse("registration_emails:retry", args=[message.pk])).status_code == 404
