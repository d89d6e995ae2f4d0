"""Fault tests on the production configuration: real gunicorn, task worker, SMTP sink and
a throwaway PostgreSQL server (bench/loadkit.py), with real concurrent HTTP clients.

One PostgreSQL server and one migrated database (with static files collected once) serve
the whole session; each test gets a copy of that database (`createdb -T`), so no test
migrates. They start their own server whatever DATABASE_URL says, so they run only in the
pass without DATABASE_URL (the SQLite pass of `make test`) and are skipped in the
PostgreSQL pass. Without PostgreSQL's binaries they are skipped, except on CI (CI=true),
where that is a failure.
"""

import itertools
import os
import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadkit import BASE_TREE, PostgresServer, ProductionStack  # noqa: E402
from smtp_sink import SMTPSink  # noqa: E402

# Spam checks that refuse machines are off: every client is 127.0.0.1 and fills the form
# in milliseconds. The registration service and the mail path are the real ones.
BASE_ENV = {
    "REGISTRATION_MIN_FILL_SECONDS": "0",
    "REGISTRATION_RATE_LIMIT": "off",
    "DB_CONN_MAX_AGE": "0",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "production: gunicorn, task worker and SMTP sink on a throwaway PostgreSQL "
        "(tests/production; skipped when DATABASE_URL is set)",
    )


def pytest_collection_modifyitems(config, items):
    here = pathlib.Path(__file__).parent
    skip = None
    if os.environ.get("DATABASE_URL"):
        skip = (
            "production fault tests start their own PostgreSQL; they run in the pass "
            "without DATABASE_URL"
        )
    elif not sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        if os.environ.get("CI") == "true":
            raise pytest.UsageError("PostgreSQL binaries missing on CI (make system-deps)")
        skip = "PostgreSQL binaries missing (make system-deps)"
    for item in items:
        if here in pathlib.Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.production)
            if skip:
                item.add_marker(pytest.mark.skip(reason=skip))


@pytest.fixture(scope="session")
def production_db(tmp_path_factory):
    """(server, static root): a migrated template database `kinderschutz` with a home
    page and a calendar, and the collected static files."""
    pg = PostgresServer().start()
    static = tmp_path_factory.mktemp("production-static")
    try:
        base = ProductionStack(database_url=pg.url, static_root=str(static))
        base.prepare()
        base.shell(BASE_TREE)
        base.stop()
        yield pg, str(static)
    finally:
        pg.cleanup()
        shutil.rmtree(static, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture
def sink():
    server = SMTPSink().start()
    yield server
    server.stop()


@pytest.fixture
def make_stack(production_db):
    """make_stack(workers, smtp_port, **env) -> a ProductionStack on a fresh copy of the
    template database (not started); stopped after the test."""
    pg, static = production_db
    stacks = []

    def make(workers=3, smtp_port=None, **env):
        url = pg.create_database(f"fault{next(_numbers)}", template="kinderschutz")
        stack = ProductionStack(
            workers=workers,
            database_url=url,
            smtp_port=smtp_port,
            static_root=static,
            extra_env={**BASE_ENV, **env},
        )
        stack.pg_server = pg
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
