"""The member directory: SQL queries and median response time at 10 and 1000 members.

Builds the site frame and the demo members in a throwaway database (bench/common.py), then
requests the directory through Django's test client: unfiltered (first page) and with a
search plus the IseF filter (second page). The query count must be the same at both sizes.

    .venv/bin/python bench/run_all.py members
"""

import time

from common import Figure, count_queries, median_time, setup_django

SIZES = (10, 1000)
URL = "/netzwerkpartner/"
FILTERED = {"q": "beratung", "isef": "on", "page": "2"}


def run():
    setup_django()
    from django.test import Client

    from demo import members as demo
    from demo.site import build_site

    home = build_site()
    index = demo.build_index(home)
    client = Client()
    figures = []
    for size in SIZES:
        started = time.perf_counter()
        demo.build_members(index, size)
        built = time.perf_counter() - started
        client.get(URL)  # warm caches
        figures += [
            Figure("members", f"build members up to {size}", built, "s"),
            Figure(
                "members",
                f"directory queries, {size} members",
                count_queries(lambda: client.get(URL)),
            ),
            Figure(
                "members",
                f"directory median, {size} members",
                median_time(lambda: client.get(URL)),
                "ms",
            ),
            Figure(
                "members",
                f"filtered directory queries, {size} members",
                count_queries(lambda: client.get(URL, FILTERED)),
            ),
            Figure(
                "members",
                f"filtered directory median, {size} members",
                median_time(lambda: client.get(URL, FILTERED)),
                "ms",
            ),
        ]
    return figures
