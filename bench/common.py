"""Helpers shared by the benchmarks: Django set-up on a throwaway database, timing, the table."""

import os
import statistics
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Figure:
    benchmark: str
    measure: str
    value: float
    unit: str = ""

    def formatted(self):
        if isinstance(self.value, int) or float(self.value).is_integer():
            return f"{int(self.value)}"
        return f"{self.value:.3g}" if abs(self.value) < 100 else f"{self.value:.0f}"


_set_up = False


def setup_django(database_url=None):
    """Configure Django on a fresh SQLite file (or `database_url`) and migrate it once."""
    global _set_up
    if _set_up:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinderschutz_cms.settings.test")
    given = os.environ.get("DATABASE_URL")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif not given:
        path = os.path.join(tempfile.mkdtemp(prefix="kinderschutz-bench-"), "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    # The settings have read it; later benchmarks that start servers of their own
    # (PostgreSQL, gunicorn) must see the environment as the user gave it.
    if given is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = given
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _set_up = True


def median_time(fn, repeat=15, warmup=2):
    """Median wall time of `fn()` in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def count_queries(fn):
    """Number of SQL queries `fn()` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def print_table(figures):
    rows = [(f.benchmark, f.measure, f.formatted(), f.unit) for f in figures]
    header = ("benchmark", "measure", "value", "unit")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print(
            "  ".join(
                str(c).rjust(w) if i == 2 else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
