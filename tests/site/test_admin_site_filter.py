"""The flat admin listings (events, members) of an installation with several networks:
a coordinator of one network is offered neither the other networks' sites nor the names of
their editors; someone who works on several sites chooses among them."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Site

LISTINGS = ("/admin/events/list/", "/admin/members/list/")


@pytest.fixture
def second_network(home_page, django_user_model):
    root = Page.get_first_root_node()
    home_b = root.add_child(instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b"))
    Site.objects.create(
        hostname="b.test", port=80, root_page=home_b, site_name="Geheimes Netzwerk B"
    )
    editor_b = django_user_model.objects.create_user(
        "erika", password="x", first_name="Erika", last_name="Fremdredakteurin"
    )
    home_b.owner = editor_b
    home_b.save()
    return home_b


@pytest.fixture
def coordinator_of_a(home_page, django_user_model):
    group = Group.objects.create(name="Koordination A")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=home_page, permission=Permission.objects.get(codename="change_page")
    )
    user = django_user_model.objects.create_user("koord", password="x")
    user.groups.add(group)
    return user


@pytest.mark.parametrize("url", LISTINGS)
def test_a_coordinator_sees_neither_other_sites_nor_their_editors(
    client, second_network, coordinator_of_a, url
):
    client.force_login(coordinator_of_a)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geheimes Netzwerk B" not in html
    assert "Fremdredakteurin" not in html
    assert 'name="site"' not in html  # one site: nothing to choose


@pytest.mark.parametrize("url", LISTINGS)
def test_someone_working_on_several_sites_chooses_among_them(admin_client, second_network, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="site"' in html
    assert "Geheimes Netzwerk B" in html
    chosen = admin_client.get(url, {"site": Site.objects.get(hostname="b.test").pk})
    assert chosen.status_code == 200
