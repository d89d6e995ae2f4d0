"""Models: page-type rules, the preloaded sectors, validation of member fields."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailPageTestCase

from kinderschutz_cms.models import ContentPage, NetworkHomePage
from members.models import (
    AgreementPage,
    ContactPerson,
    MemberIndexPage,
    MemberPage,
    Sector,
)

from .factories import build_member, make_member, sector


class PageTypeRules(WagtailPageTestCase):
    def test_directory_lives_below_the_home_page(self):
        self.assertAllowedParentPageTypes(MemberIndexPage, {NetworkHomePage})
        self.assertCanCreateAt(NetworkHomePage, MemberIndexPage)
        self.assertCanNotCreateAt(ContentPage, MemberIndexPage)

    def test_members_only_in_the_directory_and_without_children(self):
        self.assertAllowedParentPageTypes(MemberPage, {MemberIndexPage})
        self.assertCanNotCreateAt(NetworkHomePage, MemberPage)
        self.assertAllowedSubpageTypes(MemberPage, set())

    def test_agreements_below_home_or_directory(self):
        self.assertAllowedParentPageTypes(AgreementPage, {NetworkHomePage, MemberIndexPage})
        self.assertAllowedSubpageTypes(MemberIndexPage, {MemberPage, AgreementPage})
        self.assertAllowedSubpageTypes(AgreementPage, set())


@pytest.mark.django_db
def test_data_migration_preloads_twelve_sectors_in_order():
    names = list(Sector.objects.values_list("name", flat=True))
    assert len(names) == 12
    assert names[0] == "Kinder- und Jugendhilfe/Jugendamt"
    assert names[-1] == "Sonstige"
    assert "Justiz/Familiengericht" in names
    assert Sector.objects.get(slug="fruehe-hilfen").name == "Frühe Hilfen"


def test_member_keeps_services_and_contact_persons(index_page):
    member = make_member(parent=index_page, title="Kita Sonnenschein")
    member.services.add("Kinder 0–3 Jahre", "Elternberatung")
    member.contact_persons.add(ContactPerson(name="Aylin Demir", is_isef=True))
    member.save()

    member = MemberPage.objects.get(pk=member.pk)
    assert sorted(t.name for t in member.services.all()) == ["Elternberatung", "Kinder 0–3 Jahre"]
    assert [c.name for c in member.contact_persons.all()] == ["Aylin Demir"]
    assert member.contact_persons.get().is_isef is True
    assert str(member.contact_persons.get()) == "Aylin Demir"


def test_postcode_must_have_five_digits(index_page):
    member = build_member(title="Praxis", slug="praxis", postcode="3113")
    member.sector = sector("gesundheitswesen")
    with pytest.raises(ValidationError) as error:
        member.clean_fields(exclude=["path", "depth", "url_path", "content_type", "locale"])
    assert "fünfstellige Postleitzahl" in str(error.value)
