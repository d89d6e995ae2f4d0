"""Peak memory of building one calendar feed, measured in a process of its own.

Run by bench_events.py: `python bench/feed_memory.py HOST PATH EVENT_ID` with DATABASE_URL
set to the benchmark's database. Prints JSON, in MiB: `build`, the peak of memory allocated
while the feed was built and consumed (streamed or not) with nothing cached, as
tracemalloc counts it from just before the request, i.e. the build's own (with the
per-process cache of the benchmark, the entries it stores count too; Redis holds them
elsewhere); `warm`, the same with the entries cached and event EVENT_ID changed; `rss`,
the process's peak RSS (getrusage) at the end, which also holds Python, Django and
SQLite's page cache and WAL index; and the feed's size.
"""

import json
import os
import resource
import sys
import tracemalloc


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(host, path, changed):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinderschutz_cms.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from events import feed_cache
    from events.models import EventPage

    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client(HTTP_HOST=host)
        # Warm up (imports, routing, the version query) without building: "*" matches.
        assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == 304
        cache.clear()
        build, size = measured(client, path)
        EventPage.objects.filter(pk=int(changed)).update(last_published_at=timezone.now())
        feed_cache.invalidate()
        warm, _ = measured(client, path)
    print(json.dumps({"build": build, "warm": warm, "rss": peak_mib(), "size": size / 2**20}))


def measured(client, path):
    """(peak MiB allocated while the feed was answered and read, its size in bytes)."""
    tracemalloc.start()
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    chunks = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in chunks)
    del response, chunks
    build = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return build, size


if __name__ == "__main__":
    main(*sys.argv[1:])
