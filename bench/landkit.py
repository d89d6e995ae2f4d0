"""A Land's data set, built in bulk: `networks` Wagtail sites, each one network (issue #19).

Per network, as the issue counts a Land (50 networks): a home page (its own Site), a
calendar of 200 trainings with two dates each spread over three years (a year back, two
ahead), 10 registrations per training (every tenth on the waiting list), a directory of 100
member organisations with one or two contact persons and two service tags each, the
current cooperation agreement signed by 90 of them, and a news section of 20 articles. At
50 networks: 5,000 members, 10,000 events with 20,000 dates, 100,000 registrations, 4,500
signatures, 1,000 articles.

The few parents (home, calendar, directory, agreement, news section) are made with
Wagtail's `add_child` and published; the leaves (events, members, articles) as page rows
in bulk with treebeard paths computed here (`bulk_children`, the way
`demo.bulk_events.add_trainings` makes the trainings), their own tables row by row
(`save_base(raw=True)`: only the model's own table), everything else with `bulk_create`.
Search-index updates are off while building (no search is measured) and the reference
index is built once at the end (`index_networks`, in bulk), never per row.

    import landkit
    networks = landkit.build_networks(1, 50)   # the Land; build_networks(1, 1): the small size
    landkit.index_networks(networks)
"""

import datetime
import time
from dataclasses import dataclass, field

EVENTS_PER_NETWORK = 200
REGISTRATIONS_PER_EVENT = 10
MEMBERS_PER_NETWORK = 100
SIGNED_PER_NETWORK = 90
NEWS_PER_NETWORK = 20


@dataclass
class Network:
    """One network's pages, by role, and the host its Site answers to."""

    number: int
    hostname: str
    home: object
    calendar: object
    directory: object
    agreement: object
    news_index: object
    event_ids: list = field(default_factory=list)
    member_ids: list = field(default_factory=list)
    news_ids: list = field(default_factory=list)


