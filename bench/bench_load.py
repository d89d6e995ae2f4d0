"""Registration rush on the production configuration: PostgreSQL, gunicorn, task worker.

500 people (distinct e-mail addresses, 50 at a time, each with its own cookies) open the
registration form of a training with 100 seats and a waitlist and send it, while calendar
clients poll the iCal feed (mostly with `If-None-Match`, answered 304) and people browse
the member directory. Spam checks that would refuse a machine (minimum fill time, rate
limit per address: all clients come from 127.0.0.1) are switched off via the environment.

Afterwards it checks, in the database and at the SMTP sink: confirmed == capacity, one
registration row per successful answer and no other rows, and exactly one e-mail per
person once the worker has drained the queue. Prints throughput, median and 99th
percentile per endpoint and the errors; it does not assert on timings.

    .venv/bin/python bench/run_all.py load
"""

import os
import threading
import time

from common import Figure
from loadkit import (
    Client,
    ProductionStack,
    Stats,
    create_event,
    register,
    registered_emails,
    registration_counts,
    rush,
    wait_until,
)
from smtp_sink import SMTPSink

NAME = "load"
# The full run; CI runs the same scenario scaled down through these variables
# (tests/production/test_load_run.py).
WORKERS = int(os.environ.get("LOAD_WORKERS", 4))
CAPACITY = int(os.environ.get("LOAD_CAPACITY", 100))
SUBMISSIONS = int(os.environ.get("LOAD_SUBMISSIONS", 500))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", 50))
CALENDAR_CLIENTS = 4
DIRECTORY_CLIENTS = 4
MAIL_TIMEOUT = 240
SOLO = int(os.environ.get("LOAD_SOLO", 20))


def _background(stop, stats, base_url, fn):
    client = Client(base_url, stats, timeout=30)
    state = {}
    while not stop.is_set():
        fn(client, state)
        stop.wait(0.2)


def _poll_calendar(client, state):
    headers = {"If-None-Match": state["etag"]} if state.get("etag") else {}
    endpoint = "feed (If-None-Match)" if headers else "feed"
    status, _, resp_headers = client.request(endpoint, "/veranstaltungen/ical/", headers=headers)
    if status == 200 and resp_headers.get("ETag"):
        state["etag"] = resp_headers["ETag"]


def _browse_directory(client, state):
    state["n"] = state.get("n", 0) + 1
    path = "/netzwerkpartner/" if state["n"] % 2 else "/netzwerkpartner/?page=2"
    client.request("directory", path)


