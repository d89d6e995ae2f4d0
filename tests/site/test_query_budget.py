"""Every public page type answers an anonymous visitor in at most 10 SQL queries, at 10 and
at 1,000 members and events (issue #11): nothing on a page costs a query per listed row,
per menu item or per settings field.

One network is built per size (the 1,000 with `tests.bulk`, in seconds), with what the
demo's pages carry too (images in the home page's body, the news cards and articles, a
member's logo, documents, related pages, the home page's links, search hits of every kind),
then every page type is requested once to warm the caches a running site has warm
(content types, site root paths, the navigation), and once counted. A failure lists
every page over budget with its SQL.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Audience, EventDate, NetworkMeetingPage, TrainingPage
from kinderschutz_cms.models import ContentPage, NetworkSettings
from members.models import ContactPerson, MemberPage, MemberServiceTag
from registrations.services.booking import register
from registrations.tokens import personal_path
from tests.bulk import bulk_add_children
from tests.events.factories import at, make_audience, make_event, make_venue
from tests.events.factories import make_index as make_calendar
from tests.members.factories import make_agreement, make_member_index, make_signatory, sector
from tests.news.factories import make_article, make_image
from tests.news.factories import make_index as make_news_index
from tests.registration.factories import (
    make_fachtag_event,
    make_registration_event,
    service_data,
)

BUDGET = 10
# Pages whose lists the frame cache keeps rendered (issue #19: `frame_fragment`), pinned
# at what they cost now: the home page routes, then counts only the seats taken of the
# next events it shows (which events are next, the frame cache keeps); the news index only
# its own page (tags, count and the rendered list are cached); the directory, filtered or
# not, answers from its index and cards in the frame cache (members/directory.py); the
# calendar routes, reads the seats left of the events shown (its ids and cards are kept)
# and, on the first unfiltered page, the members' calendars.
BUDGETS = {
    "home page": 1,
    "news index": 1,
    "member directory": 4,
    "member directory, filtered": 4,
    "calendar": 3,
    "calendar, filtered": 2,
    "calendar archive": 1,
}
SIZES = [10, 1000]


def _document():
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title="Kinderschutz-Leitfaden")
    document.file.save("leitfaden.pdf", ContentFile(b"%PDF-1.4 leitfaden"), save=True)
    return document


def _members(directory, size):
    sectors = [sector("schule"), sector("beratungsstellen"), sector("sonstige")]
    pages = bulk_add_children(
        directory,
        [
            MemberPage(
                title=f"Mitglied {i:04d}",
                slug=f"mitglied-{i:04d}",
                sector=sectors[i % 3],
                town=["Musterstadt", "Lindenau"][i % 2],
                postcode="31134",
                description="<p>Beratung für Familien.</p>",
            )
            for i in range(size)
        ],
    )
    ContactPerson.objects.bulk_create(
        ContactPerson(page=page, name=f"Person {i}", phone="05121 1", is_isef=i % 3 == 0)
        for i, page in enumerate(pages)
    )
    from taggit.models import Tag

    tags = [Tag.objects.create(name=f"Angebot {n}", slug=f"angebot-{n}") for n in range(4)]
    MemberServiceTag.objects.bulk_create(
        MemberServiceTag(content_object=page, tag=tags[i % 4]) for i, page in enumerate(pages)
    )
    return pages


def _events(calendar, size, venue, audience):
    pages = bulk_add_children(
        calendar,
        [
            TrainingPage(title=f"Fortbildung {i:04d}", slug=f"fortbildung-{i:04d}", venue=venue)
            for i in range(size)
        ],
    )
    EventDate.objects.bulk_create(
        EventDate(page=page, start=at(1 + i % 300, 9), end=at(1 + i % 300, 12), sort_order=0)
        for i, page in enumerate(pages)
    )
    through = TrainingPage.audiences.through
    through.objects.bulk_create(through(eventpage=page, audience=audience) for page in pages)
    # Past events, for the archive.
    past = bulk_add_children(
        calendar,
        [TrainingPage(title=f"Vergangen {i:04d}", slug=f"vergangen-{i:04d}") for i in range(size)],
    )
    EventDate.objects.bulk_create(
        EventDate(page=page, start=at(-1 - i % 300, 9), end=at(-1 - i % 300, 12))
        for i, page in enumerate(past)
    )


def _external_events(home, size):
    """A trusted member calendar with `size` imported events (shown on the calendar)."""
    from wagtail.models import Site

    from events.models import ExternalCalendar, ExternalEvent

    source = ExternalCalendar.objects.create(
        name="Kinderschutzbund",
        url="https://ksb.example.org/t.ics",
        site=Site.objects.get(root_page=home),
        trusted=True,
    )
    ExternalEvent.objects.bulk_create(
        ExternalEvent(
            source=source,
            uid=f"e{i}@ksb",
            title=f"Elternkurs {i}",
            start=at(1 + i % 300, 18),
            end=at(1 + i % 300, 20),
            url="https://ksb.example.org/kurs",
            last_seen=at(0),
        )
        for i in range(size)
    )


def build_network(home, size):
    """A network with every public page type, `size` members and `size` upcoming events;
    returns {page type: (url, GET parameters, expected status)}."""
    document = _document()
    content = ContentPage(title="Meldewege im Kinderschutz", slug="meldewege", show_in_menus=True)
    content.body = [
        ("paragraph", "<p>Bei gewichtigen Anhaltspunkten …</p>"),
        ("image", {"image": make_image("Meldeweg"), "alt_text": "Ablauf", "decorative": False}),
        ("document", {"document": document, "title": "Leitfaden"}),
    ]
    home.add_child(instance=content)
    legal = {}
    for slug in ("impressum", "datenschutz", "barrierefreiheit", "leichte-sprache"):
        legal[slug] = home.add_child(instance=ContentPage(title=slug.title(), slug=slug))
    NetworkSettings.objects.update_or_create(
        site=home.get_site(),
        defaults={
            "network_name": "Netzwerk Testland",
            "coordination_email": "netzwerk@example.org",
            "reporting_page": content,
            "imprint_page": legal["impressum"],
            "privacy_page": legal["datenschutz"],
            "accessibility_page": legal["barrierefreiheit"],
            "easy_language_page": legal["leichte-sprache"],
        },
    )

    directory = make_member_index(parent=home, show_in_menus=True)
    members = _members(directory, size)
    members[0].logo = make_image("Logo")
    members[0].description = "<p>Kinderschutz-Beratung für Familien.</p>"
    members[0].save_revision().publish()
    agreement = make_agreement(home, show_in_menus=True)
    for member in members[:20]:
        make_signatory(page=agreement, member=member)

    calendar = make_calendar(home)
    calendar.show_in_menus = True
    calendar.save()
    venue, audience = make_venue(), make_audience()
    training = make_registration_event(
        calendar, venue=venue, audiences=[audience], speakers=[("Dr. Maria Beispiel", "Ärztin")]
    )
    fachtag = make_fachtag_event(calendar, venue=venue)
    meeting = make_event(
        calendar, "Netzwerktreffen Kinderschutz", cls=NetworkMeetingPage, venue=venue
    )
    _events(calendar, size, venue, audience)
    registration = register(training, service_data())
    _external_events(home, size)

    news = make_news_index(home, show_in_menus=True)
    article = make_article(news, tags=["Fachtag"])
    article.body = [
        ("paragraph", "<p>Kinderschutz im Plenum.</p>"),
        ("document", {"document": document, "title": "Folien"}),
    ]
    article.related_events.create(related_page=training, sort_order=0)
    article.related_members.create(related_page=members[0], sort_order=0)
    make_article(news, title="Neue Ansprechperson", date=datetime.date(2026, 2, 1), tags=["Netz"])
    make_article(news, title="Kinderschutz an Schulen", date=datetime.date(2026, 1, 5))
    home.intro = "Kinderschutz im Landkreis"
    home.body = [
        ("image", {"image": make_image("Startbild"), "alt_text": "Netzwerk", "decorative": False}),
        ("paragraph", "<p>Gemeinsam für den Kinderschutz.</p>"),
    ]
    home.directory_page, home.agreement_page = directory, agreement
    home.calendar_page, home.news_page = calendar, news
    for page in (home, news, article):
        page.save_revision().publish()
    assert Audience.objects.count() == 1

    from tests.publicbody.factories import (
        make_easy_language_page,
        make_impressum,
        make_privacy_notice,
        make_sign_language_page,
        make_statement,
        make_video,
    )

    statement = make_statement(
        home, slug="erklaerung", parts=[("PDF", "Nicht getaggt.", "Auf Anfrage als Text.")]
    )
    impressum = make_impressum(home, slug="impressum-seite", provider_name="Landkreis")
    privacy = make_privacy_notice(home, slug="datenschutzerklaerung")
    easy_language = make_easy_language_page(
        home,
        slug="leichte-sprache-start",
        intro="Hier erklären wir die Website in Leichter Sprache.",
        site_contents="<p>Wir sind das Netz·werk Kinder·schutz.</p>",
        navigation="<p>Oben ist das Menü.</p>",
        statement_summary="<p>Manche Dokumente sind schwer zu lesen.</p>",
        more_content="<p>Mehr gibt es als Heft.</p>",
    )
    videos = [make_video(f"Video {n}", transcript="Text zum Video.") for n in range(4)]
    sign_language = make_sign_language_page(
        home,
        site_contents_video=videos[0],
        navigation_video=videos[1],
        statement_video=videos[2],
        more_content_video=videos[3],
    )

    return {
        "accessibility statement": (statement.url, {}, 200),
        "Impressum": (impressum.url, {}, 200),
        "privacy notice": (privacy.url, {}, 200),
        "Leichte Sprache page": (easy_language.url, {}, 200),
        "Gebärdensprache page": (sign_language.url, {}, 200),
        "barrier report form": ("/barriere-melden/", {"seite": "/"}, 200),
        "barrier report sent": ("/barriere-melden/gesendet/", {}, 200),
        "home page": ("/", {}, 200),
        "content page": (content.url, {}, 200),
        "member directory": (directory.url, {}, 200),
        "member directory, filtered": (directory.url, {"q": "Mitglied", "isef": "on"}, 200),
        "member page": (members[0].url, {}, 200),
        "agreement page": (agreement.url, {}, 200),
        "calendar": (calendar.url, {}, 200),
        "calendar, filtered": (calendar.url, {"zielgruppe": "kita"}, 200),
        "calendar archive": (calendar.url + "archiv/", {}, 200),
        "training page": (training.url, {}, 200),
        "Fachtag page": (fachtag.url, {}, 200),
        "network meeting page": (meeting.url, {}, 200),
        "registration form": (training.url + "anmelden/", {}, 200),
        "Fachtag registration form": (fachtag.url + "anmelden/", {}, 200),
        "personal registration page": (personal_path(registration), {}, 200),
        "news index": (news.url, {}, 200),
        "news article": (article.url, {}, 200),
        "search": ("/suche/", {"q": "Kinderschutz"}, 200),
        "404 page": ("/gibt-es-nicht/", {}, 404),
        "sitemap": ("/sitemap.xml", {}, 200),
        "robots.txt": ("/robots.txt", {}, 200),
    }


def count(client, url, params, status):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == status, url
    return queries.captured_queries


@pytest.mark.parametrize("size", SIZES)
def test_every_public_page_type_within_the_query_budget(client, home_page, size):
    cache.clear()
    pages = build_network(home_page, size)
    for url, params, status in pages.values():
        assert client.get(url, params).status_code == status, url  # warm, as a running site
    over = {}
    for name, (url, params, status) in pages.items():
        queries = count(client, url, params, status)
        if len(queries) > BUDGETS.get(name, BUDGET):
            over[name] = queries
    report = "\n\n".join(
        f"{name}: {len(queries)} queries (budget {BUDGETS.get(name, BUDGET)})\n"
        + "\n".join(q["sql"][:300] for q in queries)
        for name, queries in over.items()
    )
    assert not over, f"over budget at {size}:\n{report}"
