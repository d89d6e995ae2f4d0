"""Processes and clients for load and fault runs against the production configuration.

`ProductionStack` starts, on loopback only: gunicorn with several workers running
`kinderschutz_cms.settings.production` against PostgreSQL (a throwaway server started
here, or $DATABASE_URL), the django-tasks database worker, and an SMTP sink. `Client`
makes plain HTTP requests (with cookies and CSRF) and `Stats` collects latencies per
endpoint. Every loop here is bounded in count and time.
"""

import collections
import concurrent.futures
import http.client
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


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    """Ids of the direct children of `pid` (Linux /proc)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of process `pid` (all its threads), 0 if it is gone."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3 of stat(5), utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class PostgresServer:
    """A throwaway PostgreSQL server from Debian's binaries (data in a temp dir).

    `fsync=off` (only an OS crash could lose data), but `synchronous_commit` stays on as in
    production: with it off, `restart()` (a crash of the server) loses transactions that
    were already acknowledged, i.e. registrations whose person saw a success page.
    """

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
        return self.url_for("kinderschutz")

    def url_for(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name, template=None):
        """A new database, optionally a copy of `template` (fast: no migrations)."""
        args = ["-T", template] if template else []
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            *args,
            name,
        )
        return self.url_for(name)

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
            "-c max_connections=300",
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

    def __init__(
        self,
        workers=4,
        database_url=None,
        smtp_port=None,
        extra_env=None,
        static_root=None,
        worker_nice=0,
    ):
        """Without `database_url` (or $DATABASE_URL) a throwaway PostgreSQL is started by
        `prepare()` and removed by `stop()`. `static_root`: already collected static files
        to share between stacks (then `prepare(collectstatic=False)`). `worker_nice`: how
        much lower the task worker's CPU priority is than the web workers' (the load bench
        runs it at 10, as docs/deployment.md recommends with systemd `Nice=10`: during a
        rush the e-mails wait for idle CPU instead of slowing down every registration)."""
        self.worker_nice = worker_nice
        self.workers = workers
        self.pg = None if database_url or os.environ.get("DATABASE_URL") else PostgresServer()
        self.database_url = database_url or os.environ.get("DATABASE_URL")
        self.port = free_port()
        self.smtp_port = smtp_port or free_port()
        self.extra_env = dict(extra_env or {})
        self.web = None
        self.worker = None
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="kinderschutz-load-"))
        self.static_root = static_root or str(self.tmp / "static")
        # One secret key for every process of the stack (CSRF, signed form stamps).
        self._secret = secrets.token_urlsafe(50)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production",
            "DJANGO_SECRET_KEY": self._secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": self.database_url,
            "STATIC_ROOT": self.static_root,
            "MEDIA_ROOT": str(self.tmp / "media"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "WAGTAILADMIN_BASE_URL": self.base_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        return env

    def manage(self, *args, check=True, env=None, timeout=300):
        """Run `manage.py` with the stack's environment (plus `env`); raises with the
        command's output if it fails and `check` is set."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode:
            raise RuntimeError(
                f"manage.py {args[0]} failed ({result.returncode}):\n"
                + result.stdout[-2000:]
                + result.stderr[-4000:]
            )
        return result

    def shell(self, code, **kwargs):
        """Run Python `code` in `manage.py shell` on the stack's database; its stdout."""
        return self.manage("shell", "--no-imports", "-c", code, **kwargs).stdout

    def prepare(self, *setup_commands, migrate=True, collectstatic=True, timeout=300):
        """`timeout`: seconds each command may take (a busy machine migrates slowly)."""
        if self.pg:
            self.pg.start()
            self.database_url = self.pg.url
        if migrate:
            self.manage("migrate", "--noinput", timeout=timeout)
        if collectstatic:
            self.manage("collectstatic", "--noinput", timeout=timeout)
        for command in setup_commands:
            self.manage(*command, timeout=timeout)
        return self

    def _env_fixed(self):
        return self.env()

    def sql(self, query, params=()):
        """Rows of one SQL query on the stack's database (psycopg, autocommit)."""
        import psycopg

        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://", 1)) as conn:
            conn.autocommit = True
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

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
            # `nice` replaces itself with the worker: the process id stays the worker's.
            [
                "nice",
                "-n",
                str(self.worker_nice),
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
            ],
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
        running = [p for p in (self.web, self.worker) if p and p.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self.pg:
            self.pg.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def processes(self) -> dict[str, list[int]]:
        """The process ids of the stack by part: "web" (gunicorn's master and workers),
        "worker" (the task worker), "database" (the throwaway PostgreSQL server and its
        backends; empty for an outside $DATABASE_URL)."""
        groups = {"web": [], "worker": [], "database": []}
        if self.web and self.web.poll() is None:
            groups["web"] = [self.web.pid, *_children(self.web.pid)]
        if self.worker and self.worker.poll() is None:
            groups["worker"] = [self.worker.pid]
        if self.pg:
            try:
                postmaster = int((self.pg.dir / "data" / "postmaster.pid").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                postmaster = None
            if postmaster:
                groups["database"] = [postmaster, *_children(postmaster)]
        return groups

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each part of the stack (`processes`)
        and by this process ("client": the load clients' threads). Take it before and
        after a run: the difference is what the run cost, on a machine whose other jobs
        make wall-clock times noisy. A backend that exited in between is not counted."""
        used = {part: sum(map(_cpu_of, pids)) for part, pids in self.processes().items()}
        used["client"] = sum(os.times()[:2])
        return used

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
        self.examples = {}  # (endpoint, status): the first answer's body (2000 characters)
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.ended = None

    def stop(self):
        """Freeze the clock: throughput is per second of the measured run only."""
        self.ended = time.perf_counter()

    def record(self, endpoint, seconds, status, ok, text=""):
        with self.lock:
            self.examples.setdefault((endpoint, status), text[:2000])
            self.samples[endpoint].append(seconds)
            self.statuses[endpoint][status] += 1
            if not ok:
                self.errors[endpoint] += 1

    def summary(self):
        rows = []
        elapsed = (self.ended or time.perf_counter()) - self.started
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


class _ProxiedCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send `Secure` cookies over plain HTTP: the client stands where the TLS proxy would."""

    def return_ok_secure(self, cookie, request):
        return True

    def set_ok(self, cookie, request):
        return True if cookie.secure else super().set_ok(cookie, request)


class Client:
    """A browser-like HTTP client: cookies, CSRF token from forms, no redirects followed.

    Production settings mark cookies `Secure` and trust `X-Forwarded-Proto` from the
    proxy, so every request says `X-Forwarded-Proto: https` (and POSTs carry an https
    Referer) as they would behind the TLS-terminating proxy.
    """

    CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    STAMP_RE = re.compile(r'name="form_started" value="([^"]+)"')

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url, stats=None, timeout=30):
        self.base_url = base_url
        self.stats = stats
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar(_ProxiedCookiePolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )

    def request(self, endpoint, path, data=None, headers=None, ok_statuses=(200, 302, 303, 304)):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        req.add_header("X-Forwarded-Proto", "https")
        if body is not None:
            req.add_header("Referer", self.base_url.replace("http://", "https://", 1) + path)
        started = time.perf_counter()
        status, text, resp_headers = 0, "", {}
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                status, text, resp_headers = (
                    resp.status,
                    resp.read().decode("utf-8", "replace"),
                    dict(resp.headers),
                )
        except urllib.error.HTTPError as exc:
            try:
                text = exc.read().decode("utf-8", "replace")
            except (OSError, TimeoutError):
                text = ""
            status, resp_headers = exc.code, dict(exc.headers)
        except (
            urllib.error.URLError,
            ConnectionError,
            OSError,
            TimeoutError,
            http.client.HTTPException,
        ):
            status = 0
        if self.stats is not None:
            self.stats.record(
                endpoint, time.perf_counter() - started, status, status in ok_statuses, text
            )
        return status, text, resp_headers

    def csrf_from(self, html):
        match = self.CSRF_RE.search(html)
        return match.group(1) if match else None


# --------------------------------------------------------------------------- scenario

BASE_TREE = """
from wagtail.models import Page, Site
from kinderschutz_cms.models import NetworkHomePage
from events.models import EventIndexPage
root = Page.get_first_root_node()
home = NetworkHomePage.objects.first()
if home is None:
    Page.objects.filter(depth=2).delete()
    root.refresh_from_db()
    home = NetworkHomePage(title="Netzwerk Kinderschutz Lastland", slug="start")
    home = root.add_child(instance=home)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
if not EventIndexPage.objects.exists():
    home.add_child(instance=EventIndexPage(title="Veranstaltungen", slug="veranstaltungen"))
"""

EVENT = """
from datetime import timedelta
from django.utils import timezone
from events.models import EventDate, EventIndexPage, TrainingPage
index = EventIndexPage.objects.order_by("path").first()
start = timezone.localtime() + timedelta(days=30)
start = start.replace(hour=9, minute=0, second=0, microsecond=0)
page = TrainingPage(
    title="Lastprobe: Kinderschutz in der Kita", slug="lastprobe-{tag}", live=True,
    registration_enabled=True, capacity={capacity}, waitlist_enabled=True,
    double_opt_in=False, coordinator_emails="", online_access_link="",
)
page.dates = [EventDate(start=start, end=start + timedelta(hours=7), sort_order=0)]
index.add_child(instance=page)
page.save_revision().publish()
page.refresh_from_db()
print("EVENT", page.pk, page.url)
"""


def create_event(stack, capacity, tag="1"):
    """A training with `capacity` seats and a waitlist below the first calendar;
    returns (page id, path of the page). No coordinator notices, no double opt-in."""
    out = stack.shell(EVENT.format(capacity=int(capacity), tag=tag))
    line = [x for x in out.splitlines() if x.startswith("EVENT ")][-1]
    _, pk, path = line.split()
    return int(pk), path


def register(client, event_path, number, endpoint_prefix="registration"):
    """One person: GET the form (CSRF cookie and token, signed start stamp), POST it.

    Returns (status of the POST, e-mail address); status 302 is a registration."""
    email = f"person{number:05d}@lastprobe.example.org"
    status, html, _ = client.request(f"{endpoint_prefix} GET", event_path + "anmelden/")
    if status != 200:
        return status, email
    token = client.csrf_from(html)
    stamp = Client.STAMP_RE.search(html)
    data = {
        "csrfmiddlewaretoken": token or "",
        "form_started": stamp.group(1) if stamp else "",
        "website_url": "",
        "first_name": "Testperson",
        "last_name": f"Nummer {number}",
        "email": email,
        "organisation": "Kita Regenbogen",
        "role": "Fachkraft",
        "phone": "",
        "privacy_consent": "on",
    }
    status, _, headers = client.request(
        f"{endpoint_prefix} POST", event_path + "anmelden/", data=data, ok_statuses=(302,)
    )
    if status == 302 and "/anmeldung/" not in headers.get("Location", "/anmeldung/"):
        status = -302  # a redirect somewhere else (login, error) is no registration
    return status, email


def rush(stack, event_path, stats=None, submissions=500, clients=50, first=0, timeout=60):
    """`submissions` people register at once, `clients` at a time, each with its own
    cookies; returns {e-mail: status of the POST} (302: registered, 0: no answer)."""
    results = {}

    def one(number):
        status, email = register(Client(stack.base_url, stats, timeout=timeout), event_path, number)
        results[email] = status

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(first, first + submissions)))
    return results


def registration_counts(stack, event_id):
    """{status: rows} of the event's registrations."""
    rows = stack.sql(
        "SELECT status, count(*) FROM registrations_registration"
        " WHERE event_id = %s GROUP BY status",
        (event_id,),
    )
    return dict(rows)


def registered_emails(stack, event_id):
    """[e-mail] of every registration row (one entry per row)."""
    return [
        r[0]
        for r in stack.sql(
            "SELECT email_normalised FROM registrations_registration WHERE event_id = %s",
            (event_id,),
        )
    ]


def outbox_counts(stack, event_id):
    return dict(
        stack.sql(
            "SELECT status, count(*) FROM registrations_emailmessage"
            " WHERE event_id = %s GROUP BY status",
            (event_id,),
        )
    )


def retry_emails(stack, **env):
    """Run `manage.py retry_emails` with the stack's environment plus `env`; returns how
    many messages it handed to the queue again."""
    out = stack.manage("retry_emails", env=env).stdout
    return int(re.search(r"(\d+) e-mail", out).group(1))


def wait_until(predicate, timeout, interval=0.5):
    """Poll `predicate()` until it is true or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
