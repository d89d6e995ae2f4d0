"""Demo builder for news: the index "Aktuelles" and eight articles (idempotent).

Images are drawn with Pillow (a coloured area with the article's topic), the Fachtag's
slides are a generated PDF: nothing is downloaded. Runs last in `load_demo_data`, so it also
points the home page's links at the directory, the agreement, the calendar and the news.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from news.models import NewsIndexPage, NewsPage

# Dark backgrounds: the white lettering on them has a contrast of at least 7:1.
COLOURS = ["#0a4b68", "#5a2a6e", "#1e5e2f", "#7a3b00", "#8a1c1c", "#2d3e50"]

ARTICLES = [
    {
        "slug": "rueckblick-fachtag-schutzkonzepte",
        "title": "Rückblick: Fachtag „Schutzkonzepte mit Leben füllen“",
        "date": datetime.date(2026, 10, 8),
        "teaser": (
            "Rund 160 Fachkräfte aus Kitas, Schulen, Vereinen und Beratungsstellen haben beim "
            "Fachtag diskutiert, wie Schutzkonzepte im Alltag wirken. Die Folien stehen zum "
            "Download bereit."
        ),
        "image": ("Fachtag 2026", "Plenum des Fachtags mit Teilnehmer:innen an runden Tischen"),
        "caption": "Foto: Koordinierungsstelle Netzwerk Kinderschutz",
        "tags": ["Fachtag", "Schutzkonzepte"],
        "slides": "Folien Impulsvortrag Schutzkonzepte",
        "body": [
            ("heading", {"text": "Impulsvortrag", "level": "h2"}),
            (
                "paragraph",
                "<p>Dr. Miriam Albers (Hochschule Musterstadt) zeigte, dass ein Schutzkonzept "
                "nur wirkt, wenn alle Beschäftigten es kennen und Kinder ihre "
                "Beschwerdewege verstehen.</p>",
            ),
            ("heading", {"text": "Themenwerkstätten", "level": "h2"}),
            (
                "paragraph",
                "<p>In sechs Themenwerkstätten ging es um Risikoanalysen, Partizipation, "
                "Verhaltenskodizes und den Umgang mit Verdachtsfällen.</p>",
            ),
        ],
        "related": ("veranstaltungen", "netzwerkpartner"),
    },
    {
        "slug": "kooperationsvereinbarung-unterzeichnet",
        "title": "Neue Kooperationsvereinbarung unterzeichnet",
        "date": datetime.date(2026, 9, 15),
        "teaser": (
            "Die überarbeitete Kooperationsvereinbarung regelt Meldewege, Rückmeldungen an "
            "meldende Fachkräfte und die Beratung durch insoweit erfahrene Fachkräfte."
        ),
        "image": ("Vereinbarung", "Vertreter:innen der Netzwerkpartner unterzeichnen"),
        "tags": ["Netzwerk", "Kooperationsvereinbarung"],
        "body": [
            (
                "paragraph",
                "<p>Im Kreishaus haben Vertreter:innen von 42 Netzwerkpartnern die neue "
                "Fassung unterzeichnet. Weitere Organisationen können jederzeit beitreten.</p>",
            ),
        ],
        "related": (None, "netzwerkpartner"),
    },
    {
        "slug": "fortbildungsprogramm-2027",
        "title": "Fortbildungsprogramm 2027 erschienen",
        "date": datetime.date(2026, 11, 2),
        "teaser": (
            "Zwölf Fortbildungen von „Kinderschutz kompakt“ bis „Gesprächsführung mit "
            "Eltern“: Das Programm für 2027 ist da, die Anmeldung ist ab sofort möglich."
        ),
        "image": ("Fortbildung 2027", "Aufgeschlagenes Programmheft mit Terminübersicht"),
        "tags": ["Fortbildung"],
        "body": [
            (
                "paragraph",
                "<p>Neu im Programm sind ein Online-Modul zu digitaler Gewalt und eine "
                "Fortbildung für Übungsleiter:innen in Sportvereinen.</p>",
            ),
        ],
        "related": ("veranstaltungen", None),
    },
    {
        "slug": "neue-ansprechpersonen-isef",
        "title": "Neue Ansprechpersonen: insoweit erfahrene Fachkräfte",
        "date": datetime.date(2026, 8, 20),
        "teaser": (
            "Zwei weitere insoweit erfahrene Fachkräfte (IseF) beraten Fachkräfte bei der "
            "Einschätzung eines Gefährdungsrisikos nach § 8a SGB VIII und § 4 KKG."
        ),
        "image": ("IseF", "Zwei Beraterinnen im Gespräch in einem Beratungsraum"),
        "tags": ["IseF", "Beratung"],
        "body": [
            (
                "contact",
                {
                    "heading": "Beratung anfragen",
                    "name": "Koordinierungsstelle Netzwerk Kinderschutz",
                    "phone": "05121 309-4711",
                    "email": "isef@kinderschutz-musterland.example",
                    "note": "Die Beratung ist anonym und für Fachkräfte kostenfrei.",
                },
            ),
        ],
        "related": (None, "netzwerkpartner"),
    },
    {
        "slug": "netzwerktreffen-sportvereine",
        "title": "Netzwerktreffen: Kinderschutz in Sportvereinen",
        "date": datetime.date(2026, 6, 4),
        "teaser": (
            "Beim Netzwerktreffen im Juni stellten der Kreissportbund und zwei Vereine vor, "
            "wie sie Ehrenamtliche für Kinderschutz sensibilisieren."
        ),
        "image": ("Netzwerktreffen", "Gesprächsrunde im Vereinsheim"),
        "tags": ["Netzwerktreffen", "Sport"],
        "body": [("paragraph", "<p>Das nächste Netzwerktreffen findet im Herbst statt.</p>")],
        "related": ("veranstaltungen", None),
    },
    {
        "slug": "medizinische-kinderschutzhotline",
        "title": "Medizinische Kinderschutzhotline: Beratung rund um die Uhr",
        "date": datetime.date(2026, 5, 12),
        "teaser": (
            "Ärzt:innen, Pflegekräfte und Therapeut:innen erreichen die bundesweite "
            "medizinische Kinderschutzhotline kostenfrei unter 0800 19 210 00."
        ),
        "image": ("Hotline", "Telefon mit der Nummer der Kinderschutzhotline"),
        "tags": ["Gesundheitswesen", "Beratung"],
        "body": [
            (
                "paragraph",
                "<p>Die Hotline berät bei Verdacht auf Misshandlung, Vernachlässigung oder "
                "sexualisierte Gewalt und ist Tag und Nacht erreichbar.</p>",
            ),
        ],
        "related": (None, None),
    },
    {
        "slug": "flyer-leichte-sprache",
        "title": "Unser Flyer in Leichter Sprache",
        "date": datetime.date(2026, 3, 18),
        "teaser": (
            "Was macht das Netzwerk Kinderschutz? Ein neuer Flyer erklärt es in Leichter "
            "Sprache, für Eltern und Kinder."
        ),
        "image": ("Leichte Sprache", "Titelseite des Flyers in Leichter Sprache"),
        "tags": ["Leichte Sprache"],
        "body": [
            ("paragraph", "<p>Der Flyer liegt in allen Familienzentren im Landkreis aus.</p>")
        ],
        "related": (None, None),
    },
    {
        "slug": "schulen-treten-bei",
        "title": "Drei Schulen treten dem Netzwerk bei",
        "date": datetime.date(2026, 2, 10),
        "teaser": (
            "Die Grundschule am Mühlenbach, die Oberschule Musterstadt und das Berufliche "
            "Schulzentrum sind jetzt Netzwerkpartner."
        ),
        "image": ("Schulen", "Schulleitungen bei der Unterzeichnung im Kreishaus"),
        "tags": ["Schule", "Netzwerk"],
        "body": [
            (
                "paragraph",
                "<p>Damit sind alle weiterführenden Schulen im Landkreis im Netzwerk "
                "vertreten.</p>",
            ),
        ],
        "related": (None, "netzwerkpartner"),
    },
]

HOME_LINKS = {
    "directory_page": "netzwerkpartner",
    "agreement_page": "kooperationsvereinbarung",
    "calendar_page": "veranstaltungen",
    "news_page": "aktuelles",
}


def placeholder_image(title, colour, size=(1200, 675)):
    """A PNG: a coloured area with the title in white, as an uploaded file."""
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=96)
    left, top, right, bottom = draw.textbbox((0, 0), title, font=font)
    position = ((size[0] - (right - left)) / 2, (size[1] - (bottom - top)) / 2)
    draw.text(position, title, fill="#ffffff", font=font)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())
    return ImageFile(buffer, name=f"demo-{slug}.png")


def slides_pdf(title):
    """A three-page PDF standing in for a talk's slides."""
    pages = []
    for number in range(1, 4):
        page = PILImage.new("RGB", (1280, 720), "#ffffff")
        draw = ImageDraw.Draw(page)
        font = ImageFont.load_default(size=48)
        draw.text((80, 80), f"{title}\nFolie {number}", fill="#1b1b1b", font=font)
        pages.append(page)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:])
    return ContentFile(buffer.getvalue(), name="folien-fachtag-schutzkonzepte.pdf")


