"""A Land in one installation (issue #19): 50 networks, each its own Wagtail site, side by
side with one network (the small size, 1/50), on SQLite and on PostgreSQL.

The data set is made by `landkit.build_networks` (bulk creation, reference index built
once): first network 1 alone, measured; then networks 2 … 50 are added (timed: the
generation of the Land) and network 1 is measured again. Both sizes are thus the same
pages of the same site, with 49 other networks beside them, so the ratio Land ÷ small shows
what grows with the installation, not with the network.

Per operation: median time of 5 requests through Django's test client, the cache cleared
before each (nothing answered from a cache built by the request before), the number of
queries and the bytes of the response; public pages as an anonymous visitor of network 1's
host, admin screens as a superuser (who sees all 50 networks), both feeds built afresh. The
table is printed per database; the figures go into `make bench`'s table too. Times are
indicative on a loaded machine; queries and bytes are firm.

    .venv/bin/python bench/run_all.py land
    BENCH_LAND_SCALE=0.1 .venv/bin/python bench/run_all.py land    # 5 networks, quick
    BENCH_LAND_DATABASES=sqlite .venv/bin/python bench/run_all.py land

Each database is measured in a process of its own (`bench_land.py measure`, DATABASE_URL
set), PostgreSQL on a throwaway server (`loadkit.PostgresServer`), skipped if PostgreSQL
is not installed.
"""

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NETWORKS = 50
REPEAT = 5


def _networks():
    scale = float(os.environ.get("BENCH_LAND_SCALE", "1"))
    return max(2, round(NETWORKS * scale))


