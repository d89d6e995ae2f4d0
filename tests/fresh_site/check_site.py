# Run with `manage.py shell < check_site.py` after make_pages.py: every page of the network,
# the iCal feed and the registration form render (200, their content) in the fresh site,
# the host's own home page still does, and the wheel's static files and catalogues are found.
import icalendar
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

failures = []


def check(label, condition):
    print(("ok   " if condition else "FAIL ") + label)
    if not condition:
        failures.append(label)


network = Client(HTTP_HOST="netzwerk.localhost")
PAGES = {
    "/": "Netzwerk Frischhausen",
    "/veranstaltungen/": "Gewichtige Anhaltspunkte erkennen",
    "/veranstaltungen/anhaltspunkte/": "Gewichtige Anhaltspunkte erkennen",
    "/veranstaltungen/anhaltspunkte/anmelden/": 'name="email"',
    "/netzwerkpartner/": "Kita Sonnenschein",
    "/netzwerkpartner/kita-sonnenschein/": "Frischhausen",
    "/aktuelles/": "Neue Fortbildungen",
    "/aktuelles/neue-fortbildungen/": "Das Programm für das zweite Halbjahr steht.",
    "/aktuelles/rss/": "<item>",
    "/suche/?q=Sonnenschein": "Kita Sonnenschein",
    "/barrierefreiheit/": "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
    "/impressum/": "Landkreis Frischhausen",
    "/datenschutz/": "Art. 77",  # the host site may speak English
    "/barriere-melden/": 'name="description"',
}
for url, expected in PAGES.items():
    try:
        response = network.get(url)
        html = response.content.decode()
        check(f"{url} 200 with {expected!r}", response.status_code == 200 and expected in html)
        if "rss" not in url:
            check(f"{url} framed by the host's base.html", "hostsite.css" in html)
    except Exception as error:  # a missing template: report it and go on with the others
        check(f"{url} renders ({type(error).__name__}: {error})", False)

try:
    feed = network.get("/veranstaltungen/ical/")
    calendar = icalendar.Calendar.from_ical(feed.content)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    check(
        "iCal feed 200, text/calendar, with the training",
        feed.status_code == 200
        and feed["Content-Type"].startswith("text/calendar")
        and summaries == ["Gewichtige Anhaltspunkte erkennen"],
    )
except Exception as error:
    check(f"iCal feed ({type(error).__name__}: {error})", False)

host = Client().get("/")
check("the host's own home page still renders", host.status_code == 200)
check("the host's own search keeps its URL name", reverse("search") == "/search/")
check("static file found", bool(finders.find("kinderschutz_cms/css/site.css")))
with translation.override("en"):
    check("English catalogue of the wheel", translation.gettext("Veranstaltungen") == "Events")

if failures:
    raise SystemExit(f"fresh site: {len(failures)} check(s) failed: {failures}")
print("fresh site: all checks passed")