def _image(title, alt, colour):
    image_model = get_image_model()
    image = image_model.objects.filter(title=f"Demo: {title}").first()
    if image is None:
        image = image_model(title=f"Demo: {title}", description=alt)
        image.file = placeholder_image(title, colour)
        image.save()
    return image


def _document(title):
    document_model = get_document_model()
    document = document_model.objects.filter(title=title).first()
    if document is None:
        document = document_model(title=title)
        document.file = slides_pdf(title)
        document._set_document_file_metadata()  # size and hash, as an upload would set
        document.save()
    return document


def _body(spec):
    body = list(spec["body"])
    if spec.get("slides"):
        document = _document(spec["slides"])
        body.append(("document", {"document": document, "title": spec["slides"]}))
    return body


def _first_child_of(slug):
    """A live page below the page with this slug (e.g. an event below "veranstaltungen")."""
    parent = Page.objects.filter(slug=slug).first()
    if parent is None:
        return None
    return parent.get_children().live().order_by("path").first()


def build(home, stdout=None, **options):
    """Create "Aktuelles" below `home` with eight articles; link the home page's sections."""
    index = NewsIndexPage.objects.child_of(home).filter(slug="aktuelles").first()
    if index is None:
        index = NewsIndexPage(
            title="Aktuelles",
            slug="aktuelles",
            show_in_menus=True,
            intro="Neues aus dem Netzwerk: Rückblicke, Fortbildungen und Ansprechpersonen.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()

    created = 0
    for number, spec in enumerate(ARTICLES):
        if NewsPage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        alt = spec["image"][1]
        article = NewsPage(
            title=spec["title"],
            slug=spec["slug"],
            date=spec["date"],
            teaser=spec["teaser"],
            image=_image(spec["image"][0], alt, COLOURS[number % len(COLOURS)]),
            image_alt=alt,
            image_caption=spec.get("caption", ""),
            author="Koordinierungsstelle Netzwerk Kinderschutz",
            body=_body(spec),
        )
        for tag in spec["tags"]:
            article.tags.add(tag)
        event_parent, member_parent = spec["related"]
        for relation, parent_slug in (
            (article.related_events, event_parent),
            (article.related_members, member_parent),
        ):
            related = _first_child_of(parent_slug) if parent_slug else None
            if related is not None:
                relation.create(related_page=related, sort_order=0)
        index.add_child(instance=article)
        article.save_revision().publish()
        created += 1

    changed = False
    for field, slug in HOME_LINKS.items():
        target = Page.objects.child_of(home).filter(slug=slug).first()
        if target is not None and getattr(home, f"{field}_id") != target.pk:
            setattr(home, field, target)
            changed = True
    if changed:
        home.save_revision().publish()

    if stdout is not None:
        stdout.write(f"Aktuelles: {created} Nachrichten angelegt.")
    return index
