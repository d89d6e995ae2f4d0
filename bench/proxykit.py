"""The production stack scaled out on one machine: nginx in front of several application
servers that share PostgreSQL and Redis (bench/bench_scaleout.py,
tests/production/test_scaleout.py; `make serve-prod` starts the same from
scripts/serve-prod.sh).

`ScaleOutStack` is a `loadkit.ProductionStack` whose `base_url` is nginx (configured by
scripts/nginx_conf.py from scripts/nginx.conf.template): `app_servers` gunicorn instances
on their own loopback ports, each with its own access log, behind it; a throwaway
redis-server as the shared cache (rate limits, calendars); the task worker under
`nice -n 10`; `KINDERSCHUTZ_TRUSTED_PROXY_COUNT=1`, so the application takes the client's
address from the `X-Forwarded-For` nginx sets.

Every client here talks to nginx from a loopback address of its own choosing
(`BoundClient`, 127.0.0.0/8 is all local on Linux): nginx sees distinct client addresses
as it would on the internet, and the rate limits can be checked through the proxy.
"""

import concurrent.futures
import functools
import http.client
import importlib.util
import os
import pathlib
import shutil
import subprocess
import time
import urllib.error
import urllib.request

from loadkit import PYTHON, ROOT, Client, ProductionStack, _children, free_port, register

_spec = importlib.util.spec_from_file_location("nginx_conf", ROOT / "scripts" / "nginx_conf.py")
nginx_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nginx_conf)


def nginx_binary():
    """Path of nginx, or None (Debian's nginx-light: make system-deps)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def client_address(number):
    """A distinct loopback address for client `number` (127.1.x.y; 127.0.0.1 stays nginx's
    and the application servers')."""
    number = int(number)
    return f"127.1.{number // 250 % 250}.{number % 250 + 1}"


class BoundClient(Client):
    """`loadkit.Client` whose connections leave from `source` (a loopback address), with
    `headers` added to every request (e.g. a forged `X-Forwarded-For`)."""

    def __init__(self, base_url, stats=None, timeout=30, source="127.0.0.1", headers=None):
        super().__init__(base_url, stats, timeout)
        self.source = source
        self.headers = dict(headers or {})
        connection = functools.partial(http.client.HTTPConnection, source_address=(source, 0))

        class _Bound(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(connection, req)

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect(), _Bound()
        )

    def request(self, endpoint, path, data=None, headers=None, **kwargs):
        return super().request(endpoint, path, data, {**self.headers, **(headers or {})}, **kwargs)


def rush(stack, event_path, stats=None, submissions=200, clients=40, first=0, timeout=60):
    """`loadkit.rush` through the proxy: person n registers from its own address
    (`client_address(n)`), so per-address rate limits may stay on. {e-mail: status}."""
    results = {}

    def one(number):
        client = BoundClient(stack.base_url, stats, timeout, source=client_address(number))
        status, email = register(client, event_path, number)
        results[email] = status

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(first, first + submissions)))
    return results