def run():
    figures = []
    sink = SMTPSink().start()
    stack = ProductionStack(
        workers=WORKERS,
        smtp_port=sink.port,
        worker_nice=10,
        extra_env={
            "REGISTRATION_MIN_FILL_SECONDS": "0",
            "REGISTRATION_RATE_LIMIT": "off",
            "DB_CONN_MAX_AGE": "60",
        },
    )
    try:
        stack.prepare(["load_demo_data"])
        event_id, event_path = create_event(stack, CAPACITY, tag="rush")
        _, solo_path = create_event(stack, SOLO, tag="solo")
        stack.start_web().start_worker()

        # Baseline: one person at a time on an idle server (another event), so the rush's
        # latencies can be read as service time plus waiting for a free worker.
        solo = Stats()
        for number in range(SOLO):
            register(Client(stack.base_url, solo), solo_path, 90000 + number, "one at a time")
        solo.stop()

        stats = Stats()
        stop = threading.Event()
        background = [
            threading.Thread(target=_background, args=(stop, stats, stack.base_url, _poll_calendar))
            for _ in range(CALENDAR_CLIENTS)
        ] + [
            threading.Thread(
                target=_background, args=(stop, stats, stack.base_url, _browse_directory)
            )
            for _ in range(DIRECTORY_CLIENTS)
        ]
        for thread in background:
            thread.start()
        load_before = round(os.getloadavg()[0], 2)
        cpu_before = stack.cpu_seconds()
        started = time.perf_counter()
        results = rush(stack, event_path, stats, submissions=SUBMISSIONS, clients=CLIENTS)
        rush_seconds = time.perf_counter() - started
        cpu_after = stack.cpu_seconds()
        load_after = round(os.getloadavg()[0], 2)
        stop.set()
        for thread in background:
            thread.join(60)
        stats.stop()
        mail_started = time.perf_counter()

        ok = {email for email, status in results.items() if status == 302}
        counts = registration_counts(stack, event_id)
        rows = registered_emails(stack, event_id)
        lost = len(ok - set(rows))
        extra = len(rows) - len(ok & set(rows))

        drained = wait_until(lambda: ok <= set(sink.per_recipient), MAIL_TIMEOUT, interval=1)
        mail_seconds = time.perf_counter() - mail_started
        # The worker runs at a lower priority (`worker_nice`): part of
        # its work waits until after the rush. Its whole cost per e-mail, rush and drain:
        cpu_drained = stack.cpu_seconds()
        worker_per_mail = (cpu_drained["worker"] - cpu_before["worker"]) / max(len(ok), 1)
        time.sleep(2)  # anything still arriving would be a duplicate
        got = sink.per_recipient
        exactly_one = sum(1 for email in ok if got[email] == 1)
        duplicates = sum(max(got[email] - 1, 0) for email in ok)
        missing = sum(1 for email in ok if got[email] == 0)

        print(
            f"rush: {len(results)} submissions in {rush_seconds:.1f} s, {len(ok)} registered, "
            f"rows {counts}, lost {lost}, extra rows {extra}; e-mails "
            f"{'drained' if drained else 'NOT drained'} after {mail_seconds:.1f} s: "
            f"{exactly_one} exactly one, {missing} missing, {duplicates} duplicates"
        )
        # CPU seconds per person (GET + POST, and their share of the polling clients and
        # the mails sent meanwhile): what the rush costs, whatever else runs on the machine.
        cpu = {part: (cpu_after[part] - cpu_before[part]) / len(results) for part in cpu_after}
        print(
            "  CPU per registration: "
            + ", ".join(f"{part} {seconds * 1000:.1f} ms" for part, seconds in cpu.items())
            + f"; all {sum(cpu.values()) * 1000:.1f} ms"
        )
        print(f"  task worker CPU per e-mail (rush and drain): {worker_per_mail * 1000:.1f} ms")
        for row in solo.summary() + stats.summary():
            print(
                f"  {row['endpoint']:<24} {row['requests']:>5} req  "
                f"{row['throughput']:6.1f}/s  median {row['median_ms']:7.1f} ms  "
                f"p99 {row['p99_ms']:7.1f} ms  errors {row['errors']}  {row['statuses']}"
            )
            label = f"{row['endpoint']}"
            figures += [
                Figure(NAME, f"{label}: requests", row["requests"]),
                Figure(NAME, f"{label}: throughput", row["throughput"], "req/s"),
                Figure(NAME, f"{label}: median", row["median_ms"], "ms"),
                Figure(NAME, f"{label}: p99", row["p99_ms"], "ms"),
                Figure(NAME, f"{label}: errors", row["errors"]),
            ]
        all_requests = sum(len(v) for v in stats.samples.values())
        not_modified = stats.statuses.get("feed (If-None-Match)", {}).get(304, 0)
        figures += [
            Figure(
                NAME,
                f"rush duration: {SUBMISSIONS} people for {CAPACITY} seats, {WORKERS} gunicorn "
                "workers (goal < 20 s)",
                rush_seconds,
                "s",
            ),
            Figure(NAME, "machine load average (1 min) before the rush", load_before),
            Figure(NAME, "machine load average (1 min) after the rush", load_after),
            Figure(NAME, "rush: registrations per second", len(results) / rush_seconds, "/s"),
            *(
                Figure(NAME, f"rush: CPU per registration, {part}", seconds * 1000, "ms")
                for part, seconds in cpu.items()
            ),
            Figure(NAME, "rush: CPU per registration, all", sum(cpu.values()) * 1000, "ms"),
            Figure(NAME, "rush: all requests per second", all_requests / rush_seconds, "req/s"),
            Figure(NAME, "rush: answered OK (302)", len(ok)),
            Figure(NAME, f"confirmed (capacity {CAPACITY})", counts.get("confirmed", 0)),
            Figure(NAME, "waitlisted", counts.get("waitlisted", 0)),
            Figure(NAME, "lost (OK answer, no row)", lost),
            Figure(NAME, "rows without OK answer", extra),
            Figure(NAME, "feed 304 answers", not_modified),
            Figure(NAME, "e-mails: queue drained after rush", mail_seconds, "s"),
            Figure(NAME, "e-mails: task worker CPU per e-mail", worker_per_mail * 1000, "ms"),
            Figure(NAME, "e-mails: people with exactly one", exactly_one),
            Figure(NAME, "e-mails: people with none", missing),
            Figure(NAME, "e-mails: duplicates", duplicates),
        ]
    finally:
        stack.stop()
        sink.stop()
    return figures


if __name__ == "__main__":
    import sys

    from common import print_table

    sys.exit(print_table(run()))
