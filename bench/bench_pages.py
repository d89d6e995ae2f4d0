"""Every public page type: SQL queries and median response time at 10 and 1000 members/events,
each beside the home page of a bare `wagtail start` project (issue #19: within 3×).

Builds one demo network on a Site of its own (home, content pages, directory, agreements,
calendar with trainings, a Fachtag with workshops and a network meeting, news, a
registration) in a throwaway database, then requests each public page type as an
anonymous visitor through Django's test client, after one warming request (as a running
site has its caches warm: the frame cache, content types, site root paths), with the
anonymous page cache off (`KINDERSCHUTZ_PAGE_CACHE_SECONDS=0`, as in the test settings):
every request is rendered. Then grows the network to 1000 members and 1000 events and
measures again: the query counts must not change (tests/site/test_query_budget.py pins
them).

The yardstick is `bare_wagtail.BareSite`: Wagtail's project template as `wagtail start`
makes it, with this Python, on SQLite, served by a subprocess. Each timed request of ours
is followed by one timed request of the bare home page, so both medians come from the
same seconds of a shared machine; "× bare" is the ratio of the two medians, "× bare
(CPU)" the ratio of the medians of the CPU time each process spent on its request
(`time.process_time`), which a busy machine disturbs less than the wall clock. "page cache
hit" is the same page with the page cache on, answered from it (for pages the cache
keeps; forms, search, personal pages and the 404 are rendered all the same and marked
"not kept").

    .venv/bin/python bench/run_all.py pages
    BENCH_PAGES=calendar .venv/bin/python bench/run_all.py pages  # only pages whose label
                                                                  # contains "calendar"
"""

import io
import os
import statistics
import time
from functools import partial

from bare_wagtail import BareSite
from common import Figure, count_queries, setup_django

SIZES = (10, 1000)
REPEAT, WARMUP = 15, 2
HOSTNAME = "bench-pages.test"
# Labels of the page types to time (comma-separated parts of a label; all when empty).
WANTED = [part for part in os.environ.get("BENCH_PAGES", "").split(",") if part]


def _network():
    """A home page on its own Site with the demo's content below it."""
    from wagtail.models import Page, Site

    from demo import events as events_demo
    from demo import news as news_demo
    from demo import publicbody as publicbody_demo
    from demo.site import CONTENT_PAGES
    from kinderschutz_cms.models import ContentPage, NetworkHomePage, NetworkSettings
    from members.models import MemberIndexPage

    root = Page.get_first_root_node()
    home = NetworkHomePage(title="Netzwerk Seiten", slug="bench-pages")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=HOSTNAME, port=80, root_page=home)
    pages = {}
    for slug, title, intro, in_menu in CONTENT_PAGES:
        page = ContentPage(title=title, slug=slug, intro=intro, show_in_menus=in_menu)
        page.body = [("paragraph", f"<p>{intro}</p>")]
        home.add_child(instance=page)
        page.save_revision().publish()
        pages[slug] = page
    network, _ = NetworkSettings.objects.update_or_create(
        site=site,
        defaults={
            "network_name": "Netzwerk Seiten",
            "coordination_email": "netzwerk@example.org",
            "reporting_page": pages["meldewege"],
        },
    )
    # Accessibility statement, Impressum, privacy notice, Leichte Sprache and DGS pages,
    # linked in the footer settings as in the demo.
    publicbody_demo.build(home, network, stdout=io.StringIO())
    directory = MemberIndexPage(title="Netzwerkpartner", slug="netzwerkpartner", show_in_menus=True)
    home.add_child(instance=directory)
    directory.save_revision().publish()
    calendar = events_demo.build(home)  # trainings, Fachtage, a meeting, registrations
    news_demo.build(home)
    return home, pages, directory, calendar


def _grow(home, directory, calendar, size):
    """Members and generated events up to `size` each (idempotent, adds the missing)."""
    from django.db import transaction

    from demo import events as events_demo
    from demo import members as members_demo
    from members.models import AgreementPage, MemberPage, Sector

    sectors = {s.slug: s for s in Sector.objects.all()}
    existing = set(MemberPage.objects.child_of(directory).values_list("slug", flat=True))
    with transaction.atomic():
        for spec in members_demo.member_specs(size):
            if spec["slug"] not in existing:
                directory.add_child(
                    instance=members_demo._member_page(spec, sectors.get(spec["sector"]))
                )
        members = list(MemberPage.objects.child_of(directory).order_by("path"))
        if not AgreementPage.objects.child_of(home).exists():
            members_demo.build_agreements(home, members)
        else:
            for agreement in AgreementPage.objects.child_of(home):
                members_demo._sign(agreement, members[::2], agreement.valid_from)
        events_demo.build(home, events=size)