class RedisServer:
    """A throwaway redis-server on a free loopback port, no persistence."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed (make system-deps)")
        self.port = free_port()
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, 20, lambda: f"redis-server exited ({self.proc.poll()})")
        return self

    def stop(self):
        _stop(self.proc)


def _wait_for_port(port, timeout, describe):
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}: {describe()}")


def _stop(proc, timeout=15):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class ScaleOutStack(ProductionStack):
    """nginx + `app_servers` gunicorn instances (`workers` each) + Redis + task worker
    (niced) on PostgreSQL, production settings. `base_url` is nginx."""

    def __init__(self, app_servers=2, workers=2, **kwargs):
        super().__init__(workers=workers, **kwargs)
        self.nginx = nginx_binary()
        if not self.nginx:
            raise RuntimeError("nginx is not installed (make system-deps)")
        self.app_ports = [free_port() for _ in range(app_servers)]
        self.apps = []
        self.proxy = None
        self.redis = RedisServer()
        self.media_root = str(self.tmp / "media")
        self.proxy_dir = self.tmp / "nginx"

    def env(self):
        return {
            **super().env(),
            "REDIS_URL": self.redis.url,
            "KINDERSCHUTZ_TRUSTED_PROXY_COUNT": "1",
            "MEDIA_ROOT": self.media_root,
            **self.extra_env,
        }

    def manage(self, *args, **kwargs):
        """`manage.py` with the stack's environment; the shared cache is up first."""
        if self.redis.proc is None:
            self.redis.start()
        return super().manage(*args, **kwargs)

    def access_log(self, index):
        return self.tmp / f"app{index + 1}.access.log"

    def start_web(self):
        if self.redis.proc is None:
            self.redis.start()
        gunicorn = str(pathlib.Path(PYTHON).parent / "gunicorn")
        for index, port in enumerate(self.app_ports):
            self.apps.append(
                subprocess.Popen(
                    [
                        gunicorn,
                        "kinderschutz_cms.wsgi",
                        "--workers",
                        str(self.workers),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "60",
                        "--graceful-timeout",
                        "5",
                        "--forwarded-allow-ips",
                        "127.0.0.1",
                        "--access-logfile",
                        str(self.access_log(index)),
                    ],
                    cwd=ROOT,
                    env=self._env_fixed(),
                    stdout=open(self.tmp / f"app{index + 1}.log", "w"),  # noqa: SIM115
                    stderr=subprocess.STDOUT,
                )
            )
        self.web = self.apps[0]
        for index, port in enumerate(self.app_ports):
            _wait_for_port(
                port, 60, lambda i=index: (self.tmp / f"app{i + 1}.log").read_text()[-2000:]
            )
        conf = nginx_conf.write(
            self.proxy_dir,
            self.port,
            [f"127.0.0.1:{port}" for port in self.app_ports],
            self.static_root,
            self.media_root,
        )
        self.proxy = subprocess.Popen(
            [
                self.nginx,
                "-p",
                str(self.proxy_dir),
                "-c",
                str(conf),
                "-e",
                str(self.proxy_dir / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "nginx.stderr", "w"),  # noqa: SIM115
        )
        _wait_for_port(self.port, 20, self._nginx_errors)
        # The first page of every application server (imports, first connections).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/", timeout=5)
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError("no answer through nginx: " + self._nginx_errors())

    def _nginx_errors(self):
        text = ""
        for path in (self.tmp / "nginx.stderr", self.proxy_dir / "error.log"):
            if path.exists():
                text += path.read_text()[-2000:]
        return text

    def start_worker(self):
        """The task worker at a lower priority (`nice -n 10`), as docs/deployment.md
        recommends: background e-mail must not slow down the web workers."""
        self.worker = subprocess.Popen(
            ["nice", "-n", "10", PYTHON, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self._env_fixed(),
            stdout=open(self.tmp / "worker.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        return self

    def requests_per_app_server(self):
        """[requests in the access log of app server 1, 2, ...]."""
        counts = []
        for index in range(len(self.app_ports)):
            path = self.access_log(index)
            counts.append(sum(1 for _ in path.open()) if path.exists() else 0)
        return counts

    def processes(self):
        groups = super().processes()
        groups["web"] = [
            pid for app in self.apps if app.poll() is None for pid in (app.pid, *_children(app.pid))
        ]
        groups["proxy"] = (
            [self.proxy.pid, *_children(self.proxy.pid)]
            if self.proxy and self.proxy.poll() is None
            else []
        )
        groups["cache"] = (
            [self.redis.proc.pid] if self.redis.proc and self.redis.proc.poll() is None else []
        )
        return groups

    def stop(self):
        _stop(self.proxy)
        for app in self.apps:
            if app.poll() is None:
                app.terminate()
        for app in self.apps:
            _stop(app)
        super().stop()
        self.redis.stop()
