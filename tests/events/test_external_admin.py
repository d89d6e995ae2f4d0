"""The admin of external calendars: scoped per site, approval recorded, errors listed."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Site

from events.models import ExternalCalendar

LIST = "/admin/events/external-calendars/"


@pytest.fixture
def sites(home_page):
    site_a = Site.objects.get(root_page=home_page)
    home_b = Page.get_first_root_node().add_child(
        instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b")
    )
    site_b = Site.objects.create(hostname="b.example.org", root_page=home_b)
    return site_a, site_b


@pytest.fixture
def coordinator_b(django_user_model, sites):
    """A coordinator of network B only: the external calendar permissions of the
    "Koordination" group, page permissions on B's home."""
    user = django_user_model.objects.create_user("koordination-b", "b@example.org", "pw")
    group = Group.objects.create(name="Koordination B")
    group.permissions.add(*Group.objects.get(name="Koordination").permissions.all())
    assert group.permissions.filter(codename="change_externalcalendar").exists()
    GroupPagePermission.objects.create(
        group=group,
        page=sites[1].root_page,
        permission=Permission.objects.get(codename="change_page"),
    )
    user.groups.add(group)
    return user


def test_each_coordinator_sees_the_sources_of_their_site_with_status(client, sites, coordinator_b):
    site_a, site_b = sites
    a = ExternalCalendar.objects.create(
        name="Quelle A", url="https://a.example.org/a.ics", site=site_a
    )
    ExternalCalendar.objects.create(
        name="Quelle B",
        url="https://b.example.org/b.ics",
        site=site_b,
        last_error="Der Server hat nicht rechtzeitig geantwortet.",
    )
    client.force_login(coordinator_b)
    html = client.get(LIST).content.decode()
    assert "Quelle B" in html and "Quelle A" not in html
    assert "Der Server hat nicht rechtzeitig geantwortet." in html
    assert "wartet auf Freigabe" in html
    # Wagtail answers a PermissionDenied in the admin with a redirect and a message.
    response = client.get(f"{LIST}edit/{a.pk}/")
    assert response.status_code in (302, 403)
    assert "Quelle A" not in client.get(f"{LIST}edit/{a.pk}/", follow=True).content.decode()
    assert client.post(f"{LIST}delete/{a.pk}/").status_code in (302, 403)
    assert ExternalCalendar.objects.filter(pk=a.pk).exists()


def test_approval_is_recorded_once_with_the_approver(admin_client, admin_user, sites):
    site_a, _ = sites
    data = {"name": "Kinderschutzbund", "url": "https://ksb.example.org/t.ics", "site": site_a.pk}
    response = admin_client.post(f"{LIST}new/", {**data, "approved": "on"})
    assert response.status_code == 302
    source = ExternalCalendar.objects.get()
    assert source.approved_by == admin_user and source.approved_at is not None
    first = source.approved_at
    admin_client.post(f"{LIST}edit/{source.pk}/", {**data, "approved": "on", "republish": "on"})
    source.refresh_from_db()
    assert source.approved_at == first and source.republish
    response = admin_client.post(f"{LIST}new/", {**data, "url": "ftp://ksb.example.org/t.ics"})
    assert response.status_code == 200
    assert ExternalCalendar.objects.count() == 1


def test_a_coordinator_of_the_calendar_alone_manages_its_sites_sources(
    client, django_user_model, sites
):
    """The external calendars of a site belong to whoever may edit a page of it, as its
    e-mail texts do (`kinderschutz_cms.sites.editable_sites`): a coordinator whose page
    permission starts at the calendar, below the home page, manages the site's sources
    (they were told "nothing here" when only the site's root page counted)."""
    from events.models import EventIndexPage

    site_a, site_b = sites
    calendar = site_b.root_page.add_child(
        instance=EventIndexPage(title="Kalender B", slug="kalender")
    )
    user = django_user_model.objects.create_user("kalender-b", "kb@example.org", "pw")
    group = Group.objects.create(name="Kalender B")
    group.permissions.add(*Group.objects.get(name="Koordination").permissions.all())
    GroupPagePermission.objects.create(
        group=group, page=calendar, permission=Permission.objects.get(codename="change_page")
    )
    user.groups.add(group)
    ExternalCalendar.objects.create(name="Quelle A", url="https://a.example.org/a.ics", site=site_a)
    ExternalCalendar.objects.create(name="Quelle B", url="https://b.example.org/b.ics", site=site_b)
    client.force_login(user)
    html = client.get(LIST).content.decode()
    assert "Quelle B" in html and "Quelle A" not in html
    form = client.get(f"{LIST}new/").content.decode()
    assert f'<option value="{site_b.pk}"' in form and f'<option value="{site_a.pk}"' not in form
