"""Production configuration: the deploy checks pass, the public pages carry a strict CSP."""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _deploy_check(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "kinderschutz.example.org",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' Playwright fixture
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check():
    # Checking does not connect: the address only has to be set.
    result = _deploy_check(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_of_a_cache_kept_per_process():
    """Without REDIS_URL every gunicorn worker has its own cache: rate limits count per
    worker and invalidations do not reach the other workers."""
    result = _deploy_check()
    assert result.returncode != 0
    assert "kinderschutz_cms.W001" in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_public_pages_have_a_strict_csp_and_the_admin_keeps_its_own(client, home_page):
    public = client.get("/")
    policy = public.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy

    admin = client.get("/admin/login/")  # the admin's own, less strict policy
    assert "style-src 'self' 'unsafe-inline'" in admin.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 60), ("0", 0), ("300", 300)], ids=["default", "off", "set"]
)
def test_production_keeps_database_connections_open(value, expected):
    """Each gunicorn worker keeps its PostgreSQL connection (DB_CONN_MAX_AGE, default 60 s),
    checked before each request."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "kinderschutz.example.org",
        "DATABASE_URL": "postgres://user:pw@127.0.0.1:5432/kinderschutz",
    }
    env.pop("DB_CONN_MAX_AGE", None)
    if value is not None:
        env["DB_CONN_MAX_AGE"] = value
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(expected), "True"]
