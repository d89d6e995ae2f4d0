"""Demo builder for the event calendar (idempotent; fictional places and people).

`build(home)` creates the calendar "Veranstaltungen" with venues, audiences, about 25
trainings spread over the coming year (multi-module, cancelled, online, all-day, hybrid),
a Netzwerktreffen and two Fachtage with full programmes. `events=N` instead creates N
generated events, for benchmarks.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from events.choices import EventFormat, EventStatus, TimeSlotKind
from events.models import (
    Audience,
    EventDate,
    EventIndexPage,
    EventPage,
    FachtagPage,
    NetworkMeetingPage,
    Speaker,
    TimeSlot,
    TrainingPage,
    Venue,
    Workshop,
)

VENUES = [
    {
        "name": "Kreishaus Musterstadt",
        "street": "Am Markt 1",
        "postcode": "31134",
        "town": "Musterstadt",
        "room": "Sitzungssaal (2. OG)",
        "accessibility": "Stufenloser Zugang über den Seiteneingang, Aufzug, barrierefreies WC "
        "im Erdgeschoss, mobile Induktionsschleife auf Nachfrage.",
        "directions": "Bus 5 und 12 bis Marktplatz; Parkhaus Am Wall (5 Minuten zu Fuß).",
    },
    {
        "name": "Familienzentrum Am Park",
        "street": "Parkweg 3",
        "postcode": "31135",
        "town": "Musterstadt",
        "room": "Gruppenraum",
        "accessibility": "Ebenerdig, barrierefreies WC, ruhiger Rückzugsraum.",
        "directions": "Straßenbahn 2 bis Stadtpark.",
    },
    {
        "name": "Bildungshaus Lindenhof",
        "street": "Lindenallee 40",
        "postcode": "31180",
        "town": "Nordheim",
        "room": "Seminarraum 1",
        "accessibility": "Zugang über Rampe, Seminarraum im EG, Behindertenparkplätze am Haus.",
        "directions": "Regionalbus 410 bis Lindenhof; kostenlose Parkplätze.",
    },
    {
        "name": "Stadthalle Südstadt",
        "street": "Hallenplatz 2",
        "postcode": "31137",
        "town": "Musterstadt",
        "room": "Großer Saal und Tagungsräume",
        "accessibility": "Vollständig barrierefrei, Gebärdensprachdolmetschung auf Anfrage "
        "bis zwei Wochen vorher.",
        "directions": "S-Bahn bis Südstadt, dann 300 m.",
    },
]

AUDIENCES = [
    ("kita", "Fachkräfte in Kitas und Kindertagespflege"),
    ("schule", "Lehrkräfte und Schulsozialarbeit"),
    ("jugendhilfe", "Kinder- und Jugendhilfe"),
    ("gesundheit", "Gesundheitswesen"),
    ("beratung", "Beratungsstellen"),
    ("ehrenamt", "Ehrenamtliche in Vereinen"),
]

# title, teaser, audiences, format, venue index, days from today, modules, extras
TRAININGS = [
    (
        "Gewichtige Anhaltspunkte erkennen – Einführung in § 8a SGB VIII",
        "Was sind gewichtige Anhaltspunkte, wie dokumentiere ich sie und wann hole ich die "
        "insoweit erfahrene Fachkraft dazu?",
        ["kita", "jugendhilfe"],
        "in_person",
        0,
        9,
        1,
        {},
    ),
    (
        "Gesprächsführung mit Eltern bei Kindeswohlgefährdung",
        "Schwierige Gespräche vorbereiten, Sorgen benennen, die Beziehung halten.",
        ["kita", "schule", "beratung"],
        "in_person",
        1,
        16,
        3,
        {"cpd_points": 12},
    ),
    (
        "Sexualisierte Gewalt: Schutzkonzepte in Kitas",
        "Bausteine eines Schutzkonzepts: Risikoanalyse, Verhaltenskodex, Beschwerdewege.",
        ["kita"],
        "in_person",
        2,
        23,
        2,
        {"teaching_units": 8},
    ),
    (
        "Frühe Hilfen und Gesundheitswesen",
        "Wie Geburtskliniken, Kinderärzt:innen und Frühe Hilfen gut zusammenarbeiten.",
        ["gesundheit", "jugendhilfe"],
        "hybrid",
        0,
        30,
        1,
        {"cpd_points": 4},
    ),
    (
        "Kinderschutz und Medien",
        "Cybergrooming, Sexting, Mediensucht: Risiken erkennen und ansprechen.",
        ["schule", "jugendhilfe"],
        "online",
        None,
        37,
        1,
        {},
    ),
    (
        "Die insoweit erfahrene Fachkraft – Rolle und Auftrag",
        "Für Fachkräfte, die als IseF beraten oder beraten werden.",
        ["jugendhilfe", "beratung"],
        "in_person",
        2,
        44,
        3,
        {"costs": "60 € (drei Module)", "teaching_units": 24},
    ),
    (
        "Kinderschutz im Sportverein",
        "Für Trainer:innen und Vorstände: Prävention, Intervention, Ansprechpersonen.",
        ["ehrenamt"],
        "in_person",
        1,
        51,
        1,
        {},
    ),
    (
        "Häusliche Gewalt und Kinderschutz",
        "Kinder als Mitbetroffene: Auswirkungen, Schutz und Kooperation mit der Polizei.",
        ["jugendhilfe", "beratung", "schule"],
        "in_person",
        0,
        58,
        1,
        {},
    ),
    (
        "Vernachlässigung erkennen",
        "Anzeichen körperlicher und emotionaler Vernachlässigung im Alltag.",
        ["kita", "gesundheit"],
        "in_person",
        1,
        65,
        1,
        {},
    ),
    (
        "Kinderschutz in der Schule – Handlungsleitfaden",
        "Der Leitfaden des Landkreises in der Praxis: Wer tut was, wann?",
        ["schule"],
        "in_person",
        3,
        72,
        1,
        {},
    ),
    (
        "Beteiligung von Kindern im Kinderschutzverfahren",
        "Kinder altersgerecht informieren und beteiligen.",
        ["jugendhilfe"],
        "online",
        None,
        79,
        1,
        {},
    ),
    (
        "Psychisch erkrankte Eltern – Kinder im Blick",
        "Unterstützung für Kinder psychisch oder suchterkrankter Eltern.",
        ["gesundheit", "beratung"],
        "in_person",
        0,
        86,
        2,
        {},
    ),
    (
        "Dokumentation im Kinderschutz",
        "Sachlich, nachvollziehbar, datenschutzkonform dokumentieren.",
        ["kita", "schule", "jugendhilfe"],
        "online",
        None,
        93,
        1,
        {},
    ),
    (
        "Datenschutz und Schweigepflicht im Kinderschutz",
        "§ 4 KKG, § 8a SGB VIII und die DSGVO: Was darf ich weitergeben?",
        ["gesundheit", "schule", "beratung"],
        "hybrid",
        3,
        100,
        1,
        {},
    ),
    (
        "Traumasensible Pädagogik",
        "Verhalten verstehen, Sicherheit geben, Grenzen achten.",
        ["kita", "schule"],
        "in_person",
        2,
        114,
        2,
        {"costs": "40 €"},
    ),
    (
        "Körperliche Misshandlung: Befunde richtig einordnen",
        "Für Ärzt:innen und Pflegekräfte, mit der Medizinischen Kinderschutzhotline.",
        ["gesundheit"],
        "in_person",
        0,
        128,
        1,
        {"cpd_points": 6},
    ),
    (
        "Kinderschutz in der Kindertagespflege",
        "Besonderheiten in kleinen Betreuungssettings.",
        ["kita"],
        "in_person",
        1,
        142,
        1,
        {},
    ),
    (
        "Einführung für neue Netzwerkpartner:innen",
        "Wie das Netzwerk Kinderschutz arbeitet, Meldewege, Ansprechpersonen.",
        ["jugendhilfe", "schule", "gesundheit", "kita"],
        "online",
        None,
        156,
        1,
        {},
    ),
    (
        "Ehrenamt und Kinderschutz: Das erweiterte Führungszeugnis",
        "Was Vereine prüfen müssen und wie sie es datensparsam tun.",
        ["ehrenamt"],
        "in_person",
        1,
        170,
        1,
        {},
    ),
    (
        "Radikalisierung und Kindeswohl",
        "Wenn Familien sich abschotten: Erkennen und Handeln.",
        ["jugendhilfe", "schule"],
        "in_person",
        0,
        184,
        1,
        {},
    ),
    (
        "Kinderschutz bei Kindern mit Behinderung",
        "Erhöhte Risiken, barrierefreie Schutzkonzepte.",
        ["kita", "jugendhilfe"],
        "in_person",
        2,
        212,
        2,
        {},
    ),
    (
        "Kollegiale Fallberatung im Kinderschutz",
        "Eine Methode für Teams, mit Übungsfällen.",
        ["kita", "schule", "beratung"],
        "in_person",
        1,
        240,
        1,
        {},
    ),
    (
        "Hochstrittige Trennungen und Kindeswohl",
        "Kinder zwischen den Fronten: Beratung und Kooperation mit dem Familiengericht.",
        ["beratung", "jugendhilfe"],
        "in_person",
        0,
        270,
        1,
        {},
    ),
    (
        "Sexualpädagogik in der Kita",
        "Kindliche Sexualität begleiten, Grenzverletzungen erkennen.",
        ["kita"],
        "in_person",
        1,
        300,
        1,
        {},
    ),
    (
        "Jahresrückblick Kinderschutz: Neues aus Recht und Praxis",
        "Aktuelle Rechtsprechung und Änderungen im SGB VIII.",
        ["jugendhilfe", "beratung"],
        "online",
        None,
        330,
        1,
        {},
    ),
]

CANCELLED = "Kinderschutz in der Kindertagespflege"
ALL_DAY = "Kollegiale Fallberatung im Kinderschutz"

SPEAKERS = [
    ("Dr. Anna Beispiel", "Kinderschutzzentrum Musterstadt"),
    ("Jonas Muster", "Jugendamt Landkreis Musterland, ASD"),
    ("Leyla Demir", "Erziehungsberatungsstelle Nordheim"),
    ("Prof. Dr. Katrin Lindner", "Hochschule Musterstadt"),
    ("Michael Schäfer", "insoweit erfahrene Fachkraft, Kinderschutzbund"),
]


GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
SLUG_LENGTH = 80


def title_slug(title, taken=()):
    """A slug from a German title, as an editor would write it ("Einführung" →
    "einfuehrung"), cut at a word boundary, with "-2", "-3", … if `taken` has it."""
    slug = slugify(title.lower().translate(GERMAN_LETTERS))
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def training_slugs():
    """The slugs of TRAININGS, in their order: from the titles, unique among them."""
    slugs = []
    for title, *_ in TRAININGS:
        slugs.append(title_slug(title, taken=set(slugs)))
    return slugs


def _weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _log(stdout, message):
    if stdout:
        stdout.write(message)


def _organiser_pages():
    """A few member organisations (of the demo network) that organise events."""
    from members.models import MemberPage

    return list(MemberPage.objects.live().order_by("pk")[:3])


def _index(home):
    index = EventIndexPage.objects.child_of(home).filter(slug="veranstaltungen").first()
    if index is None:
        index = EventIndexPage(
            title="Veranstaltungen",
            slug="veranstaltungen",
            show_in_menus=True,
            intro="Fortbildungen, Fachtage und Netzwerktreffen im Netzwerk Kinderschutz – "
            "für Fachkräfte und Ehrenamtliche. Alle Termine lassen sich als Kalender "
            "abonnieren.",
        )
        home.add_child(instance=index)
    return index


def _add(index, page, dates, *, publish=True):
    page.dates = dates
    index.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def build(home, events=None, stdout=None, **options):
    """Create the calendar below `home`; run twice without harm (looks up by slug/name)."""
    index = _index(home)
    venues = [Venue.objects.get_or_create(name=v["name"], defaults=v)[0] for v in VENUES]
    audiences = {
        slug: Audience.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in AUDIENCES
    }
    existing = set(EventPage.objects.child_of(index).values_list("slug", flat=True))
    if events is not None:
        created = _generated(index, events, venues, list(audiences.values()), existing)
        _log(stdout, f"Veranstaltungen: {created} erzeugt.")
        return index

    today = timezone.localdate()
    organisers = _organiser_pages()
    created = 0
    for number, (slug, (title, teaser, aud, fmt, venue, days, modules, extra)) in enumerate(
        zip(training_slugs(), TRAININGS, strict=True)
    ):
        if slug in existing:
            continue
        first = _weekday(today + timedelta(days=days))
        dates = []
        for module in range(modules):
            day = _weekday(first + timedelta(days=7 * module))
            dates.append(
                EventDate(
                    start=_at(day, 9),
                    end=_at(day, 16 if title != ALL_DAY else 17),
                    all_day=title == ALL_DAY,
                    title=f"Modul {module + 1}" if modules > 1 else "",
                )
            )
        page = TrainingPage(
            title=title,
            slug=slug,
            teaser=teaser,
            description=[
                (
                    "paragraph",
                    f"<p>{teaser}</p><p>Die Fortbildung verbindet kurze "
                    "Inputs mit Fallarbeit in Kleingruppen.</p>",
                )
            ],
            event_format=fmt,
            venue=venues[venue] if venue is not None else None,
            online_access_link="https://konferenz.example.org/raum-demo"
            if fmt != "in_person"
            else "",
            status=EventStatus.CANCELLED if title == CANCELLED else EventStatus.SCHEDULED,
            # Most trainings take registrations; one small one fills up (see
            # _registrations), one needs the coordination's approval.
            registration_enabled=title != CANCELLED,
            capacity=12 if number == 0 else 20 + 5 * (number % 4),
            waitlist_enabled=True,
            approval_required=number == 6,
            **extra,
        )
        if organisers and number % 5 == 4:
            page.organiser_page = organisers[number % len(organisers)]
        page.audiences = [audiences[slug] for slug in aud]
        page.speakers = [Speaker(name=n, role=r) for n, r in SPEAKERS[number % 5 :][:2]]
        _add(index, page, dates)
        created += 1

    created += _network_meeting(index, existing, venues[0], audiences, today)
    created += _fachtage(index, existing, venues[3], audiences, today)
    created += _recurring_meeting(index, existing, venues, audiences, today)
    _log(stdout, f"Veranstaltungen: {created} angelegt.")
    _log(stdout, f"Anmeldungen: {_registrations(index)} angelegt.")
    return index


PARTICIPANTS = [
    ("Anna", "Becker", "Kita Sonnenblume", "Leitung"),
    ("Mehmet", "Yılmaz", "Grundschule am Lindenplatz", "Schulsozialarbeit"),
    ("Julia", "Hoffmann", "Familienzentrum Birkenfelde", "pädagogische Fachkraft"),
    ("Thomas", "Krüger", "Polizeiinspektion Musterstadt", "Präventionsbeauftragter"),
    ("Sabine", "Wolf", "Kinderarztpraxis Dr. Wolf", "Kinderärztin"),
    ("Lukas", "Schäfer", "Jugendhilfe Eichhausen e. V.", "Sozialpädagoge"),
    ("Fatma", "Demir", "Beratungsstelle Lichtblick", "Beraterin"),
    ("Katrin", "Neumann", "Kita Regenbogen", "Erzieherin"),
]


def _registrations(index):
    """Demo registrations through the registration service (idempotent): the first
    training fills up and has a waitlist, a few others have some seats taken."""
    from registrations.errors import RegistrationError
    from registrations.models import Registration
    from registrations.services.booking import confirm_email, register

    if Registration.objects.filter(event__in=EventPage.objects.child_of(index)).exists():
        return 0
    created = 0
    by_slug = {page.slug: page for page in TrainingPage.objects.child_of(index).live()}
    trainings = [by_slug[slug] for slug in training_slugs()[:4] if slug in by_slug]
    for number, event in enumerate(trainings):
        count = 15 if number == 0 else 3 + number
        for i in range(count):
            first, last, organisation, role = PARTICIPANTS[i % len(PARTICIPANTS)]
            data = {
                "first_name": first,
                "last_name": f"{last}{'' if i < len(PARTICIPANTS) else f' {i}'}",
                "email": f"{first.lower()}.{i}.{number}@fachkraft.example",
                "organisation": organisation,
                "role": role,
                "phone": "",
                "answers": {},
            }
            try:
                registration = register(event, data)
                if registration.status == "pending_email":  # as if the link had been used
                    confirm_email(registration)
                created += 1
            except RegistrationError:
                pass
    return created


def _network_meeting(index, existing, venue, audiences, today):
    if "netzwerktreffen-fruehjahr" in existing:
        return 0
    day = _weekday(today + timedelta(days=45))
    page = NetworkMeetingPage(
        title="Netzwerktreffen Kinderschutz (Frühjahr)",
        slug="netzwerktreffen-fruehjahr",
        teaser="Austausch der Netzwerkpartner:innen, Bericht der Koordinierungsstelle, "
        "Planung des Fachtags.",
        event_format=EventFormat.HYBRID,
        venue=venue,
    )
    page.audiences = [audiences["jugendhilfe"], audiences["gesundheit"], audiences["schule"]]
    _add(index, page, [EventDate(start=_at(day, 14), end=_at(day, 17))])
    return 1


def _second_wednesday(year, month):
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 7)


def _recurring_meeting(index, existing, venues, audiences, today):
    """A Netzwerktreffen every second Wednesday of the quarter (#15), eight times, from the
    next one on: the second occurrence cancelled, the third moved to the Thursday and to
    another place. It takes registrations per occurrence (25 seats each, waitlist), so the
    demo shows the choice of a date."""
    from events import recurrence
    from events.models import RecurrenceException

    if "netzwerktreffen-quartal" in existing:
        return 0
    year, month = today.year, (today.month - 1) // 3 * 3 + 1
    while (day := _second_wednesday(year, month)) <= today:
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    start, end = _at(day, 18), _at(day, 20)
    page = NetworkMeetingPage(
        title="Netzwerktreffen im Quartal",
        slug="netzwerktreffen-quartal",
        teaser="Das regelmäßige Treffen der Netzwerkpartner:innen: Fallbesprechungen "
        "(anonymisiert), Neues aus den Einrichtungen, Termine.",
        event_format=EventFormat.IN_PERSON,
        venue=venues[0],
        recurrence_frequency=recurrence.MONTHLY,
        recurrence_interval=3,
        recurrence_weekdays="WE",
        recurrence_position=2,
        recurrence_count=8,
        registration_enabled=True,
        capacity=25,
        waitlist_enabled=True,
    )
    rule = recurrence.to_rrule(page.editor_rule(), start)
    occurrences = [s for s, _e in recurrence.expand(rule, start, end)]
    moved = occurrences[2]
    page.recurrence_exceptions = [
        RecurrenceException(
            occurrence_date=occurrences[1].date(),
            cancelled=True,
            note="Fällt wegen der Ferien aus.",
        ),
        RecurrenceException(
            occurrence_date=moved.date(),
            new_start=moved + timedelta(days=1),
            new_end=moved + timedelta(days=1, hours=2),
            new_venue=venues[1],
            note="Ausnahmsweise am Donnerstag und an einem anderen Ort.",
        ),
    ]
    page.audiences = [audiences["jugendhilfe"], audiences["schule"]]
    _add(index, page, [EventDate(start=start, end=end)])
    return 1


FACHTAGE = [
    (
        "fachtag-fruehe-hilfen",
        "Fachtag „Gut aufwachsen von Anfang an“",
        "Frühe Hilfen und Kinderschutz im ersten Lebensjahr.",
        60,
        [
            [
                "Frühe Hilfen im Alltag der Geburtsklinik",
                "Lotsendienste und Übergänge",
                "Babys in belasteten Familien",
                "Väter einbeziehen",
            ],
            [
                "Schreibabys und Schütteltrauma-Prävention",
                "Kooperation Kinderärzt:innen – Jugendamt",
                "Familienhebammen im Netzwerk",
            ],
        ],
    ),
    (
        "fachtag-schutzkonzepte",
        "Fachtag „Schutzkonzepte wirksam machen“",
        "Vom Papier in die Praxis: Schutzkonzepte in Kita, Schule und Verein.",
        200,
        [
            [
                "Risikoanalyse in der Kita",
                "Beschwerdeverfahren für Kinder",
                "Schutzkonzepte im Sportverein",
                "Digitale Räume schützen",
            ],
            [
                "Partizipation als Schutzfaktor",
                "Umgang mit Verdachtsfällen im Team",
                "Schutzkonzepte in der offenen Jugendarbeit",
                "Fortbildungsplanung",
            ],
        ],
    ),
]


def _fachtage(index, existing, venue, audiences, today):
    created = 0
    for slug, title, teaser, days, workshop_titles in FACHTAGE:
        if slug in existing:
            continue
        day = _weekday(today + timedelta(days=days))
        programme = [
            TimeSlot(
                start=time(9),
                end=time(9, 30),
                title="Ankommen und Begrüßung",
                kind=TimeSlotKind.WELCOME,
                description="Landrätin und Netzwerkkoordination",
            ),
            TimeSlot(
                start=time(9, 30),
                end=time(10, 30),
                title=f"Impulsvortrag: {teaser}",
                kind=TimeSlotKind.KEYNOTE,
                description="Prof. Dr. Katrin Lindner",
            ),
            TimeSlot(
                start=time(10, 30), end=time(11), title="Kaffeepause", kind=TimeSlotKind.BREAK
            ),
        ]
        for number, (start, end) in enumerate(((time(11), time(12, 30)), (time(13, 30), time(15)))):
            slot = TimeSlot(
                start=start,
                end=end,
                title=f"Workshops, Runde {number + 1}",
                kind=TimeSlotKind.WORKSHOPS,
            )
            slot.workshops = [
                Workshop(
                    title=w,
                    description=f"Praxisnaher Workshop: {w}.",
                    speakers=SPEAKERS[i % len(SPEAKERS)][0],
                    room=f"Tagungsraum {chr(65 + i)}",
                    capacity=None if i == 3 else 15 + 5 * i,
                )
                for i, w in enumerate(workshop_titles[number])
            ]
            programme.append(slot)
            if number == 0:
                programme.append(
                    TimeSlot(
                        start=time(12, 30),
                        end=time(13, 30),
                        title="Mittagspause",
                        kind=TimeSlotKind.BREAK,
                    )
                )
        programme.append(
            TimeSlot(
                start=time(15), end=time(16), title="Abschlussplenum", kind=TimeSlotKind.PLENARY
            )
        )
        page = FachtagPage(
            title=title,
            slug=slug,
            teaser=teaser,
            venue=venue,
            costs="kostenfrei",
            event_format=EventFormat.IN_PERSON,
            cpd_points=6,
            registration_enabled=True,
            capacity=120,
            waitlist_enabled=True,
        )
        page.time_slots = programme
        page.audiences = list(audiences.values())
        page.speakers = [Speaker(name="Prof. Dr. Katrin Lindner", role="Impulsvortrag")]
        _add(index, page, [EventDate(start=_at(day, 9), end=_at(day, 16))])
        created += 1
    return created


def _generated(index, count, venues, audiences, existing):
    """`count` generated trainings for benchmarks: published without revisions (fast)."""
    today = timezone.localdate()
    created = 0
    for number in range(count):
        slug = f"generiert-{number + 1:04d}"
        if slug in existing:
            continue
        title, teaser, *_ = TRAININGS[number % len(TRAININGS)]
        day = _weekday(today + timedelta(days=number % 365))
        page = TrainingPage(
            title=f"{title} ({number + 1})",
            slug=slug,
            teaser=teaser,
            venue=venues[number % len(venues)],
            last_published_at=timezone.now(),
            first_published_at=timezone.now(),
        )
        page.audiences = [audiences[number % len(audiences)]]
        dates = [EventDate(start=_at(day, 9), end=_at(day, 16))]
        if number % 4 == 0:
            later = _weekday(day + timedelta(days=7))
            dates.append(EventDate(start=_at(later, 9), end=_at(later, 16), title="Modul 2"))
        _add(index, page, dates, publish=False)
        created += 1
    return created