def _operations(network):
    """(group, label, url, host or None for the admin) of every measured operation."""
    from wagtail.models import Page

    home = network.home
    pages = Page.objects.in_bulk([network.event_ids[len(network.event_ids) // 2]])
    event = next(iter(pages.values()))
    member = Page.objects.get(pk=network.member_ids[0])
    article = Page.objects.get(pk=network.news_ids[0])

    def local(page):
        return "/" + page.url_path.removeprefix(home.url_path)

    calendar = local(network.calendar)
    host = network.hostname
    return [
        ("public", "home", "/", host),
        ("public", "calendar", calendar, host),
        ("public", "event", local(event), host),
        ("public", "registration form", local(event) + "anmelden/", host),
        ("public", "directory", local(network.directory), host),
        ("public", "member page", local(member), host),
        ("public", "agreement page", local(network.agreement), host),
        ("public", "news index", local(network.news_index), host),
        ("public", "news article", local(article), host),
        ("admin", "dashboard", "/admin/", None),
        ("admin", "page explorer (calendar)", f"/admin/pages/{network.calendar.pk}/", None),
        ("admin", "event listing", "/admin/events/list/", None),
        ("admin", "registration listing", "/admin/registrations/", None),
        ("admin", "member listing", "/admin/members/list/", None),
        ("admin", "signature listing", "/admin/members/signatures/", None),
        ("feed", "feed, full", calendar + "ical/", host),
        ("feed", "feed, by audience", calendar + "ical/?zielgruppe=eltern-land", host),
    ]


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _measure(operations, admin_client):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for group, label, url, host in operations:
        client = admin_client if host is None else Client(HTTP_HOST=host)

        def get(client=client, url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return _body(response)

        get()  # warm up the process (imports, compiled templates), not the cache
        with CaptureQueriesContext(connection) as queries:
            size = len(get())
        count = len(queries.captured_queries)  # before the next request resets the log
        samples = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            get()
            samples.append((time.perf_counter() - started) * 1000)
        results[label] = {
            "group": group,
            "url": url,
            "ms": statistics.median(samples),
            "queries": count,
            "bytes": size,
        }
    return results


def measure():
    """In this process: build network 1, measure, add the others, measure; print JSON."""
    sys.path.insert(0, os.path.dirname(HERE))
    sys.path.insert(0, HERE)
    from common import setup_django

    setup_django()
    import landkit
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    def log(text):
        print(f"  land: {text}", file=sys.stderr, flush=True)

    total = _networks()
    admin = get_user_model().objects.create_superuser("bench-land", "land@example.org", "x")
    admin_client = Client()
    admin_client.force_login(admin)
    from tests.conftest import verify_second_factor

    verify_second_factor(admin_client, admin)  # the admin asks for a second factor

    started = time.perf_counter()
    (first,) = landkit.build_networks(1, 1)
    landkit.index_networks([first])
    small_build = time.perf_counter() - started
    log(f"small size built in {small_build:.1f} s")
    operations = _operations(first)
    small = _measure(operations, admin_client)
    small_counts = landkit.counts()

    started = time.perf_counter()
    others = landkit.build_networks(2, total - 1, log=log if total > 10 else None)
    built = time.perf_counter() - started
    started = time.perf_counter()
    landkit.index_networks(others)
    indexed = time.perf_counter() - started
    log(f"Land built in {built:.1f} s, reference index in {indexed:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    land = _measure(operations, admin_client)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "small": small,
                "land": land,
                "small_counts": small_counts,
                "land_counts": landkit.counts(),
                "build_seconds": small_build + built + indexed,
                "index_seconds": indexed,
            }
        )
    )


def _run_measure(env):
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "bench_land.py"), "measure"],
        env=env,
        cwd=os.path.dirname(HERE),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _print_side_by_side(data):
    counts = data["land_counts"]
    small_counts = data["small_counts"]
    print(
        f"\nLand ({data['vendor']}): {counts['sites']} sites, {counts['members']} members, "
        f"{counts['events']} events, {counts['dates']} dates, {counts['registrations']} "
        f"registrations, {counts['signatures']} signatures; built in "
        f"{data['build_seconds']:.0f} s (reference index {data['index_seconds']:.0f} s). "
        f"Small: {small_counts['sites']} site, {small_counts['events']} events."
    )
    header = ("operation", "small ms", "q", "KB", "Land ms", "q", "KB", "Land÷small")
    rows = []
    for label, land in data["land"].items():
        small = data["small"][label]
        rows.append(
            (
                f"{land['group']}: {label}",
                f"{small['ms']:.1f}",
                str(small["queries"]),
                f"{small['bytes'] / 1024:.0f}",
                f"{land['ms']:.1f}",
                str(land["queries"]),
                f"{land['bytes'] / 1024:.0f}",
                f"{land['ms'] / small['ms']:.2f}",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print()


def _figures(data):
    from common import Figure

    name = f"land ({data['vendor']}, 1 → {data['land_counts']['sites']} sites)"
    figures = [
        Figure(name, "generation of the Land (bulk, index once)", data["build_seconds"], "s")
    ]
    for label, land in data["land"].items():
        small = data["small"][label]
        figures += [
            Figure(name, f"{label}: small / Land", small["ms"], "ms"),
            Figure(name, f"{label}: Land", land["ms"], "ms"),
            Figure(name, f"{label}: Land ÷ small", land["ms"] / small["ms"], "x"),
            Figure(name, f"{label}: queries small → Land", land["queries"] - small["queries"], "Δ"),
            Figure(name, f"{label}: Land size", land["bytes"] / 1024, "KB"),
        ]
    return figures


def run():
    sys.path.insert(0, HERE)
    import loadkit

    wanted = os.environ.get("BENCH_LAND_DATABASES", "sqlite,postgresql").split(",")
    figures = []
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if "sqlite" in wanted:
        data = _run_measure(env)
        _print_side_by_side(data)
        figures += _figures(data)
    if "postgresql" in wanted:
        try:
            server = loadkit.PostgresServer().start()
        except RuntimeError as error:
            print(f"land: PostgreSQL skipped ({error})", file=sys.stderr)
            return figures
        try:
            data = _run_measure(dict(env, DATABASE_URL=server.url))
        finally:
            server.cleanup()
        _print_side_by_side(data)
        figures += _figures(data)
    return figures


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        sys.path.insert(0, HERE)
        from common import print_table

        print_table(run())
