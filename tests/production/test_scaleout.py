"""The scaled-out production stack of `make serve-prod` (bench/proxykit.py): nginx in
front of two gunicorn application servers sharing PostgreSQL and Redis. Through nginx:
compression, static files with a long cache, media renditions only, the client's host and
scheme in links and redirects, the client's address in the rate limits (X-Forwarded-For),
and a registration rush across both servers with exact counts.

Clients connect from loopback addresses of their own (127.1.x.y), as distinct visitors
would; the same scenario, larger, is bench/bench_scaleout.py. Without nginx the test is
skipped, except on CI (CI=true), where that is a failure (make system-deps installs it).
"""

import gzip
import itertools
import json
import os
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadkit import EVENT, registered_emails, registration_counts  # noqa: E402
from proxykit import BoundClient, ScaleOutStack, nginx_binary, register, rush  # noqa: E402

_numbers = itertools.count(1)
RATE_LIMIT = 3  # valid registrations per client address and 10 minutes


@pytest.fixture
def proxied(production_db):
    if not nginx_binary():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx missing on CI (make system-deps installs nginx-light)")
        pytest.skip("nginx missing (make system-deps installs nginx-light)")
    pg, static = production_db
    url = pg.create_database(f"scaleout{next(_numbers)}", template="kinderschutz")
    stack = ScaleOutStack(
        app_servers=2,
        workers=2,
        database_url=url,
        static_root=static,
        extra_env={
            "REGISTRATION_MIN_FILL_SECONDS": "0",
            "REGISTRATION_RATE_LIMIT": str(RATE_LIMIT),
            "DB_CONN_MAX_AGE": "0",
        },
    )
    try:
        yield stack
    finally:
        stack.stop()


def get(stack, path, headers=None, source="127.1.200.1"):
    """(status, headers, body bytes as sent) of a GET through nginx from `source`."""
    client = BoundClient(stack.base_url, source=source)
    request = urllib.request.Request(stack.base_url + path, headers=headers or {})
    try:
        with client.opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def hashed_static_file(static_root):
    """The collected name (with its content hash) of a stylesheet in the manifest."""
    manifest = json.loads((pathlib.Path(static_root) / "staticfiles.json").read_text())
    name = next(v for k, v in sorted(manifest["paths"].items()) if k.endswith(".css"))
    return name


def test_two_app_servers_behind_nginx(proxied):
    stack = proxied
    # Both events in one `manage.py shell` (each start of Django costs seconds).
    out = stack.shell(
        EVENT.format(capacity=10, tag="rush") + EVENT.format(capacity=50, tag="limit")
    )
    (event_id, event_path), (_, probe_path) = [
        (int(line.split()[1]), line.split()[2])
        for line in out.splitlines()
        if line.startswith("EVENT ")
    ]
    stack.start_web()

    # Compression: the page comes gzip-compressed to a client that asks, plain otherwise.
    status, headers, body = get(stack, "/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers.get("Vary", "")
    assert b"</html>" in gzip.decompress(body)
    status, headers, body = get(stack, "/")
    assert status == 200 and "Content-Encoding" not in headers and b"</html>" in body

    # Static files from STATIC_ROOT by nginx: hashed names cached for a year.
    name = hashed_static_file(stack.static_root)
    status, headers, _ = get(stack, "/static/" + name)
    assert status == 200
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    # Image renditions from disk; nothing else below MEDIA_ROOT (documents stay private).
    media = pathlib.Path(stack.media_root)
    (media / "images").mkdir(parents=True, exist_ok=True)
    (media / "images" / "probe.txt").write_text("rendition")
    (media / "documents").mkdir(parents=True, exist_ok=True)
    (media / "documents" / "secret.txt").write_text("private")
    status, headers, body = get(stack, "/media/images/probe.txt")
    assert (status, body) == (200, b"rendition")
    assert "max-age=86400" in headers["Cache-Control"]
    assert get(stack, "/media/documents/secret.txt")[0] == 404

    # Links use the host and port the client sent and the scheme of its connection; a
    # client's own X-Forwarded-Proto / X-Forwarded-Host is overwritten by nginx.
    host = f"localhost:{stack.port}"
    status, _, body = get(
        stack,
        "/robots.txt",
        {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    )
    assert status == 200
    assert f"Sitemap: http://{host}/sitemap.xml" in body.decode()
    # A redirect leads to the client's host and scheme (not to an application server).
    status, headers, _ = get(stack, event_path.rstrip("/"), {"Host": host})
    assert status in (301, 302)
    location = urllib.parse.urljoin(f"http://{host}/", headers["Location"])
    assert location == f"http://{host}{event_path}"

    first = BoundClient(stack.base_url, source="127.1.100.1")
    status, email = register(first, probe_path, 1)
    assert status == 302

    # Rate limit per client address, as nginx saw it (X-Forwarded-For): the same address
    # is refused after RATE_LIMIT registrations, even when it forges its own
    # X-Forwarded-For; another address is not.
    for number in range(2, RATE_LIMIT + 1):
        assert register(first, probe_path, number)[0] == 302
    assert register(first, probe_path, 10)[0] == 429
    forged = BoundClient(
        stack.base_url, source="127.1.100.1", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert register(forged, probe_path, 11)[0] == 429
    other = BoundClient(stack.base_url, source="127.1.100.2")
    assert register(other, probe_path, 12)[0] == 302

    # A rush across both application servers: 40 people, 10 seats, exact counts.
    before = stack.requests_per_app_server()
    results = rush(stack, event_path, submissions=40, clients=10, first=1000)
    ok = {email for email, status in results.items() if status == 302}
    assert len(ok) == 40
    assert registration_counts(stack, event_id) == {"confirmed": 10, "waitlisted": 30}
    rows = registered_emails(stack, event_id)
    assert sorted(rows) == sorted(ok)
    served = [a - b for a, b in zip(stack.requests_per_app_server(), before, strict=True)]
    assert all(count > 0 for count in served), served
