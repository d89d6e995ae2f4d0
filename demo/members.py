"""Demo builder: the directory, fictional members in "Landkreis Musterland", two agreements.

Idempotent: the directory, members and agreements are looked up by slug, signatures by
(agreement, member); only what is missing is created. `members=N` makes N members, spread
over all sectors and towns; member pages are created live without revisions, so a large N
(e.g. 1000 for the benchmarks) takes seconds, not minutes.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kinderschutz_cms.slugs import german_slugify
from members.choices import ProviderKind, RoundScope, SigningMethod
from members.models import (
    AgreementPage,
    ContactPerson,
    MemberIndexPage,
    MemberPage,
    Sector,
    Signatory,
    SigningInvitation,
    SigningRound,
)

INDEX_SLUG = "netzwerkpartner"
AGREEMENT_SLUG = "kooperationsvereinbarung"
OLD_AGREEMENT_SLUG = "kooperationsvereinbarung-2021"
PUBLIC = ProviderKind.PUBLIC
INDEPENDENT = ProviderKind.INDEPENDENT

# town: (postcode, districts)
TOWNS = {
    "Musterstadt": ("31134", ["Altstadt", "Nordstadt", "Südviertel", "Am Bahnhof"]),
    "Lindenau": ("31137", ["Oberdorf", "Unterdorf"]),
    "Birkenfelde": ("31141", []),
    "Eichhausen": ("31145", ["Eichhausen-Süd"]),
    "Wiesenbach": ("31152", []),
    "Rosenthal": ("31157", []),
    "Falkenried": ("31162", []),
    "Ölsburg": ("31168", []),
}

# sector slug: [(name template, provider, provider kind)], services
SECTOR_DATA = {
    "kinder-und-jugendhilfe": (
        [
            ("Allgemeiner Sozialer Dienst {town}", "Landkreis Musterland", PUBLIC),
            ("Kinder- und Jugendhaus {town}", "Stadt {town}", PUBLIC),
            ("Jugendhilfestation {town}", "Diakonisches Werk Musterland e. V.", INDEPENDENT),
            ("Wohngruppe Lichtblick {town}", "Caritasverband Musterland e. V.", INDEPENDENT),
        ],
        ["Hilfen zur Erziehung", "Jugendliche", "Krisenintervention", "Familien"],
    ),
    "kindertagesbetreuung": (
        [
            ("Kita Sonnenschein {town}", "Stadt {town}", PUBLIC),
            (
                "Ev. Kindergarten Arche Noah {town}",
                "Ev.-luth. Kirchenkreis Musterland",
                INDEPENDENT,
            ),
            ("Familienzentrum Regenbogen {town}", "AWO Kreisverband Musterland e. V.", INDEPENDENT),
            ("Kindertagespflegebüro {town}", "Landkreis Musterland", PUBLIC),
        ],
        ["Kinder 0–3 Jahre", "Kinder 3–6 Jahre", "Elternberatung", "Sprachförderung"],
    ),
    "schule": (
        [
            ("Grundschule am Lindenplatz {town}", "Stadt {town}", PUBLIC),
            ("Oberschule {town}", "Landkreis Musterland", PUBLIC),
            ("Schulsozialarbeit {town}", "Diakonisches Werk Musterland e. V.", INDEPENDENT),
        ],
        ["Schulkinder", "Jugendliche", "Schulsozialarbeit", "Ganztag"],
    ),
    "gesundheitswesen": (
        [
            ("Kinder- und Jugendärztlicher Dienst {town}", "Landkreis Musterland", PUBLIC),
            (
                "Ärztliche Kinderschutzambulanz {town}",
                "Kreiskrankenhaus Musterland gGmbH",
                INDEPENDENT,
            ),
            ("Hebammenpraxis Storchennest {town}", "Hebammenpraxis Storchennest GbR", INDEPENDENT),
            ("Kinderarztpraxis am Markt {town}", "Praxisgemeinschaft am Markt", INDEPENDENT),
        ],
        ["Medizinische Diagnostik", "Säuglinge", "Schwangere", "Kinder 0–3 Jahre"],
    ),
    "polizei-und-ordnungsbehoerden": (
        [
            ("Polizeistation {town}", "Polizeidirektion Musterland", PUBLIC),
            ("Ordnungsamt {town}", "Stadt {town}", PUBLIC),
        ],
        ["Prävention", "Häusliche Gewalt", "Jugendliche"],
    ),
    "justiz-familiengericht": (
        [
            ("Amtsgericht {town} – Familiengericht", "Land Niedersachsen (fiktiv)", PUBLIC),
            ("Jugendhilfe im Strafverfahren {town}", "Landkreis Musterland", PUBLIC),
            ("Verfahrensbeistandschaften {town}", "Kinderanwälte Musterland e. V.", INDEPENDENT),
        ],
        ["Familienrecht", "Jugendliche", "Verfahrensbeistand"],
    ),
    "beratungsstellen": (
        [
            ("Erziehungsberatungsstelle {town}", "Caritasverband Musterland e. V.", INDEPENDENT),
            ("Fachberatung gegen sexualisierte Gewalt {town}", "Wildrose e. V.", INDEPENDENT),
            (
                "Schwangerschaftskonfliktberatung {town}",
                "pro familia Musterland e. V.",
                INDEPENDENT,
            ),
            ("Suchtberatung {town}", "Diakonisches Werk Musterland e. V.", INDEPENDENT),
        ],
        ["Elternberatung", "Mehrsprachige Beratung", "Gruppenangebote", "Jugendliche"],
    ),
    "fruehe-hilfen": (
        [
            ("Frühe Hilfen – Familienhebammen {town}", "Landkreis Musterland", PUBLIC),
            ("Willkommensbesuche {town}", "Stadt {town}", PUBLIC),
            (
                "Eltern-Kind-Café Kleine Schritte {town}",
                "DRK Kreisverband Musterland e. V.",
                INDEPENDENT,
            ),
        ],
        ["Säuglinge", "Schwangere", "Hausbesuche", "Familien"],
    ),
    "eingliederungshilfe": (
        [
            ("Frühförderstelle {town}", "Lebenshilfe Musterland e. V.", INDEPENDENT),
            (
                "Sozialpädiatrisches Zentrum {town}",
                "Kreiskrankenhaus Musterland gGmbH",
                INDEPENDENT,
            ),
            ("Heilpädagogische Tagesstätte {town}", "Lebenshilfe Musterland e. V.", INDEPENDENT),
        ],
        ["Kinder mit Behinderung", "Frühförderung", "Elternberatung"],
    ),
    "religionsgemeinschaften": (
        [
            ("Ev.-luth. Kirchengemeinde {town}", "Ev.-luth. Kirchenkreis Musterland", INDEPENDENT),
            ("Kath. Pfarrei St. Marien {town}", "Bistum Musterland (fiktiv)", INDEPENDENT),
            ("Islamische Gemeinde {town}", "Islamische Gemeinde {town} e. V.", INDEPENDENT),
        ],
        ["Kinder- und Jugendgruppen", "Familien", "Freizeiten"],
    ),
    "vereine-und-verbaende": (
        [
            (
                "Kinderschutzbund Ortsverband {town}",
                "Der Kinderschutzbund Musterland e. V.",
                INDEPENDENT,
            ),
            ("TSV {town} – Jugendabteilung", "TSV {town} e. V.", INDEPENDENT),
            ("Jugendfeuerwehr {town}", "Gemeinde {town}", PUBLIC),
        ],
        ["Sport", "Kinder- und Jugendgruppen", "Schutzkonzept", "Ehrenamt"],
    ),
    "sonstige": (
        [
            ("Familienbildungsstätte {town}", "AWO Kreisverband Musterland e. V.", INDEPENDENT),
            ("Stadtbibliothek {town}", "Stadt {town}", PUBLIC),
            ("Jobcenter {town} – Team U25", "Jobcenter Landkreis Musterland", PUBLIC),
        ],
        ["Familien", "Bildung", "Jugendliche"],
    ),
}

FIRST_NAMES = [
    "Anna", "Mehmet", "Sabine", "Jonas", "Fatma", "Katrin", "Lukas", "Olena", "Thomas",
    "Miriam", "Stefan", "Aylin", "Birgit", "Daniel", "Elif", "Frank", "Nadine", "Pavel",
]  # fmt: skip
LAST_NAMES = [
    "Bergmann", "Yılmaz", "Schröder", "Hoffmann", "Kowalski", "Neumann", "Demir", "Lange",
    "Krüger", "Wagner", "Petrenko", "Schulz", "Brandt", "Albers", "Husemann", "Öztürk",
]  # fmt: skip
FUNCTIONS = ["Leitung", "Stellvertretende Leitung", "Kinderschutzfachkraft", "Sozialarbeit"]
LANGUAGES = ["Deutsch", "Deutsch, Englisch", "Deutsch, Türkisch", "Deutsch, Russisch, Ukrainisch",
             "Deutsch, Arabisch", "Deutsch, Polnisch"]  # fmt: skip
STREETS = ["Hauptstraße", "Lindenallee", "Kirchweg", "Am Markt", "Schulstraße", "Mühlenweg"]
ISEF_SECTORS = {"kinder-und-jugendhilfe", "beratungsstellen", "fruehe-hilfen"}


def member_specs(count):
    """`count` plausible fictional members, every sector and town used, names unique."""
    sectors = list(SECTOR_DATA)
    towns = list(TOWNS)
    seen = set()
    for i in range(count):
        sector_slug = sectors[i % len(sectors)]
        templates, services = SECTOR_DATA[sector_slug]
        round_ = i // len(sectors)
        name_template, provider, kind = templates[round_ % len(templates)]
        town = towns[(i + round_ * 3) % len(towns)]
        postcode, districts = TOWNS[town]
        name = name_template.format(town=town)
        if name in seen:
            name = f"{name} (Standort {round_ + 1})"
        seen.add(name)
        yield {
            "index": i,
            "sector": sector_slug,
            "title": name,
            "slug": german_slugify(name)[:240],
            "provider_name": provider.format(town=town),
            "provider_kind": kind,
            "town": town,
            "postcode": postcode,
            "district": districts[i % len(districts)] if districts else "",
            "services": [services[i % len(services)], services[(i + 1) % len(services)]],
        }


def _member_page(spec, sector):
    i = spec["index"]
    domain = spec["slug"][:40].strip("-")
    page = MemberPage(
        title=spec["title"],
        slug=spec["slug"],
        sector=sector,
        provider_name=spec["provider_name"],
        provider_kind=spec["provider_kind"],
        street=f"{STREETS[i % len(STREETS)]} {i % 40 + 1}",
        postcode=spec["postcode"],
        town=spec["town"],
        district=spec["district"],
        phone=f"0{5121 + i % 7} {300 + i:03d}-{10 + i % 80}",
        email=f"kontakt@{domain}.example",
        website=f"https://www.{domain}.example/",
        description=(
            f"<p>{spec['title']} ist Partner im Netzwerk Kinderschutz Musterland. "
            f"Wir beraten und begleiten Kinder, Jugendliche und Familien in {spec['town']}.</p>"
        ),
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
        **_concept(i),
    )
    page.services.add(*spec["services"])
    contacts = 1 + i % 2
    for n in range(contacts):
        first = FIRST_NAMES[(i + n * 7) % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 3 + n) % len(LAST_NAMES)]
        page.contact_persons.add(
            ContactPerson(
                name=f"{first} {last}",
                function=FUNCTIONS[(i + n) % len(FUNCTIONS)],
                phone=f"{page.phone}{n}",
                email=f"{slugify(first)}.{slugify(last)}@{domain}.example",
                is_isef=n == 0 and (spec["sector"] in ISEF_SECTORS or i % 5 == 0),
                languages=LANGUAGES[(i + n) % len(LANGUAGES)],
                last_checked=datetime.date(2025, 1 + i % 12, 1 + i % 28),
                sort_order=n,
            )
        )
    return page


def _concept(i):
    """Protection concepts (#13): every third member has adopted one, some of them reviewed
    more than two years ago (due, in the report), every fourth is working on one."""
    if i % 3 == 0:
        adopted = datetime.date(2019 + i % 5, 1 + i % 12, 1 + i % 27)
        reviewed = None if i % 2 else adopted.replace(year=adopted.year + 1)
        return {
            "concept_status": "adopted",
            "concept_adopted_on": adopted,
            "concept_reviewed_on": reviewed,
            "concept_consultant": i % 6 == 0,
        }
    if i % 4 == 1:
        return {"concept_status": "in_progress", "concept_consultant": True}
    return {}


def build_pending_change(pages):
    """One self-service change waiting for the coordination's approval (#13), once."""
    from members import links, self_service
    from members.models import SelfServiceChange

    if SelfServiceChange.objects.exists() or len(pages) < 2:
        return None
    member = pages[1]
    contact = links.maintainers(member)[0]
    link = links.read_token(links.make_token(contact, links.EDIT), links.EDIT)
    contacts = [
        {"id": c.pk, **{f: getattr(c, f) for f in self_service.CONTACT_FIELDS}}
        for c in member.contact_persons.all()
    ]
    return self_service.submit_change(
        link,
        self_service.EntryChange(
            fields={"phone": "05121 999-0", "concept_status": "in_progress"},
            services=[t.name for t in member.services.all()] + ["Elterncafé"],
            contacts=contacts,
        ),
    )


def _publish(page):
    page.save_revision().publish()
    return page


def build_index(home):
    index = MemberIndexPage.objects.filter(slug=INDEX_SLUG).first()
    if index is None:
        index = MemberIndexPage(
            title="Netzwerkpartner",
            slug=INDEX_SLUG,
            show_in_menus=True,
            intro=(
                "<p>Diese Einrichtungen und Dienste im Landkreis Musterland arbeiten im "
                "Netzwerk Kinderschutz zusammen. Filtern Sie nach Bereich, Ort oder Angebot.</p>"
            ),
        )
        home.add_child(instance=index)
        _publish(index)
    return index


def build_members(index, count, stdout=None):
    """Create the missing members of `member_specs(count)` below `index`; return all of them."""
    sectors = {s.slug: s for s in Sector.objects.all()}
    existing = {p.slug: p for p in MemberPage.objects.child_of(index)}
    pages = []
    created = 0
    with transaction.atomic():  # one commit, not one per page (matters on SQLite)
        for spec in member_specs(count):
            page = existing.get(spec["slug"])
            if page is None:
                page = _member_page(spec, sectors.get(spec["sector"]))
                index.add_child(instance=page)
                created += 1
            pages.append(page)
    if stdout:
        stdout.write(f"Netzwerkpartner: {created} neu, {len(pages) - created} vorhanden.")
    return pages


def _agreement(home, slug, **fields):
    page = AgreementPage.objects.filter(slug=slug).first()
    if page is None:
        page = AgreementPage(slug=slug, **fields)
        home.add_child(instance=page)
        _publish(page)
    return page


def build_agreements(home, members, today=None):
    """Version 1.0 (2021, signed by most members) and 2.0 (2025, signed by about half)."""
    today = today or timezone.localdate()
    title = "Kooperationsvereinbarung Kinderschutz"
    body = [
        ("heading", {"text": "Ziele der Zusammenarbeit", "level": "h2"}),
        (
            "paragraph",
            "<p>Die Partner verpflichten sich, bei gewichtigen Anhaltspunkten für eine "
            "Gefährdung des Kindeswohls nach den vereinbarten Verfahren zusammenzuarbeiten "
            "(§ 8a SGB VIII, § 4 KKG) und sich regelmäßig im Netzwerk auszutauschen (§ 3 KKG).</p>",
        ),
        ("heading", {"text": "Beratung durch insoweit erfahrene Fachkräfte", "level": "h2"}),
        (
            "paragraph",
            "<p>Fachkräfte der Partner können sich von einer insoweit erfahrenen Fachkraft "
            "(IseF) pseudonymisiert beraten lassen.</p>",
        ),
    ]
    v1 = _agreement(
        home,
        OLD_AGREEMENT_SLUG,
        title=f"{title} 2021",
        version="1.0",
        adopted_on=datetime.date(2021, 3, 10),
        valid_from=datetime.date(2021, 4, 1),
        valid_until=datetime.date(2025, 3, 31),
        intro="Die erste Kooperationsvereinbarung des Netzwerks.",
        body=body,
    )
    v2 = _agreement(
        home,
        AGREEMENT_SLUG,
        title=title,
        version="2.0",
        adopted_on=datetime.date(2025, 2, 19),
        valid_from=datetime.date(2025, 4, 1),
        next_review=today + datetime.timedelta(days=60),
        supersedes=v1,
        show_in_menus=True,
        intro="Die aktuelle Kooperationsvereinbarung des Netzwerks Kinderschutz Musterland.",
        body=body,
    )
    _sign(v1, [m for i, m in enumerate(members) if i % 7 != 3], datetime.date(2021, 4, 15))
    _sign(v2, [m for i, m in enumerate(members) if i % 2 == 0], datetime.date(2025, 4, 10))
    _signing_round(v2, members)
    return v1, v2


def _signing_round(agreement, members):
    """A signing round in progress for `agreement` (once): of the members that have not
    signed on paper, every other one was invited (its maintainers), some of those have
    signed online since; the rest are not invited yet. Rows are written in bulk, without
    e-mails (nobody receives demo mail) and without revisions (online signatures live
    beside the revisions, see members.signing_rounds)."""
    if agreement.signing_rounds.exists():
        return
    now = timezone.now()
    signing_round = SigningRound.objects.create(agreement=agreement, scope=RoundScope.UNSIGNED)
    SigningRound.objects.filter(pk=signing_round.pk).update(
        started_at=now - datetime.timedelta(days=10)
    )
    invited = {m.pk: m for i, m in enumerate(members) if i % 4 == 1}
    contacts = ContactPerson.objects.filter(page_id__in=invited).exclude(email="")
    invitations = [
        SigningInvitation(
            signing_round=signing_round,
            member=invited[contact.page_id],
            contact=contact,
            email=contact.email,
            sent_at=now - datetime.timedelta(days=10),
        )
        for contact in contacts.order_by("page_id", "sort_order")
    ]
    SigningInvitation.objects.bulk_create(invitations)
    first = {}
    for invitation in invitations:
        first.setdefault(invitation.member.pk, invitation)
    signed = [m for i, m in enumerate(members) if i % 8 == 1]
    Signatory.objects.bulk_create(
        Signatory(
            page=agreement,
            member=member,
            signed_on=timezone.localdate() - datetime.timedelta(days=n % 9),
            signed_by_name=first[member.pk].contact.name,
            signed_by_function=first[member.pk].contact.function,
            method=SigningMethod.ONLINE,
            signing_round=signing_round,
            invitation=first[member.pk],
        )
        for n, member in enumerate(signed)
        if member.pk in first
    )


def _sign(agreement, members, first_date):
    """Add the missing signatures to `agreement`, in one bulk INSERT: signatures are rows of
    their own, outside the page's revisions and its reference index (issue #19)."""
    already = set(agreement.signatories.values_list("member_id", flat=True))
    missing = [m for m in members if m.pk not in already]
    rows = []
    for n, member in enumerate(missing, start=len(already)):
        signer = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
        rows.append(
            Signatory(
                page=agreement,
                member=member,
                signed_on=first_date + datetime.timedelta(days=(n * 5) % 330),
                signed_by_name=signer,
                signed_by_function="Leitung",
                sort_order=n,
            )
        )
    Signatory.objects.bulk_create(rows, batch_size=500)


def build(home, members=64, stdout=None, **options):
    """Create the directory, `members` members and the two agreement versions below `home`."""
    index = build_index(home)
    pages = build_members(index, members, stdout=stdout)
    v1, v2 = build_agreements(home, pages)
    build_pending_change(pages)
    if stdout:
        stdout.write(
            f"Kooperationsvereinbarungen: {v1.signatories.count()} / {v2.signatories.count()} "
            "Unterzeichnungen."
        )
    return index
