"""Processes and clients for load and fault runs against the production configuration.

`ProductionStack` starts, on loopback only: gunicorn with several workers running
`kinderschutz_cms.settings.production` against PostgreSQL (a throwaway server started
here, or $DATABASE_URL), the django-tasks database worker, and an SMTP sink. `Client`
makes plain HTTP requests (with cookies and CSRF) and `Stats` collects latencies per
endpoint. Every loop here is bounded in count and time.
"""

import collections
import http.cookiejar
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A throwaway PostgreSQL server from Debian's binaries (data in a temp dir)."""

    def __init__(self):
        bins = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (make system-deps)")
        self.bin = bins[-1].parent
        self.port = free_port()
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="kinderschutz-loadpg-"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/kinderschutz"

    def _run(self, *args, **kw):
        return subprocess.run([*self.as_user, *args], check=True, capture_output=True, **kw)

    def start(self, fresh=True):
        if fresh:
            if self.as_user:
                shutil.chown(self.dir, "postgres")
            self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.dir / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c max_connections=300",
            "start",
        )
        if fresh:
            self._run(
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "kinderschutz",
            )
        return self

    def stop(self, mode="fast"):
        subprocess.run(
            [
                *self.as_user,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-m",
                mode,
                "stop",
            ],
            capture_output=True,
        )

    def restart(self):
        """Stop with `immediate` (like a crash) and start again on the same data."""
        self.stop("immediate")
        self.start(fresh=False)

    def cleanup(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class ProductionStack:
    """gunicorn + task worker + SMTP sink on PostgreSQL, production settings."""

    def __init__(self, workers=4, database_url=None, smtp_port=None, extra_env=None):
        self.workers = workers
        self.pg = None if database_url or os.environ.get("DATABASE_URL") else PostgresServer()
        self.database_url = database_url or os.environ.get("DATABASE_URL")
        self.port = free_port()
        self.smtp_port = smtp_port or free_port()
        self.extra_env = extra_env or {}
        self.web = None
        self.worker = None
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="kinderschutz-load-"))

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": self.database_url,
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "WAGTAILADMIN_BASE_URL": self.base_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        return env

    def manage(self, *args, check=True):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=check,
            capture_output=True,
            text=True,
        )

    def prepare(self, *setup_commands):
        if self.pg:
            self.pg.start()
            self.database_url = self.pg.url
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        for command in setup_commands:
            self.manage(*command)
        # The secret key must be the same for all processes of one stack.
        self._secret = self.env()["DJANGO_SECRET_KEY"]
        return self

    def _env_fixed(self):
        env = self.env()
        env["DJANGO_SECRET_KEY"] = self._secret
        return env

    def start_web(self):
        self.web = subprocess.Popen(
            [
                str(pathlib.Path(PYTHON).parent / "gunicorn"),
                "kinderschutz_cms.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self._env_fixed(),
            stdout=open(self.tmp / "web.log", "w"),  # noqa: SIM115 - lives as long as the process
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/", timeout=2)
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer: " + (self.tmp / "web.log").read_text()[-2000:])

    def start_worker(self):
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self._env_fixed(),
            stdout=open(self.tmp / "worker.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        return self

    def kill_worker(self):
        if self.worker and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(10)

    def stop(self):
        for proc in (self.web, self.worker):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if self.pg:
            self.pg.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Stats:
    """Latencies and errors per endpoint, thread-safe."""

    def __init__(self):
        self.samples = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.statuses = collections.defaultdict(collections.Counter)
        self.lock = threading.Lock()
        self.started = time.perf_counter()

    def record(self, endpoint, seconds, status, ok):
        with self.lock:
            self.samples[endpoint].append(seconds)
            self.statuses[endpoint][status] += 1
            if not ok:
                self.errors[endpoint] += 1

    def summary(self):
        rows = []
        elapsed = time.perf_counter() - self.started
        for endpoint, values in sorted(self.samples.items()):
            values = sorted(values)
            p99 = values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]
            rows.append(
                {
                    "endpoint": endpoint,
                    "requests": len(values),
                    "throughput": len(values) / elapsed if elapsed else 0,
                    "median_ms": statistics.median(values) * 1000,
                    "p99_ms": p99 * 1000,
                    "errors": self.errors[endpoint],
                    "statuses": dict(self.statuses[endpoint]),
                }
            )
        return rows


class Client:
    """A browser-like HTTP client: cookies, CSRF token from forms, no redirects followed."""

    CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url, stats=None, timeout=30):
        self.base_url = base_url
        self.stats = stats
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )

    def request(self, endpoint, path, data=None, headers=None, ok_statuses=(200, 302, 303, 304)):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        if body is not None:
            req.add_header("Referer", self.base_url + path)
        started = time.perf_counter()
        status, text, resp_headers = 0, "", {}
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                status, text, resp_headers = resp.status, resp.read().decode(), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            status, text, resp_headers = (
                exc.code,
                exc.read().decode("utf-8", "replace"),
                dict(exc.headers),
            )
        except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
            status = 0
        if self.stats is not None:
            self.stats.record(
                endpoint, time.perf_counter() - started, status, status in ok_statuses
            )
        return status, text, resp_headers

    def csrf_from(self, html):
        match = self.CSRF_RE.search(html)
        return match.group(1) if match else None
