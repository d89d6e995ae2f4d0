"""Factories for the members app: pages via wagtail-factories, child rows via factory_boy."""

import datetime

import factory
import wagtail_factories
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from members.models import (
    AgreementPage,
    ContactPerson,
    MemberIndexPage,
    MemberPage,
    Sector,
    Signatory,
)


def sector(slug):
    """One of the sectors the data migration preloads (made again after a flush by a
    transactional test, which empties every table)."""
    return Sector.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


class MemberIndexPageFactory(wagtail_factories.PageFactory):
    title = "Netzwerkpartner"
    slug = "netzwerkpartner"

    class Meta:
        model = MemberIndexPage


class MemberPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Einrichtung {n:04d}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    sector = factory.LazyFunction(lambda: sector("sonstige"))
    provider_name = "Diakonisches Werk Testland e. V."
    town = "Musterstadt"
    postcode = "31134"

    class Meta:
        model = MemberPage


class AgreementPageFactory(wagtail_factories.PageFactory):
    title = "Kooperationsvereinbarung Kinderschutz"
    slug = factory.Sequence(lambda n: f"vereinbarung-{n}")
    version = "1.0"
    valid_from = datetime.date(2021, 4, 1)

    class Meta:
        model = AgreementPage


class ContactPersonFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    function = "Leitung"

    class Meta:
        model = ContactPerson


class SignatoryFactory(DjangoModelFactory):
    signed_on = datetime.date(2021, 5, 1)
    signed_by_name = "Anna Leitung"

    class Meta:
        model = Signatory


def make_members(index, count, *, start=0, isef_every=3, sector_slugs=("schule", "sonstige")):
    """Create `count` live members below `index` quickly: add_child, no revisions.

    Every member gets one contact person (every `isef_every`-th an IseF) and two service
    tags, so the directory has something to prefetch.
    """
    sectors = [sector(slug) for slug in sector_slugs]
    pages = []
    for i in range(start, start + count):
        page = MemberPage(
            title=f"Mitglied {i:04d}",
            slug=f"mitglied-{i:04d}",
            sector=sectors[i % len(sectors)],
            town=["Musterstadt", "Lindenau"][i % 2],
            postcode="31134",
        )
        page.services.add("Elternberatung", f"Angebot {i % 4}")
        page.contact_persons.add(
            ContactPerson(name=f"Person {i}", phone="05121 1", is_isef=i % isef_every == 0)
        )
        index.add_child(instance=page)
        pages.append(page)
    return pages
