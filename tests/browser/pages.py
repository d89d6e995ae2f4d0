"""One page of every page type, for the accessibility and HTML audit.

PAGES maps a name to a function that creates the page below the site's home page and
returns a `Target` (its URL and the status it must answer with). The audit test runs once
per entry. To audit a new page type, add one line, e.g.:

    PAGES["event"] = lambda site: Target(make_event(site.home).url)

Builders may rely on `build_site` having run (settings, footer pages, menu), must use
slugs that no other builder uses, and should show the page's full furniture (images,
lists, forms with their errors where the page has a form).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from kinderschutz_cms.models import ContentPage, NetworkHomePage, NetworkSettings
from tests.events.factories import at, make_event, make_fachtag, make_venue
from tests.events.factories import make_index as make_event_index
from tests.members.factories import (
    make_agreement,
    make_member_index,
    make_members,
    make_signatory,
)
from tests.news.factories import make_article, make_index
from tests.registration.factories import (
    make_fachtag_event,
    make_registration_event,
    register_url,
    service_data,
)


@dataclass
class Target:
    url: str
    status: int = 200


@dataclass
class SiteData:
    home: NetworkHomePage
    footer_pages: dict


def build_site(home):
    """Footer pages, reporting paths and a menu: the frame of the demo site, minimal."""
    footer = {}
    for slug, title, in_menu in [
        ("meldewege", "Meldewege im Kinderschutz", True),
        ("impressum", "Impressum", False),
        ("datenschutz", "Datenschutz", False),
        ("barrierefreiheit", "Erklärung zur Barrierefreiheit", False),
        ("leichte-sprache", "Leichte Sprache", False),
    ]:
        page = ContentPage(
            title=title,
            slug=slug,
            show_in_menus=in_menu,
            intro=f"{title}: Einleitung.",
            body=[("paragraph", f"<p>Text der Seite {title}.</p>")],
        )
        home.add_child(instance=page)
        footer[slug] = page
    settings = NetworkSettings.for_site(home.get_site())
    settings.network_name = "Netzwerk Kinderschutz Testland"
    settings.coordination_name = "Koordinierungsstelle Netzwerk Kinderschutz"
    settings.coordination_address = "Marktplatz 1\n31134 Musterstadt"
    settings.coordination_phone = "05121 309-4711"
    settings.coordination_email = "netzwerk@kinderschutz.example"
    settings.office_hours_phone = "05121 309-1234"
    settings.office_hours = "Mo–Fr 8–16 Uhr"
    settings.out_of_hours_phone = "05121 309-9999"
    settings.reporting_page = footer["meldewege"]
    settings.imprint_page = footer["impressum"]
    settings.privacy_page = footer["datenschutz"]
    settings.accessibility_page = footer["barrierefreiheit"]
    settings.easy_language_page = footer["leichte-sprache"]
    settings.save()
    home.intro = "Im Netzwerk arbeiten Jugendhilfe, Schulen, Kitas und Gesundheitswesen zusammen."
    home.save()
    return SiteData(home=home, footer_pages=footer)


def _news_index(site):
    from news.models import NewsIndexPage

    index = NewsIndexPage.objects.filter(slug="aktuelles").first()
    if index is None:
        index = make_index(site.home, show_in_menus=True, intro="Neues aus dem Netzwerk.")
        for number, (title, tags) in enumerate(
            [
                ("Fachtag Kinderschutz: Rückblick", ["Fachtag"]),
                ("Kooperationsvereinbarung unterzeichnet", ["Netzwerk"]),
                ("Fortbildungsprogramm 2027", ["Fortbildung"]),
            ]
        ):
            make_article(
                index,
                title=title,
                slug=f"artikel-{number}",
                tags=tags,
                date=datetime.date(2026, 3, 1 + number),
            )
        site.home.news_page = index
        site.home.save()
    return index


def home(site):
    _news_index(site)
    return Target("/")


def content_page(site):
    page = ContentPage(
        title="Schutzkonzepte",
        slug="schutzkonzepte",
        intro="Was ein Schutzkonzept enthält.",
        body=[
            ("heading", {"text": "Bausteine", "level": "h2"}),
            ("paragraph", "<p>Risikoanalyse, Verhaltenskodex, <b>Beschwerdewege</b>.</p>"),
            ("contact", {"heading": "Beratung", "name": "Fachstelle", "phone": "0511 1"}),
        ],
    )
    site.home.add_child(instance=page)
    return Target(page.url)


def news_index(site):
    return Target(_news_index(site).url)


def news_index_tag(site):
    return Target(_news_index(site).url + "?tag=fachtag")


def news_page(site):
    index = _news_index(site)
    return Target(index.get_children().live().first().url)


def search_results(site):
    _news_index(site)
    return Target("/suche/?q=Fachtag")


def not_found(site):
    return Target("/gibt-es-nicht/", status=404)


def _directory(site):
    from members.models import MemberIndexPage

    if existing := MemberIndexPage.objects.first():
        return existing
    index = make_member_index(parent=site.home, show_in_menus=True)
    make_members(index, 25)
    return index


def member_index(site):
    return Target(_directory(site).url)


def member_index_filtered(site):
    """The directory with a filter that does not validate: its error summary is audited."""
    return Target(_directory(site).url + "?sector=gibt-es-nicht&page=abc")


def member_page(site):
    return Target(_directory(site).get_children().live().first().url)


def agreement_page(site):
    index = _directory(site)
    agreement = make_agreement(parent=site.home, slug="kooperationsvereinbarung-test")
    for member in index.get_children().specific()[:5]:
        make_signatory(page=agreement, member=member)
    return Target(agreement.url)


def signing_page(site):
    """The page of a member's signing link (#13): the agreement and the signing form."""
    from django.urls import reverse

    from members import links
    from members.signing_rounds import start_round
    from tests.members.factories import make_contact

    member = _directory(site).get_children().live().specific().first()
    contact = make_contact(page=member, name="Anna Leitung", email="anna@kita.example")
    agreement = make_agreement(parent=site.home, slug="vereinbarung-unterzeichnen")
    agreement.save_revision().publish()
    signing_round = start_round(agreement)
    token = links.make_token(contact, links.SIGN, reference=signing_round.pk)
    return Target(reverse("members_signing_page", args=[token]))


