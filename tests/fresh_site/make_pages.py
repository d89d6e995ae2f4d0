# Run with `manage.py shell < make_pages.py` in the fresh site: the pages of the README's
# step 5 below a NetworkHomePage with a Site of its own, next to the host's home.HomePage.
import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from home.models import HomePage
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from events.models import EventDate, EventIndexPage, TrainingPage
from kinderschutz_cms.models import NetworkHomePage
from members.models import MemberIndexPage, MemberPage, Sector
from news.models import NewsIndexPage, NewsPage
from publicbody.models import AccessibilityStatementPage, ImpressumPage, PrivacyNoticePage

assert HomePage.objects.exists(), "wagtail start's home page is missing"
root = Page.get_first_root_node()
network = NetworkHomePage(title="Netzwerk Frischhausen", slug="netzwerk")
root.add_child(instance=network)
Site.objects.create(hostname="netzwerk.localhost", port=80, root_page=network)

calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
network.add_child(instance=calendar)
start = timezone.now().replace(microsecond=0) + timedelta(days=20)
training = TrainingPage(
    title="Gewichtige Anhaltspunkte erkennen",
    slug="anhaltspunkte",
    registration_enabled=True,
    capacity=12,
)
training.dates = [EventDate(start=start, end=start + timedelta(hours=6), sort_order=0)]
calendar.add_child(instance=training)
training.save_revision().publish()

directory = MemberIndexPage(title="Netzwerkpartner", slug="netzwerkpartner")
network.add_child(instance=directory)
directory.add_child(
    instance=MemberPage(
        title="Kita Sonnenschein",
        slug="kita-sonnenschein",
        town="Frischhausen",
        sector=Sector.objects.first(),  # the sectors come with the migrations
    )
)
png = io.BytesIO()
PILImage.new("RGB", (64, 36), "#2a6f97").save(png, "PNG")
image = get_image_model().objects.create(title="Plenum", file=ImageFile(png, name="plenum.png"))
news = NewsIndexPage(title="Aktuelles", slug="aktuelles")
network.add_child(instance=news)
news.add_child(
    instance=NewsPage(
        title="Neue Fortbildungen",
        slug="neue-fortbildungen",
        date=timezone.localdate(),
        teaser="Das Programm für das zweite Halbjahr steht.",
        image=image,
        image_alt="Teilnehmende im Plenum",
    )
)
for legal in (
    AccessibilityStatementPage(title="Erklärung zur Barrierefreiheit", slug="barrierefreiheit"),
    ImpressumPage(title="Impressum", slug="impressum", provider_name="Landkreis Frischhausen"),
    PrivacyNoticePage(title="Datenschutzerklärung", slug="datenschutz"),
):
    network.add_child(instance=legal)
network.calendar_page, network.directory_page, network.news_page = calendar, directory, news
network.save_revision().publish()
print("pages created:", Page.objects.count())
