"""The combinations of Wagtail and Django CI tests besides the newest one (`make test`).

The newest combination is the project's own `.venv` (`make install`): `make test` runs the
whole suite there, browser tests included, on SQLite and on PostgreSQL. Each older supported
combination (README, "Supported versions") gets a session here, in its own virtualenv under
`.nox/`, that runs

1. the suite without the browser and the many-threads concurrency tests (the error pages,
   the no-500 tests on odd input and the query-count tests are part of it) on SQLite, on two
   processes (pytest-xdist), and
2. the fresh-site install test: the wheel installed into a `wagtail start` site of that
   Wagtail version, as the README describes. It runs the script `make test-fresh-site` runs,
   with the Wagtail to install in WAGTAIL_SPEC.

    .venv/bin/nox -l                       # list the sessions
    .venv/bin/nox -s "oldest"              # every older combination
    .venv/bin/nox -s "oldest(wagtail='7.4', django='5.2')"

Virtualenvs are reused between runs (`-R` skips reinstalling); `make clean` removes them.
"""

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["oldest"]

# Older supported combinations: (Wagtail, Django) release series. Add Wagtail 8.1 + Django 5.2
# here once it is on the package index; drop a pair when its Wagtail loses support (README).
OLDER_COMBINATIONS = [
    ("7.4", "5.2"),  # Wagtail 7.4 LTS, supported until 2027-11-02
]

# The fresh-site install test (`make test-fresh-site`); it reads WAGTAIL_SPEC, the pip
# requirement for the Wagtail the `wagtail start` site gets (e.g. "wagtail==7.4.*").
FRESH_SITE_SCRIPT = "tests/fresh_site/run.sh"


@nox.session
@nox.parametrize(("wagtail", "django"), OLDER_COMBINATIONS)
def oldest(session, wagtail, django):
    """The suite without browser tests, then the fresh-site install test, on an older pair."""
    session.install("-e", ".[dev,production]", f"wagtail=={wagtail}.*", f"Django=={django}.*")
    session.run("python", "-m", "pip", "check")
    versions = "import django, wagtail; print('Wagtail', wagtail.__version__, django.get_version())"
    session.run("python", "-c", versions)
    settings = {"DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.test"}
    session.run("python", "manage.py", "check", "--fail-level", "WARNING", env=settings)
    session.run("python", "manage.py", "makemigrations", "--check", "--dry-run", env=settings)
    # tests/browser needs the `browser` extra (Playwright), which these sessions do not install.
    # tests/production (gunicorn, task worker and a PostgreSQL server of their own, ~3 min)
    # test the deployment around the apps, which does not change with the Wagtail version;
    # they run once, in the SQLite pass of `make test`, to keep the whole run under 40 min.
    pytest = [
        "pytest",
        "--ignore=tests/browser",
        "--ignore=tests/production",
        "-p",
        "no:cacheprovider",
    ]
    workers = os.environ.get("NOX_PYTEST_WORKERS", "2")
    # Each xdist worker has its own SQLite file and media directory (settings/test.py).
    # The overbooking tests (`concurrency`: many threads against one database) test the
    # registration service's locking, i.e. Django's transactions and the database, not
    # Wagtail: they run in `make test` on SQLite and on PostgreSQL, not again here (2 min).
    session.run(*pytest, "-m", "not browser and not concurrency", "-n", workers, *session.posargs)

    session.run(
        "bash", FRESH_SITE_SCRIPT, env={"WAGTAIL_SPEC": f"wagtail=={wagtail}.*"}, external=True
    )
