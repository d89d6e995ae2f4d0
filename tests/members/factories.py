"""Builders for member tests: `make_*` functions that save (pages live, below a parent),
`build_*` functions that do not; the style of every other test package."""

import datetime
import itertools

from django.utils.text import slugify

from members.models import (
    AgreementPage,
    ContactPerson,
    MemberIndexPage,
    MemberPage,
    Sector,
    Signatory,
)

_numbers = itertools.count(1)

# Titles whose German order differs from their code-point order: umlauts with their base
# letter, ß as ss, capital ẞ, lower-case first letters.
GERMAN_TITLES = [
    "Zander Jugendhilfe",
    "Öztürk Beratung",
    "Otto-Kita",
    "Oberhaus",
    "Straße der Kinderrechte",
    "Strasse B",
    "ärztliche Kinderschutzambulanz",
    "Äpfelbaum Kita",
    "GROẞE Hilfe",
    "Überlinger Familienhilfe",
    "Ulmenhof",
]


def sector(slug):
    """One of the sectors the data migration preloads (made again after a flush by a
    transactional test, which empties every table)."""
    return Sector.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


def _add_page(parent, page):
    """Add `page` below `parent` (live, no revision), as the other builders do."""
    parent.add_child(instance=page)
    return page


def make_member_index(parent, **fields):
    fields = {"title": "Netzwerkpartner", "slug": "netzwerkpartner", **fields}
    return _add_page(parent, MemberIndexPage(**fields))


def build_member(**fields):
    """An unsaved member page with the usual test values (for validation tests)."""
    n = next(_numbers)
    fields.setdefault("title", f"Einrichtung {n:04d}")
    fields.setdefault("slug", slugify(fields["title"]))
    fields.setdefault("provider_name", "Diakonisches Werk Testland e. V.")
    fields.setdefault("town", "Musterstadt")
    fields.setdefault("postcode", "31134")
    if "sector" not in fields and "sector_id" not in fields:
        fields["sector"] = sector("sonstige")
    return MemberPage(**fields)


def make_member(parent, **fields):
    return _add_page(parent, build_member(**fields))


def make_agreement(parent, **fields):
    fields = {
        "title": "Kooperationsvereinbarung Kinderschutz",
        "slug": f"vereinbarung-{next(_numbers)}",
        "version": "1.0",
        "valid_from": datetime.date(2021, 4, 1),
        **fields,
    }
    return _add_page(parent, AgreementPage(**fields))


def make_contact(**fields):
    fields = {"name": f"Kontakt {next(_numbers)}", "function": "Leitung", **fields}
    return ContactPerson.objects.create(**fields)


def make_signatory(**fields):
    fields = {"signed_on": datetime.date(2021, 5, 1), "signed_by_name": "Anna Leitung", **fields}
    return Signatory.objects.create(**fields)


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
