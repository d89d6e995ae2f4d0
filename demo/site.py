"""Demo builder for the site frame: home page, content pages, settings, admin user.

Every builder in this project is idempotent: it looks things up by slug or name and only
creates what is missing, so `load_demo_data` can run twice without harm.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from demo import publicbody as publicbody_demo
from kinderschutz_cms.models import ContentPage, NetworkHomePage, NetworkSettings

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "kinderschutz"  # noqa: S105 - demo only, printed by `make demo`

CONTENT_PAGES = [
    (
        "meldewege",
        "Meldewege im Kinderschutz",
        "Was tun bei Sorge um ein Kind? Wen Sie wann erreichen.",
        True,
    ),
]

BODIES = {
    "meldewege": [
        ("heading", {"text": "Wenn ein Kind in akuter Gefahr ist", "level": "h2"}),
        (
            "paragraph",
            '<p>Rufen Sie sofort die <b><a href="tel:110">Polizei unter 110</a></b> an.</p>',
        ),
        ("heading", {"text": "Wenn Sie sich Sorgen machen", "level": "h2"}),
        (
            "paragraph",
            "<p>Fachkräfte haben nach § 8a SGB VIII und § 4 KKG Anspruch auf Beratung durch "
            "eine insoweit erfahrene Fachkraft (IseF). Das Jugendamt ist während der "
            "Dienstzeit erreichbar, außerhalb der Dienstzeit die Rufbereitschaft.</p>",
        ),
        (
            "contact",
            {
                "heading": "Allgemeiner Sozialer Dienst",
                "name": "Jugendamt Landkreis Musterland",
                "function": "Allgemeiner Sozialer Dienst (ASD)",
                "phone": "05121 309-1234",
                "email": "asd@jugendamt-musterland.example",
                "note": "Mo–Do 8–16 Uhr, Fr 8–13 Uhr",
            },
        ),
    ],
}


def site_address(url):
    """(hostname, port) of a base URL such as "http://127.0.0.1:8000"."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"Keine Adresse: {url!r}")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def build_site(stdout=None, base_url=None):
    """Create the home page, the content pages, the site, its settings and an admin user.

    The default Site gets the host and port of `base_url` (by default
    WAGTAILADMIN_BASE_URL), the address the demo is served on, so that the admin's
    "live ansehen" links and anything else Wagtail builds from the Site lead there.
    """
    hostname, port = site_address(base_url or settings.WAGTAILADMIN_BASE_URL)
    root = Page.get_first_root_node()
    home = NetworkHomePage.objects.first()
    if home is None:
        # Replace Wagtail's welcome page, if the initial migration made one.
        Page.objects.filter(depth=2, content_type__model="page").delete()
        root.refresh_from_db()
        home = NetworkHomePage(
            title="Netzwerk Kinderschutz Landkreis Musterland",
            slug="start",
            intro=(
                "Im Netzwerk Kinderschutz arbeiten Jugendhilfe, Kitas, Schulen, "
                "Gesundheitswesen, Polizei, Justiz und Beratungsstellen zusammen, damit "
                "Kinder gut und sicher aufwachsen (§ 3 KKG)."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": hostname, "port": port, "root_page": home, "site_name": home.title},
    )
    site = Site.objects.get(is_default_site=True)

    pages = {}
    for slug, title, intro, in_menu in CONTENT_PAGES:
        page = ContentPage.objects.filter(slug=slug).first()
        if page is None:
            page = ContentPage(title=title, slug=slug, intro=intro, show_in_menus=in_menu)
            page.body = BODIES.get(slug, [("paragraph", f"<p>{intro}</p>")])
            home.add_child(instance=page)
            page.save_revision().publish()
        pages[slug] = page

    network, _ = NetworkSettings.objects.get_or_create(site=site)
    network.network_name = "Netzwerk Kinderschutz Musterland"
    network.coordination_name = "Koordinierungsstelle Netzwerk Kinderschutz"
    network.coordination_address = "Jugendamt Landkreis Musterland\nMarktplatz 1\n31134 Musterstadt"
    network.coordination_phone = "05121 309-4711"
    network.coordination_email = "netzwerk@kinderschutz-musterland.example"
    network.office_hours_phone = "05121 309-1234"
    network.office_hours = "Mo–Do 8–16 Uhr, Fr 8–13 Uhr"
    network.out_of_hours_phone = "05121 309-9999"
    network.reporting_page = pages["meldewege"]
    network.save()

    # Accessibility statement, Impressum, privacy notice and a barrier report (#18).
    publicbody_demo.build(home, network, stdout=stdout)

    User = get_user_model()
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        User.objects.create_superuser(ADMIN_USERNAME, "admin@example.org", ADMIN_PASSWORD)
    return home
