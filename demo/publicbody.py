"""Demo builder for what a public body's site must have: the accessibility statement
(with one honest "not accessible" part), the Impressum, the privacy notice (written from
the settings), one barrier report in the admin, and the Leichte Sprache and
Gebärdensprache pages (`language_pages.py`). Idempotent, like every demo builder."""

import datetime

from django.utils import timezone

from demo import language_pages
from publicbody.models import (
    AccessibilityStatementPage,
    AssessmentMethod,
    BarrierReport,
    ConformanceStatus,
    ImpressumPage,
    NonAccessiblePart,
    PrivacyNoticePage,
)
from publicbody.services.reports import submit_report

ADDRESS = "Jugendamt Landkreis Musterland\nMarktplatz 1\n31134 Musterstadt"


def _add(home, page):
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def build(home, network, stdout=None):
    """Create the three pages below `home`, link them in the footer settings `network`,
    and file one barrier report. Returns the statement page."""
    today = timezone.localdate()
    statement = AccessibilityStatementPage.objects.first()
    if statement is None:
        statement = AccessibilityStatementPage(
            title="Erklärung zur Barrierefreiheit",
            slug="barrierefreiheit",
            legal_basis=(
                "dem Niedersächsischen Behindertengleichstellungsgesetz (NBGG) und der BITV 2.0"
            ),
            conformance_status=ConformanceStatus.PARTIAL,
            assessment_method=AssessmentMethod.SELF,
            assessed_by=(
                "Koordinierungsstelle, mit automatischen Prüfungen (axe-core, Nu HTML Checker) "
                "und Tests mit Tastatur und Screenreader"
            ),
            assessed_on=today - datetime.timedelta(days=40),
            prepared_on=today - datetime.timedelta(days=40),
            reviewed_on=today - datetime.timedelta(days=40),
            feedback_contact=f"Koordinierungsstelle Netzwerk Kinderschutz\n{ADDRESS}\n"
            "Telefon: 05121 309-4711",
            feedback_email="barrierefreiheit@kinderschutz-musterland.example",
        )
        statement.parts = [
            NonAccessiblePart(
                part="PDF-Dokumente von Netzwerkpartnern (z. B. Flyer und Protokolle)",
                reason=(
                    "Die Dokumente stammen von den Partnern und sind zum Teil nicht "
                    "barrierefrei (fehlende Struktur, Bilder ohne Textalternative). Wir prüfen "
                    "neue Dokumente vor dem Hochladen und ersetzen die alten nach und nach."
                ),
                alternative=(
                    "Wir schicken Ihnen den Inhalt gern als barrierefreies Dokument oder "
                    "lesen ihn Ihnen am Telefon vor."
                ),
            )
        ]
        _add(home, statement)
    impressum = ImpressumPage.objects.first() or _add(
        home,
        ImpressumPage(
            title="Impressum",
            slug="impressum",
            provider_name="Landkreis Musterland",
            legal_form="Körperschaft des öffentlichen Rechts",
            postal_address=ADDRESS,
            email=network.coordination_email,
            phone=network.coordination_phone,
            legal_representative="Landrätin Dr. Erika Beispiel",
            supervisory_authority="Niedersächsisches Ministerium für Inneres und Sport\n"
            "Lavesallee 6\n30169 Hannover",
            responsible_person="Anna Koordination, Koordinierungsstelle Netzwerk Kinderschutz",
            responsible_address=ADDRESS,
        ),
    )
    privacy = PrivacyNoticePage.objects.first() or _add(
        home,
        PrivacyNoticePage(
            title="Datenschutzerklärung",
            slug="datenschutz",
            controller=f"Landkreis Musterland\n{ADDRESS}\n{network.coordination_email}",
            data_protection_officer="Behördliche Datenschutzbeauftragte des Landkreises\n"
            "Marktplatz 1, 31134 Musterstadt\ndatenschutz@landkreis-musterland.example",
            supervisory_authority="Die Landesbeauftragte für den Datenschutz Niedersachsen\n"
            "Prinzenstraße 5\n30159 Hannover",
        ),
    )
    network.accessibility_page = statement
    network.imprint_page = impressum
    network.privacy_page = privacy
    network.save()
    if not BarrierReport.objects.exists():
        submit_report(
            home.get_site(),
            page_url="/veranstaltungen/",
            description=(
                "Im Veranstaltungskalender kann ich mit der Bildschirmlupe den Filter "
                "„Zielgruppe“ nicht sehen, er liegt außerhalb des Bildschirms."
            ),
            name="Maria Beispiel",
            email="maria.beispiel@example.org",
        )
    if stdout:
        stdout.write("Erklärung zur Barrierefreiheit, Impressum, Datenschutz: angelegt")
    # Leichte Sprache and Gebärdensprache (BITV 2.0 Anlage 2), linking the statement.
    language_pages.build(home, network, statement, stdout=stdout)
    return statement
