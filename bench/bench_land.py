"""A Land in one installation (issue #19): 50 networks, each its own Wagtail site, side by
side with one network (the small size, 1/50), on SQLite and on PostgreSQL.

**Two databases, measured interleaved.** The data sets are made by
`landkit.build_networks` (bulk creation, reference index built once): the *small* database
holds network 1 alone, the *Land* database networks 1 … 50 (their generation is timed).
Both are built the same way on a freshly migrated database, so network 1 has the same pages
(and ids) in both: the ratio Land ÷ small shows what grows with the installation, not with
the network. Each database is served by a worker process of its own (`bench_land.py worker
N`, which builds its N networks and then answers one request per command on a pipe), and the
parent measures the two alternately, request by request (small, Land, Land, small, …). A
process that starts on the machine in between thus slows both sizes alike: the previous
design measured the Land minutes after the small size in the same database, and one busy
minute made every public page look 1.6× slower.

**CPU time as well as wall time.** Per request: the wall time, and the CPU time spent on it:
`time.process_time()` of the worker (Django, and SQLite, which runs in-process) plus, on
PostgreSQL, the CPU of the server backend that serves the worker's connection (local
server: `SELECT pg_backend_pid()`, then its `/proc/<pid>/schedstat` run time in ns before
and after; `/proc/<pid>/stat`'s utime + stime in clock ticks where schedstat is missing,
whose 10 ms steps are coarse for a 20 ms request). CPU time hardly depends on what else runs
on the machine, so "Land ÷ small, CPU" is the firm ratio; the wall ratio is printed beside it,
with the load average before and after each database's measurement. The cache is cleared
before each request, outside the timed span (nothing answered from a cache built by the
request before).

Per operation: median of 5 requests through Django's test client (after one warm-up request
per worker and one that counts the queries and bytes), the number of queries, the bytes of
the response and the bytes nginx would send (`make serve-prod` compresses at gzip level 5
what is at least 1 KB and of a listed type: scripts/nginx.conf.template); public pages as an
anonymous visitor of network 1's host, admin screens as a superuser (who sees all 50
networks), both feeds built afresh. The table is printed per database; the figures go into
`make bench`'s table too. Queries and bytes are firm; CPU time nearly so; wall times are
indicative on a loaded machine.

    .venv/bin/python bench/run_all.py land
    BENCH_LAND_SCALE=0.1 .venv/bin/python bench/run_all.py land    # 5 networks, quick
    BENCH_LAND_DATABASES=sqlite .venv/bin/python bench/run_all.py land

SQLite: each worker on a throwaway file of its own. PostgreSQL: both databases on one
throwaway server (`loadkit.PostgresServer`), skipped if PostgreSQL is not installed.
"""

import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext

HERE = os.path.dirname(os.path.abspath(__file__))
NETWORKS = 50
REPEAT = 5
# What nginx compresses (scripts/nginx.conf.template: gzip_types, text/html always).
GZIP_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "text/calendar",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "text/plain",
    "image/svg+xml",
}
GZIP_LEVEL = 5
GZIP_MIN_LENGTH = 1024


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


def gzip_size(body, content_type):
    """Bytes nginx sends for `body` to a client that accepts gzip (see GZIP_TYPES)."""
    if len(body) < GZIP_MIN_LENGTH or content_type.split(";")[0].strip() not in GZIP_TYPES:
        return len(body)
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL))


