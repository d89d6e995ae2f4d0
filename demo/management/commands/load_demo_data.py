"""Build the demo network: the site frame, then each app's demo data, in order."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from demo import events as events_demo
from demo import external_calendars as external_demo
from demo import members as members_demo
from demo import news as news_demo
from demo import site as site_demo


class Command(BaseCommand):
    help = "Lädt ein realistisches Demo-Netzwerk (fiktive Namen). Mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=64, help="Anzahl Mitgliedsorganisationen"
        )
        parser.add_argument("--events", type=int, default=None, help="Anzahl Veranstaltungen")
        parser.add_argument(
            "--url",
            default=None,
            help="Adresse, unter der die Demo läuft (Host und Port der Wagtail-Site); "
            "Standard: WAGTAILADMIN_BASE_URL",
        )

    def handle(self, *args, **options):
        # Demo registrants are fictional: their confirmation e-mails go nowhere (the outbox
        # still records them), instead of flooding the console of `make demo`.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            home = site_demo.build_site(stdout=self.stdout, base_url=options["url"])
            members_demo.build(home, members=options["members"], stdout=self.stdout)
            events_demo.build(home, events=options["events"], stdout=self.stdout)
            if options["events"] is None:  # not in the bulk demo of benchmarks
                external_demo.build(home, stdout=self.stdout)
            news_demo.build(home, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo-Netzwerk geladen."))