def _calendar(site):
    from events.models import EventIndexPage

    if existing := EventIndexPage.objects.first():
        return existing
    index = make_event_index(site.home, slug="veranstaltungen")
    venue = make_venue()
    make_event(index, "Gesprächsführung mit Eltern", venue=venue, speakers=[("Dr. A. B.", "")])
    make_event(
        index,
        "Kinderschutz in der Kita – Modulreihe",
        venue=venue,
        dates=[(at(20, 9), at(20, 16)), (at(27, 9), at(27, 16))],
        status="cancelled",
    )
    from demo import external_calendars

    external_calendars.build(site.home)  # members' own events beside ours
    return index


def event_index(site):
    return Target(_calendar(site).url)


def event_index_filtered(site):
    return Target(_calendar(site).url + "?typ=unbekannt&monat=2026-13&seite=abc")


def training_page(site):
    index = _calendar(site)
    return Target(index.get_children().live().first().url)


def fachtag_page(site):
    index = _calendar(site)
    return Target(make_fachtag(index, slug="fachtag-test", venue=make_venue("Kreishaus")).url)


def registration_form(site):
    """The registration form of a Fachtag: core fields, workshop choices (one full, one
    with seats left), privacy notice and consent."""
    from registrations.queries import workshop_slots
    from registrations.services.booking import register

    fachtag = make_fachtag_event(
        _calendar(site), slug="fachtag-anmeldung-test", waitlist_enabled=False
    )
    first_slot, workshops = workshop_slots(fachtag)[0]
    full = next(w for w in workshops if w.capacity)
    register(fachtag, service_data(), workshops={first_slot.pk: full.pk})
    return Target(register_url(fachtag))


def _personal_link(site, slug, view="registration_links:registration_detail", **event_settings):
    """A registration made through the service, and its personal link of `view`."""
    from registrations.services.booking import register
    from registrations.tokens import personal_path

    event = make_registration_event(
        _calendar(site),
        "Gewichtige Anhaltspunkte erkennen – Anmeldung",
        slug=slug,
        **event_settings,
    )
    registration = register(event, service_data(organisation="Kita Regenbogen"))
    return personal_path(registration, view)


def registration_outcome(site):
    """The page the form redirects to: the personal link with the outcome of a new one."""
    return Target(_personal_link(site, "anmeldung-ergebnis-test") + "?neu=1")


def registration_detail(site):
    return Target(_personal_link(site, "anmeldung-link-test"))