class BackendCPU:
    """CPU seconds of the PostgreSQL backend serving Django's connection (0 on SQLite,
    whose work is in the worker's own process time)."""

    def __init__(self, connection):
        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"

    def pid(self):
        if not self.postgresql:
            return None
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    @staticmethod
    def seconds(pid):
        if pid is None:
            return 0.0
        try:  # run time in ns, exact
            with open(f"/proc/{pid}/schedstat") as f:
                return int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
        with open(f"/proc/{pid}/stat") as f:  # utime + stime, in clock ticks
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(networks):
    """Worker: build `networks` networks on this process's database, print a JSON line with
    what was built, then answer commands `<what> <operation number>` on stdin, one JSON line
    each on stdout (what: warm, count, time)."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr  # nothing else may write to the protocol's pipe
    sys.path.insert(0, os.path.dirname(HERE))
    sys.path.insert(0, HERE)
    from common import setup_django

    setup_django()
    import landkit
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import verify_second_factor

    def log(text):
        size = "small" if networks == 1 else f"Land, {networks} networks"
        print(f"  land ({size}): {text}", file=sys.stderr, flush=True)

    admin = get_user_model().objects.create_superuser("bench-land", "land@example.org", "x")
    admin_client = Client()
    admin_client.force_login(admin)
    verify_second_factor(admin_client, admin)  # the admin asks for a second factor

    started = time.perf_counter()
    built = landkit.build_networks(1, networks, log=log if networks > 10 else None)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    landkit.index_networks(built)
    index_seconds = time.perf_counter() - started
    log(f"built in {build_seconds:.1f} s, reference index in {index_seconds:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    operations = _operations(built[0])
    clients = {}
    backend = BackendCPU(connection)
    protocol.write(
        json.dumps(
            {
                "vendor": connection.vendor,
                "counts": landkit.counts(),
                "build_seconds": build_seconds + index_seconds,
                "index_seconds": index_seconds,
                "operations": [op[:3] for op in operations],
            }
        )
        + "\n"
    )

    for line in sys.stdin:
        what, number = line.split()
        group, label, url, host = operations[int(number)]
        client = admin_client
        if host is not None:
            client = clients.setdefault(host, Client(HTTP_HOST=host))
        cache.clear()
        pid = backend.pid()
        # Only the counting request records its queries; timed requests run unobserved.
        observed = CaptureQueriesContext(connection) if what == "count" else nullcontext()
        with observed as queries:
            wall = time.perf_counter()
            cpu = time.process_time()
            server = backend.seconds(pid)
            response = client.get(url)
            body = _body(response)
            server = backend.seconds(pid) - server
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
        assert response.status_code == 200, (url, response.status_code)
        answer = {"wall_ms": wall * 1000, "cpu_ms": (cpu + server) * 1000, "db_cpu_ms": server}
        if what == "count":
            answer.update(
                queries=len(queries.captured_queries),
                bytes=len(body),
                gzip_bytes=gzip_size(body, response.get("Content-Type", "")),
            )
        if backend.pid() != pid:  # the connection was replaced: its CPU is not counted
            answer["cpu_ms"] = None
        protocol.write(json.dumps(answer) + "\n")


class Worker:
    """A `serve` process for `networks` networks on the database `env` names."""

    def __init__(self, networks, env):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "bench_land.py"), "worker", str(networks)],
            env=env,
            cwd=os.path.dirname(HERE),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.info = self._read()

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"land worker ended (exit code {self.process.wait()})")
        return json.loads(line)

    def ask(self, what, number):
        self.process.stdin.write(f"{what} {number}\n")
        return self._read()

    def stop(self):
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _median(samples):
    values = [s for s in samples if s is not None]
    return statistics.median(values) if values else float("nan")


def measure_interleaved(small, land):
    """Per operation, both workers' figures; the requests alternate between the sizes."""
    results = {"small": {}, "land": {}}
    workers = {"small": small, "land": land}
    for number, (group, label, url) in enumerate(small.info["operations"]):
        samples = {size: {"wall_ms": [], "cpu_ms": []} for size in workers}
        counted = {}
        for what in ("warm", "count"):
            for size, worker in workers.items():
                counted[size] = worker.ask(what, number)
        for repeat in range(REPEAT):
            order = ("small", "land") if repeat % 2 == 0 else ("land", "small")
            for size in order:
                answer = workers[size].ask("time", number)
                for key in ("wall_ms", "cpu_ms"):
                    samples[size][key].append(answer[key])
        for size in workers:
            results[size][label] = {
                "group": group,
                "url": url,
                "ms": _median(samples[size]["wall_ms"]),
                "cpu_ms": _median(samples[size]["cpu_ms"]),
                "queries": counted[size]["queries"],
                "bytes": counted[size]["bytes"],
                "gzip_bytes": counted[size]["gzip_bytes"],
            }
    return results


def measure_database(small_env, land_env):
    """Start both workers (the small one first: its build does not overlap the Land's
    timed generation), measure them interleaved; a dict for the table and the figures."""
    workers = []
    try:
        workers.append(Worker(1, small_env))
        workers.append(Worker(_networks(), land_env))
        small, land = workers
        load_before = os.getloadavg()
        print(f"  land: measuring, load average {_load(load_before)}", file=sys.stderr)
        results = measure_interleaved(small, land)
        load_after = os.getloadavg()
        print(f"  land: measured, load average {_load(load_after)}", file=sys.stderr)
    finally:
        for worker in workers:
            worker.stop()
    return {
        "vendor": land.info["vendor"],
        "small": results["small"],
        "land": results["land"],
        "small_counts": small.info["counts"],
        "land_counts": land.info["counts"],
        "build_seconds": land.info["build_seconds"],
        "index_seconds": land.info["index_seconds"],
        "load_before": load_before,
        "load_after": load_after,
    }


