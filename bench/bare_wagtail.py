"""The yardstick of issue #19: the home page of a bare `wagtail start` project.

`BareSite` makes one with Wagtail's own project template, untouched (`wagtail start`, run
with this very Python, so the same Wagtail and Django: its `home` app with `HomePage` and
`home/welcome_page.html`, the page created by the template's migration), in a temporary
folder, and keeps it running in a subprocess that answers its home page on request, so
that bench_pages.py can time it in turns with each of our pages: every timing of ours has
one of the bare page taken right beside it, and a busy machine slows both alike.

What differs from the template: a settings module beside its `dev.py` takes the
template's `base.py` as it is and changes only what our bench settings
(`kinderschutz_cms.settings.test`) change as well: `DEBUG = False` (template debugging and
query logging off, as in production) and any host allowed. The database is the template's
own SQLite file. Requests go through Django's test client as ours do: an anonymous GET of
"/" after one warming request.

    python bench/bare_wagtail.py     # prints the median of 15 and the queries
"""

import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SETTINGS = """\
from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "bench-only-insecure-key"
"""


def _serve():
    """In the generated project (cwd, DJANGO_SETTINGS_MODULE set): migrate, then answer
    one line per command on stdin: a number n (time n requests, reply their wall and
    CPU times in ms) or "queries" (reply the queries of one request)."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    import wagtail
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False)
    client = Client()
    response = client.get("/")  # warm
    assert response.status_code == 200, response.status_code
    assert b"Welcome to your new Wagtail site" in response.content
    print(json.dumps({"ready": wagtail.__version__}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "queries":
            with CaptureQueriesContext(connection) as queries:
                client.get("/")
            reply = len(queries.captured_queries)
        else:
            reply = []
            for _ in range(int(command)):
                started, cpu = time.perf_counter(), time.process_time()
                client.get("/")
                reply.append(
                    (
                        (time.perf_counter() - started) * 1000,
                        (time.process_time() - cpu) * 1000,
                    )
                )
        print(json.dumps(reply), flush=True)


class BareSite:
    """A bare `wagtail start` project in a subprocess; `time(n)` times n requests of its
    home page ((wall, CPU) ms each), `queries()` counts one request's queries. Use as a context
    manager: the folder and the process go when it ends."""

    def __enter__(self):
        self.work = tempfile.mkdtemp(prefix="bare-wagtail-")
        subprocess.run(
            [sys.executable, "-m", "wagtail.bin.wagtail", "start", "bare", self.work],
            check=True,
            capture_output=True,
        )
        (pathlib.Path(self.work) / "bare" / "settings" / "bench.py").write_text(SETTINGS)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bare.settings.bench",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            cwd=self.work,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.wagtail = self._read()["ready"]
        return self

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the bare wagtail site stopped")
        return json.loads(line)

    def _ask(self, command):
        self.process.stdin.write(f"{command}\n")
        self.process.stdin.flush()
        return self._read()

    def time(self, n=1) -> list[tuple[float, float]]:
        return [tuple(sample) for sample in self._ask(n)]

    def queries(self) -> int:
        return self._ask("queries")

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        _serve()
    else:
        with BareSite() as bare:
            bare.time(2)
            wall, cpu = zip(*bare.time(15), strict=True)
            print(f"Wagtail {bare.wagtail}: median {statistics.median(wall):.2f} ms,")
            print(f"CPU {statistics.median(cpu):.2f} ms,")
            print(f"{bare.queries()} queries")
