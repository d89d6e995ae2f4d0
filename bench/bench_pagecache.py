"""Requests/s of anonymous public pages with and without the shared page cache (issue #19).

The production stack of `make serve-prod` (gunicorn with 4 workers, PostgreSQL, Redis as
the shared cache; `loadkit.ProductionStack` with a throwaway redis-server started as
scripts/serve-prod.sh starts it) with the demo data, measured with `wrk` (8 connections,
`SECONDS` each) on the home page, the calendar and the registration form of an open
event: once with `KINDERSCHUTZ_PAGE_CACHE_SECONDS=0` (every request rendered), once with
the cache on (300 s). Requests/s and the server's CPU time per request (web workers,
task worker, PostgreSQL). Without `wrk` (scripts/system-deps.sh installs it) a Python client
with 8 threads stands in. Wall-clock figures: read them on a quiet machine.

    python bench/run_all.py pagecache
"""

import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from common import Figure  # noqa: E402
from loadkit import ProductionStack, create_event, free_port  # noqa: E402

NAME = "page cache (wrk -c8)"
SECONDS = 10
CONNECTIONS = 8
PAGES = {"home": "/", "calendar": "/veranstaltungen/"}


def start_redis():
    """A throwaway redis-server on a free loopback port (as scripts/serve-prod.sh)."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(50):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    return proc, url


def wrk(url) -> tuple[float, int]:
    """(requests/s, non-2xx/3xx answers) of `wrk -c8 -t2` for `SECONDS`."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def python_loop(url) -> tuple[float, int]:
    """The same with `CONNECTIONS` Python threads (when wrk is missing)."""
    counts, bad = [0] * CONNECTIONS, [0] * CONNECTIONS
    end = time.monotonic() + SECONDS

    def loop(i):
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
            except OSError:
                bad[i] += 1
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS, sum(bad)


def start_web(stack):
    """`stack.start_web()`, waiting longer on a busy machine (cold workers)."""
    try:
        return stack.start_web()
    except RuntimeError:
        if stack.web is None or stack.web.poll() is not None:
            raise
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(stack.base_url + "/", timeout=30).read()
            return stack
        except OSError:
            time.sleep(1)
    raise RuntimeError("gunicorn did not answer")


def server_cpu(stack) -> float:
    """CPU seconds used so far by the stack's processes (web, worker, database)."""
    return sum(v for k, v in stack.cpu_seconds().items() if k != "client")


def run():
    redis_proc, redis_url = start_redis()
    client = wrk if shutil.which("wrk") else python_loop
    figures = []
    first = ProductionStack(workers=4, extra_env={"REDIS_URL": redis_url})
    try:
        first.prepare(["load_demo_data"])
        _, event_path = create_event(first, 100, tag="pagecache")
        paths = {**PAGES, "registration form": event_path + "anmelden/"}
        for label_off, seconds in (("without cache", 0), ("with cache", 300)):
            stack = ProductionStack(
                workers=4,
                database_url=first.database_url,
                static_root=first.static_root,
                extra_env={
                    "REDIS_URL": redis_url,
                    "KINDERSCHUTZ_PAGE_CACHE_SECONDS": str(seconds),
                    "DB_CONN_MAX_AGE": "60",
                },
            )
            try:
                start_web(stack)
                for label, path in paths.items():
                    url = stack.base_url + path
                    for _ in range(3):  # warm: workers, frame cache, page cache
                        urllib.request.urlopen(url, timeout=30).read()
                    before = server_cpu(stack)
                    rate, bad = client(url)
                    cpu_ms = (server_cpu(stack) - before) * 1000 / max(rate * SECONDS, 1)
                    figures.append(Figure(NAME, f"{label}, {label_off}", round(rate, 1), "req/s"))
                    figures.append(
                        Figure(
                            NAME, f"{label}, {label_off}: server CPU", round(cpu_ms, 1), "ms/req"
                        )
                    )
                    if bad:
                        figures.append(Figure(NAME, f"{label}, {label_off}: errors", bad))
            finally:
                stack.stop()
    finally:
        first.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
    return figures


if __name__ == "__main__":
    from common import print_table

    print_table(run())