def _load(load):
    return " ".join(f"{value:.2f}" for value in load)


def _ratio(land, small):
    return land / small if small else float("nan")


def _print_side_by_side(data):
    counts = data["land_counts"]
    small_counts = data["small_counts"]
    print(
        f"\nLand ({data['vendor']}): {counts['sites']} sites, {counts['members']} members, "
        f"{counts['events']} events, {counts['dates']} dates, {counts['registrations']} "
        f"registrations, {counts['signatures']} signatures; built in "
        f"{data['build_seconds']:.0f} s (reference index {data['index_seconds']:.0f} s). "
        f"Small: {small_counts['sites']} sites, {small_counts['events']} events, a database "
        f"of its own, measured interleaved with the Land. Load average (1, 5, 15 min) "
        f"{_load(data['load_before'])} before, {_load(data['load_after'])} after. "
        "CPU: worker process"
        + (" + PostgreSQL backend" if data["vendor"] == "postgresql" else " (SQLite in it)")
        + "; gz: as nginx sends it."
    )
    header = (
        "operation",
        "small ms",
        "CPU",
        "q",
        "KB",
        "Land ms",
        "CPU",
        "q",
        "KB",
        "gz KB",
        "Land÷small wall",
        "CPU",
    )
    rows = []
    for label, land in data["land"].items():
        small = data["small"][label]
        rows.append(
            (
                f"{land['group']}: {label}",
                f"{small['ms']:.1f}",
                f"{small['cpu_ms']:.1f}",
                str(small["queries"]),
                f"{small['bytes'] / 1024:.0f}",
                f"{land['ms']:.1f}",
                f"{land['cpu_ms']:.1f}",
                str(land["queries"]),
                f"{land['bytes'] / 1024:.0f}",
                f"{land['gzip_bytes'] / 1024:.1f}",
                f"{_ratio(land['ms'], small['ms']):.2f}",
                f"{_ratio(land['cpu_ms'], small['cpu_ms']):.2f}",
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
        Figure(name, "generation of the Land (bulk, index once)", data["build_seconds"], "s"),
        Figure(name, "load average (1 min) while measuring", data["load_after"][0], ""),
    ]
    for label, land in data["land"].items():
        small = data["small"][label]
        figures += [
            Figure(name, f"{label}: Land, wall", land["ms"], "ms"),
            Figure(name, f"{label}: Land, CPU", land["cpu_ms"], "ms"),
            Figure(name, f"{label}: Land ÷ small, wall", _ratio(land["ms"], small["ms"]), "x"),
            Figure(
                name,
                f"{label}: Land ÷ small, CPU",
                _ratio(land["cpu_ms"], small["cpu_ms"]),
                "x",
            ),
            Figure(name, f"{label}: queries small → Land", land["queries"] - small["queries"], "Δ"),
            Figure(name, f"{label}: Land size", land["bytes"] / 1024, "KB"),
            Figure(name, f"{label}: Land size, gzip", land["gzip_bytes"] / 1024, "KB"),
        ]
    return figures


def run():
    sys.path.insert(0, HERE)
    import loadkit

    wanted = os.environ.get("BENCH_LAND_DATABASES", "sqlite,postgresql").split(",")
    figures = []
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if "sqlite" in wanted:
        data = measure_database(env, env)  # each worker makes a throwaway file of its own
        _print_side_by_side(data)
        figures += _figures(data)
    if "postgresql" in wanted:
        try:
            server = loadkit.PostgresServer().start()
        except RuntimeError as error:
            print(f"land: PostgreSQL skipped ({error})", file=sys.stderr)
            return figures
        try:
            small_url = server.create_database("land_small")
            data = measure_database(
                dict(env, DATABASE_URL=small_url), dict(env, DATABASE_URL=server.url)
            )
        finally:
            server.cleanup()
        _print_side_by_side(data)
        figures += _figures(data)
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        serve(int(sys.argv[2]))
    else:
        sys.path.insert(0, HERE)
        from common import print_table

        print_table(run())