def _urls(home, pages, directory, calendar):
    from events.models import FachtagPage, NetworkMeetingPage, TrainingPage
    from members.models import AgreementPage, MemberPage
    from news.models import NewsIndexPage, NewsPage
    from publicbody.models import (
        AccessibilityStatementPage,
        EasyLanguagePage,
        ImpressumPage,
        PrivacyNoticePage,
        SignLanguagePage,
    )
    from registrations.models import Registration
    from registrations.tokens import personal_path

    def url(page):
        return "/" + page.url_path.removeprefix(home.url_path)

    training = (
        TrainingPage.objects.child_of(calendar)
        .live()
        .filter(registration_enabled=True)
        .order_by("path")
        .first()
    )
    fachtag = FachtagPage.objects.child_of(calendar).live().order_by("path").first()
    meeting = NetworkMeetingPage.objects.child_of(calendar).live().first()
    news_index = NewsIndexPage.objects.child_of(home).get()
    registration = Registration.objects.filter(event__in=[training]).order_by("pk").first()
    return {
        "home page": ("/", {}),
        "content page": (url(pages["meldewege"]), {}),
        "member directory": (url(directory), {}),
        "member directory, filtered": (url(directory), {"q": "beratung", "isef": "on"}),
        "member page": (url(MemberPage.objects.child_of(directory).first()), {}),
        "agreement page": (url(AgreementPage.objects.child_of(home).last()), {}),
        "calendar": (url(calendar), {}),
        "calendar, filtered": (url(calendar), {"zielgruppe": "kita"}),
        "calendar archive": (url(calendar) + "archiv/", {}),
        "training page": (url(training), {}),
        "Fachtag page": (url(fachtag), {}),
        "network meeting page": (url(meeting), {}),
        "registration form": (url(training) + "anmelden/", {}),
        "Fachtag registration form": (url(fachtag) + "anmelden/", {}),
        "personal registration page": (personal_path(registration), {}),
        "news index": (url(news_index), {}),
        "news article": (url(NewsPage.objects.child_of(news_index).first()), {}),
        "search": ("/suche/", {"q": "Kinderschutz"}),
        "accessibility statement": (
            url(AccessibilityStatementPage.objects.child_of(home).get()),
            {},
        ),
        "Impressum": (url(ImpressumPage.objects.child_of(home).get()), {}),
        "privacy notice": (url(PrivacyNoticePage.objects.child_of(home).get()), {}),
        "Leichte Sprache": (url(EasyLanguagePage.objects.child_of(home).get()), {}),
        "Gebärdensprache": (url(SignLanguagePage.objects.child_of(home).get()), {}),
        "404 page": ("/gibt-es-nicht/", {}),
    }


def paired(get, bare):
    """Medians (ms) of `get()` and of the bare home page, timed in turns: ((ours wall,
    ours CPU), (bare wall, bare CPU)). CPU time is the process's own (`process_time`),
    which other processes on a busy machine disturb less than the wall clock."""
    for _ in range(WARMUP):
        get()
        bare.time(1)
    ours, theirs = [], []
    for _ in range(REPEAT):
        started, cpu = time.perf_counter(), time.process_time()
        get()
        ours.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        theirs.extend(bare.time(1))
    return _medians(ours), _medians(theirs)


def _medians(samples):
    wall, cpu = zip(*samples, strict=True)
    return statistics.median(wall), statistics.median(cpu)


def run():
    setup_django()
    from django.test import Client
    from django.test.utils import override_settings

    from kinderschutz_cms.page_cache import HIT_HEADER

    figures = []
    with override_settings(ALLOWED_HOSTS=["*"]), BareSite() as bare:
        home, pages, directory, calendar = _network()
        client = Client(HTTP_HOST=HOSTNAME)
        for size in SIZES:
            _grow(home, directory, calendar, size)
            name = f"pages ({size} members/events)"
            bare_medians = []
            for label, (url, params) in _urls(home, pages, directory, calendar).items():
                if WANTED and not any(part in label for part in WANTED):
                    continue
                get = partial(client.get, url, params)
                status = get().status_code  # warm caches
                assert status == (404 if label == "404 page" else 200), (label, url, status)
                (ours, ours_cpu), (theirs, theirs_cpu) = paired(get, bare)
                bare_medians.append((theirs, theirs_cpu))
                figures.append(Figure(name, f"{label}: queries", count_queries(get)))
                figures.append(Figure(name, f"{label}: median", ours, "ms"))
                figures.append(Figure(name, f"{label}: × bare", ours / theirs))
                figures.append(Figure(name, f"{label}: median CPU", ours_cpu, "ms"))
                figures.append(Figure(name, f"{label}: × bare (CPU)", ours_cpu / theirs_cpu))
                with override_settings(KINDERSCHUTZ_PAGE_CACHE_SECONDS=300):
                    kept = get().get(HIT_HEADER) == "hit" or get().get(HIT_HEADER) == "hit"
                    (cached, _), _ = paired(get, bare)
                state = "hit" if kept else "not kept"
                figures.append(Figure(name, f"{label}: page cache {state}", cached, "ms"))
            wall, cpu = _medians(bare_medians)
            figures.append(Figure(name, "bare `wagtail start` home: queries", bare.queries()))
            figures.append(Figure(name, "bare `wagtail start` home: median", wall, "ms"))
            figures.append(Figure(name, "bare `wagtail start` home: median CPU", cpu, "ms"))
    return figures