def registration_cancel(site):
    return Target(
        _personal_link(site, "anmeldung-storno-test", view="registration_links:registration_cancel")
    )


def registration_confirm(site):
    """Double opt-in: the page behind the link in the e-mail asks to confirm the address."""
    return Target(
        _personal_link(
            site,
            "anmeldung-bestaetigen-test",
            view="registration_links:registration_confirm",
            double_opt_in=True,
        )
    )


def accessibility_statement(site):
    from tests.publicbody.factories import make_statement

    page = make_statement(
        site.home,
        slug="erklaerung-test",
        parts=[("PDF-Flyer", "Nicht getaggt.", "Der Inhalt steht auf der Seite „Fachtag“.")],
        feedback_contact="Koordinierungsstelle\nMarktplatz 1\n31134 Musterstadt",
        feedback_email="barrierefreiheit@kinderschutz.example",
    )
    return Target(page.url)


def impressum(site):
    from tests.publicbody.factories import make_impressum
    from tests.publicbody.test_legal_pages import COMPLETE

    return Target(make_impressum(site.home, slug="impressum-test", **COMPLETE).url)


def privacy_notice(site):
    from tests.publicbody.factories import make_privacy_notice

    page = make_privacy_notice(
        site.home, slug="datenschutz-test", supervisory_authority="Landesbeauftragte"
    )
    return Target(page.url)


def easy_language_page(site):
    from tests.publicbody.factories import make_easy_language_page

    page = make_easy_language_page(
        site.home,
        slug="leichte-sprache-start",
        intro="Hier erklären wir die Website in Leichter Sprache.",
        site_contents="<p>Wir sind das <b>Netz·werk Kinder·schutz</b>.</p>",
        navigation="<ul><li>Oben ist das Menü.</li><li>Unten sind die Kontakt·daten.</li></ul>",
        statement_summary="<p>Manche Dokumente sind schwer zu lesen.</p>",
        more_content='<p>Mehr gibt es auf der Seite <a href="/meldewege/">Meldewege</a>.</p>',
    )
    return Target(page.url)


def sign_language_page(site):
    """The DGS page with real (tiny) videos made by ffmpeg, as the browser plays them; with
    the Leichte Sprache page beside it, so that the header shows both links."""
    import tempfile
    from pathlib import Path

    from publicbody.models import EasyLanguagePage
    from publicbody.videos import create_from_file
    from tests.publicbody.factories import ffmpeg_video, make_sign_language_page

    if not EasyLanguagePage.objects.exists():
        easy_language_page(site)
    found = []
    with tempfile.TemporaryDirectory() as directory:
        for number, title in enumerate(("Inhalte", "Navigation")):
            path = ffmpeg_video(Path(directory), "320x240", 25, name=f"dgs-{number}.mp4")
            found.append(create_from_file(str(path), title, f"Text zum Video „{title}“."))
    page = make_sign_language_page(
        site.home,
        intro="Videos in Deutscher Gebärdensprache.",
        site_contents_video=found[0],
        navigation_video=found[1],
    )
    return Target(page.url)


def barrier_report_form(site):
    return Target("/barriere-melden/?seite=/veranstaltungen/")


def barrier_report_sent(site):
    return Target("/barriere-melden/gesendet/")


PAGES: dict[str, Callable[[SiteData], Target]] = {
    "accessibility_statement": accessibility_statement,
    "impressum": impressum,
    "privacy_notice": privacy_notice,
    "easy_language_page": easy_language_page,
    "sign_language_page": sign_language_page,
    "barrier_report_form": barrier_report_form,
    "barrier_report_sent": barrier_report_sent,
    "registration_form": registration_form,
    "registration_outcome": registration_outcome,
    "registration_detail": registration_detail,
    "registration_cancel": registration_cancel,
    "registration_confirm": registration_confirm,
    "event_index": event_index,
    "event_index_filtered": event_index_filtered,
    "training_page": training_page,
    "fachtag_page": fachtag_page,
    "member_index": member_index,
    "member_index_filtered": member_index_filtered,
    "member_page": member_page,
    "agreement_page": agreement_page,
    "home": home,
    "content_page": content_page,
    "news_index": news_index,
    "news_index_tag": news_index_tag,
    "news_page": news_page,
    "search_results": search_results,
    "not_found": not_found,
    "signing_page": signing_page,
}