def bulk_children(parent, model, rows):
    """Insert live pages of `model` below `parent`, one per dict in `rows` (each with
    `title`, `slug` and the model's own fields): the page rows in one bulk INSERT per 500
    with treebeard paths computed from the parent's, then the model's own table row by row
    (`save_base(raw=True)` writes only that table). Returns the new pages' ids in order.

    `model` must inherit directly from Page (multi-table chains: demo.bulk_events)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    first = parent.numchild + 1
    pages = [
        Page(
            title=row["title"],
            draft_title=row["title"],
            slug=row["slug"],
            path=Page._get_path(parent.path, parent.depth + 1, first + number),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{row['slug']}/",
            content_type=content_type,
            locale_id=parent.locale_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number, row in enumerate(rows)
    ]
    with transaction.atomic():
        pages = Page.objects.bulk_create(pages, batch_size=500)
        if pages and pages[0].pk is None:  # a backend that returns no ids
            paths = [page.path for page in pages]
            pages = list(Page.objects.filter(path__in=paths).order_by("path"))
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
        parent.numchild += len(pages)
        for page, row in zip(pages, rows, strict=True):
            own = {k: v for k, v in row.items() if k not in ("title", "slug")}
            model(page_ptr_id=page.pk, **own).save_base(raw=True)
    return [page.pk for page in pages]


def _publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _network_frame(number):
    """Home page, Site, settings and the parents (calendar, directory, agreement, news)."""
    from wagtail.models import Page, Site

    from events.models import EventIndexPage
    from kinderschutz_cms.models import NetworkHomePage, NetworkSettings
    from members.models import AgreementPage, MemberIndexPage
    from news.models import NewsIndexPage

    root = Page.get_first_root_node()
    name = f"Netzwerk Kinderschutz Kreis {number:02d}"
    home = NetworkHomePage(
        title=name,
        slug=f"kreis-{number:02d}",
        intro="Jugendhilfe, Kitas, Schulen und Gesundheitswesen arbeiten zusammen (§ 3 KKG).",
    )
    _publish_child(root, home)
    hostname = f"kreis{number:02d}.land.test"
    site = Site.objects.create(
        hostname=hostname, port=80, root_page=home, site_name=name, is_default_site=False
    )
    NetworkSettings.objects.update_or_create(
        site=site,
        defaults={
            "network_name": name,
            "coordination_name": "Koordinierungsstelle",
            "coordination_email": f"netzwerk@kreis{number:02d}.example",
        },
    )
    calendar = _publish_child(home, EventIndexPage(title="Veranstaltungen", slug="veranstaltungen"))
    directory = _publish_child(
        home, MemberIndexPage(title="Netzwerkpartner", slug="netzwerkpartner")
    )
    agreement = _publish_child(
        home,
        AgreementPage(
            title="Kooperationsvereinbarung Kinderschutz",
            slug="kooperationsvereinbarung",
            version="2.0",
            adopted_on=datetime.date(2025, 2, 19),
            valid_from=datetime.date(2025, 4, 1),
            body=[("paragraph", "<p>Die Partner arbeiten nach § 8a SGB VIII zusammen.</p>")],
        ),
    )
    news_index = _publish_child(home, NewsIndexPage(title="Aktuelles", slug="aktuelles"))
    home.directory_page = directory
    home.agreement_page = agreement
    home.calendar_page = calendar
    home.news_page = news_index
    home.save_revision().publish()
    return Network(number, hostname, home, calendar, directory, agreement, news_index)


def _members(network, sectors, tags):
    """The directory's members (demo.members' names), contact persons, tags, signatures."""
    from demo.members import FIRST_NAMES, LAST_NAMES, member_specs
    from kinderschutz_cms.collation import german_sort_key
    from members.models import ContactPerson, MemberPage, MemberServiceTag, Signatory

    rows = []
    specs = list(member_specs(MEMBERS_PER_NETWORK))
    for spec in specs:
        i = spec["index"]
        rows.append(
            {
                "title": spec["title"],
                "slug": spec["slug"],
                "sector_id": sectors[spec["sector"]],
                "provider_name": spec["provider_name"],
                "provider_kind": spec["provider_kind"],
                "street": f"Hauptstraße {i % 40 + 1}",
                "postcode": spec["postcode"],
                "town": spec["town"],
                "district": spec["district"],
                "phone": f"05121 {300 + i:03d}-{10 + i % 80}",
                "email": f"kontakt{i}@kreis{network.number:02d}.example",
                "description": f"<p>{spec['title']} ist Partner im Netzwerk.</p>",
                # save_base(raw=True) skips the field's pre_save: the key is written here.
                "sort_title": german_sort_key(spec["title"]),
            }
        )
    ids = bulk_children(network.directory, MemberPage, rows)
    network.member_ids = ids
    ContactPerson.objects.bulk_create(
        (
            ContactPerson(
                page_id=pk,
                name=f"{FIRST_NAMES[(i + n) % len(FIRST_NAMES)]} "
                f"{LAST_NAMES[(i * 3 + n) % len(LAST_NAMES)]}",
                function="Leitung" if n == 0 else "Kinderschutzfachkraft",
                email=f"person{i}-{n}@kreis{network.number:02d}.example",
                is_isef=n == 0 and i % 5 == 0,
                sort_order=n,
            )
            for i, pk in enumerate(ids)
            for n in range(1 + i % 2)
        ),
        batch_size=500,
    )
    MemberServiceTag.objects.bulk_create(
        (
            MemberServiceTag(content_object_id=pk, tag_id=tags[(i + n) % len(tags)])
            for i, pk in enumerate(ids)
            for n in range(2)
        ),
        batch_size=500,
    )
    Signatory.objects.bulk_create(
        (
            Signatory(
                page_id=network.agreement.pk,
                member_id=pk,
                signed_on=datetime.date(2025, 4, 10) + datetime.timedelta(days=i % 200),
                signed_by_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} Unterzeichner",
                signed_by_function="Leitung",
                sort_order=i,
            )
            for i, pk in enumerate(ids[:SIGNED_PER_NETWORK])
        ),
        batch_size=500,
    )


def _events(network, venue, audiences):
    """The calendar's trainings (demo.bulk_events), open for registration, and their
    registrations."""
    from demo.bulk_events import add_trainings
    from events.models import EventPage
    from registrations.models import Registration

    teaser = "Grundlagen des Kinderschutzes für Fachkräfte: Anhaltspunkte, Gespräche, Wege."
    pages = add_trainings(
        network.calendar,
        EVENTS_PER_NETWORK,
        venue=venue,
        audiences=audiences,
        years=3,
        teaser=teaser,
    )
    ids = [page.pk for page in pages]
    # Every event is for the first audience, every fourth also for the second (the
    # filtered feed).
    through = EventPage.audiences.through
    through.objects.filter(
        audience_id=audiences[1].pk, eventpage_id__in=[pk for i, pk in enumerate(ids) if i % 4]
    ).delete()
    network.event_ids = ids
    EventPage.objects.filter(pk__in=ids).update(registration_enabled=True, capacity=20)
    n = network.number
    Registration.objects.bulk_create(
        (
            Registration(
                event_id=pk,
                status="waitlisted" if r == 9 else "confirmed",
                first_name=f"Vorname{r}",
                last_name=f"Nachname{e}",
                email=f"p{n}-{e}-{r}@example.org",
                email_normalised=f"p{n}-{e}-{r}@example.org",
                organisation=f"Einrichtung {e % 100}",
                role="Fachkraft",
            )
            for e, pk in enumerate(ids)
            for r in range(REGISTRATIONS_PER_EVENT)
        ),
        batch_size=1000,
    )


def _news(network):
    from news.models import NewsPage

    today = datetime.date.today()
    network.news_ids = bulk_children(
        network.news_index,
        NewsPage,
        [
            {
                "title": f"Meldung {i} aus Kreis {network.number:02d}",
                "slug": f"meldung-{i}",
                "date": today - datetime.timedelta(days=7 * i),
                "teaser": "Neues aus dem Netzwerk Kinderschutz.",
                "body": [("paragraph", "<p>Das Netzwerk hat getagt.</p>")],
            }
            for i in range(NEWS_PER_NETWORK)
        ],
    )


def _shared():
    """Sectors, service tags, a venue and two audiences, shared by all networks."""
    from taggit.models import Tag

    from demo.members import SECTOR_DATA
    from events.models import Audience, Venue
    from members.models import Sector

    sectors = {}
    for order, slug in enumerate(SECTOR_DATA):
        sector, _ = Sector.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title(), "sort_order": order}
        )
        sectors[slug] = sector.pk
    names = sorted({s for _, services in SECTOR_DATA.values() for s in services})
    tags = [Tag.objects.get_or_create(name=name)[0].pk for name in names]
    venue = Venue.objects.first() or Venue.objects.create(name="Kreishaus", town="Musterstadt")
    audiences = [
        Audience.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in (("fachkraefte-land", "Fachkräfte"), ("eltern-land", "Eltern"))
    ]
    return sectors, tags, venue, audiences


def build_networks(first, count, log=None):
    """Networks number `first` … `first + count - 1`, in bulk; returns them."""
    from django.test.utils import override_settings

    off = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    networks = []
    with override_settings(WAGTAILSEARCH_BACKENDS=off):
        sectors, tags, venue, audiences = _shared()
        for number in range(first, first + count):
            started = time.perf_counter()
            network = _network_frame(number)
            _members(network, sectors, tags)
            _events(network, venue, audiences)
            _news(network)
            networks.append(network)
            if log:
                log(f"network {number}: {time.perf_counter() - started:.1f} s")
    return networks


def index_references(model, ids):
    """Wagtail's reference index rows of the `model` objects `ids` (made in bulk, so
    without the signal that indexes a saved object), in bulk: the objects read 500 at a
    time with their child relations prefetched, references extracted by Wagtail, the rows
    written in one INSERT per 1,000 (what `rebuild_references_index` does one object at a
    time, with a read of the existing rows each). Returns the number of rows."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from modelcluster.models import ClusterableModel, get_all_child_relations
    from wagtail.models import ReferenceIndex

    if not ReferenceIndex.is_indexed(model):
        return 0
    content_types = [
        ContentType.objects.get_for_model(m, for_concrete_model=False)
        for m in [model, *model._meta.get_parent_list()]
    ]
    relations = []
    if issubclass(model, ClusterableModel):
        relations = [r.get_accessor_name() for r in get_all_child_relations(model)]
    rows = []
    for start in range(0, len(ids), 500):
        chunk = model.objects.filter(pk__in=ids[start : start + 500]).prefetch_related(*relations)
        for obj in chunk:
            for to_type, to_id, model_path, content_path in set(
                ReferenceIndex._extract_references_from_object(obj)
            ):
                rows.append(
                    ReferenceIndex(
                        content_type=content_types[0],
                        base_content_type=content_types[-1],
                        object_id=obj.pk,
                        to_content_type_id=to_type,
                        to_object_id=to_id,
                        model_path=model_path,
                        content_path=content_path,
                        content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                    )
                )
    ignore = connection.features.supports_ignore_conflicts
    ReferenceIndex.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=ignore)
    return len(rows)


def index_networks(networks):
    """The reference index of everything `build_networks` made in bulk, once at the end:
    members, trainings, articles and signatures (the parents indexed themselves when
    Wagtail saved them)."""
    from django.db import transaction

    from events.models import TrainingPage
    from members.models import MemberPage, Signatory
    from news.models import NewsPage

    signatures = list(
        Signatory.objects.filter(page__in=[n.agreement.pk for n in networks]).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        return (
            index_references(MemberPage, [pk for n in networks for pk in n.member_ids])
            + index_references(TrainingPage, [pk for n in networks for pk in n.event_ids])
            + index_references(NewsPage, [pk for n in networks for pk in n.news_ids])
            + index_references(Signatory, signatures)
        )


def counts():
    """What the database holds, for the table's header."""
    from wagtail.models import Site

    from events.models import EventDate, EventPage
    from members.models import MemberPage, Signatory
    from registrations.models import Registration

    return {
        "sites": Site.objects.count(),
        "members": MemberPage.objects.count(),
        "events": EventPage.objects.count(),
        "dates": EventDate.objects.count(),
        "registrations": Registration.objects.count(),
        "signatures": Signatory.objects.count(),
    }
