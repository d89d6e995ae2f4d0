"""Registration rush across two application servers behind nginx, on one machine.

PostgreSQL, Redis (the shared cache: rate limits, calendars), two gunicorn instances on
their own ports and nginx in front (scripts/nginx.conf.template, as `make serve-prod` runs
it), the task worker under `nice -n 10`. 500 people, each from its own loopback address
(so the per-address rate limit stays on and is counted from the `X-Forwarded-For` nginx
sets), register through nginx for a training with 100 seats and a waitlist: the rush of
issue #11 (bench/bench_load.py), now across two application servers.

Checks in the database: confirmed == capacity, one row per OK answer and no other rows.
Prints the share of requests each application server answered (from their access logs),
requests/s through the proxy, CPU seconds per registration by part, and the compression
nginx applies to the home page. No timing assertions.

    .venv/bin/python bench/run_all.py scaleout
    SCALEOUT_SUBMISSIONS=200 SCALEOUT_CAPACITY=50 .venv/bin/python bench/run_all.py scaleout
"""

import os
import time
import urllib.request

from common import Figure
from loadkit import BASE_TREE, Stats, create_event, registered_emails, registration_counts
from proxykit import ScaleOutStack, rush
from smtp_sink import SMTPSink

NAME = "scaleout"
# The full run; tests/production/test_scaleout.py runs a smaller rush on the same stack.
APP_SERVERS = int(os.environ.get("SCALEOUT_APP_SERVERS", 2))
WORKERS = int(os.environ.get("SCALEOUT_WORKERS", 2))  # per application server
CAPACITY = int(os.environ.get("SCALEOUT_CAPACITY", 100))
SUBMISSIONS = int(os.environ.get("SCALEOUT_SUBMISSIONS", 500))
CLIENTS = int(os.environ.get("SCALEOUT_CLIENTS", 50))  # as bench_load


def home_page_bytes(base_url):
    """(bytes of the home page as sent, the same with `Accept-Encoding: gzip`, its
    Content-Encoding) through nginx."""
    sizes = []
    encoding = ""
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        request = urllib.request.Request(base_url + "/", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            if headers:
                encoding = response.headers.get("Content-Encoding", "")
        sizes.append(len(body))
    return sizes[0], sizes[1], encoding


def run():
    figures = []
    sink = SMTPSink().start()
    stack = ScaleOutStack(
        app_servers=APP_SERVERS,
        workers=WORKERS,
        smtp_port=sink.port,
        extra_env={"REGISTRATION_MIN_FILL_SECONDS": "0", "DB_CONN_MAX_AGE": "60"},
    )
    try:
        stack.prepare()
        stack.shell(BASE_TREE)
        event_id, event_path = create_event(stack, CAPACITY, tag="scaleout")
        stack.start_web().start_worker()
        plain, compressed, encoding = home_page_bytes(stack.base_url)

        before = stack.requests_per_app_server()
        stats = Stats()
        cpu_before = stack.cpu_seconds()
        started = time.perf_counter()
        results = rush(stack, event_path, stats, submissions=SUBMISSIONS, clients=CLIENTS)
        seconds = time.perf_counter() - started
        stats.stop()
        cpu_after = stack.cpu_seconds()
        time.sleep(0.5)  # gunicorn writes its access log line after the answer
        served = [a - b for a, b in zip(stack.requests_per_app_server(), before, strict=True)]

        ok = {email for email, status in results.items() if status == 302}
        counts = registration_counts(stack, event_id)
        rows = registered_emails(stack, event_id)
        lost = len(ok - set(rows))
        extra = len(rows) - len(ok & set(rows))
        requests = sum(len(v) for v in stats.samples.values())
        errors = sum(stats.errors.values())
        cpu = {part: (cpu_after[part] - cpu_before[part]) / len(results) for part in cpu_after}

        print(
            f"scale-out rush: {SUBMISSIONS} people for {CAPACITY} seats through nginx, "
            f"{APP_SERVERS} app servers x {WORKERS} workers: {len(ok)} OK, rows {counts}, "
            f"lost {lost}, extra rows {extra}, {seconds:.1f} s, "
            f"{requests / seconds:.1f} requests/s; per app server {served}; "
            f"home page {plain} B, {compressed} B {encoding or 'uncompressed'}"
        )
        print(
            "  CPU per registration: "
            + ", ".join(f"{part} {value * 1000:.1f} ms" for part, value in cpu.items())
        )
        total = sum(served) or 1
        figures += [
            Figure(
                NAME, f"rush: people ({CAPACITY} seats, {APP_SERVERS} app servers)", len(results)
            ),
            Figure(NAME, "rush: answered OK (302)", len(ok)),
            Figure(NAME, f"confirmed (capacity {CAPACITY})", counts.get("confirmed", 0)),
            Figure(NAME, "waitlisted", counts.get("waitlisted", 0)),
            Figure(NAME, "lost (OK answer, no row)", lost),
            Figure(NAME, "rows without OK answer", extra),
            Figure(NAME, "rows per OK answer", len(rows) / len(ok) if ok else 0),
            Figure(NAME, "rush: errors", errors),
            Figure(NAME, "rush: requests through nginx per second", requests / seconds, "req/s"),
            Figure(NAME, "rush: registrations per second", len(results) / seconds, "/s"),
            Figure(NAME, "rush duration", seconds, "s"),
            *(
                Figure(NAME, f"app server {n + 1}: share of requests", 100 * count / total, "%")
                for n, count in enumerate(served)
            ),
            *(
                Figure(NAME, f"rush: CPU per registration, {part}", value * 1000, "ms")
                for part, value in cpu.items()
            ),
            Figure(NAME, "home page through nginx", plain, "B"),
            Figure(
                NAME, f"home page through nginx, {encoding or 'not compressed'}", compressed, "B"
            ),
        ]
    finally:
        stack.stop()
        sink.stop()
    return figures


if __name__ == "__main__":
    from common import print_table

    print_table(run())
