"""Settings from the environment: booleans and lists are parsed one way, nonsense fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kinderschutz_cms.settings.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("True", True), ("yes", True), ("on", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("", None)],
)  # fmt: skip
def test_env_bool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("KS_TEST_FLAG", raw)
    assert env_bool("KS_TEST_FLAG", None) is expected


def test_env_bool_refuses_what_it_does_not_understand(monkeypatch):
    monkeypatch.setenv("KS_TEST_FLAG", "ja bitte")
    with pytest.raises(ImproperlyConfigured, match="KS_TEST_FLAG"):
        env_bool("KS_TEST_FLAG", False)


def test_env_list_and_int(monkeypatch):
    monkeypatch.setenv("KS_TEST_LIST", " a.example, b.example ,,")
    monkeypatch.setenv("KS_TEST_INT", "zwanzig")
    monkeypatch.delenv("KS_TEST_UNSET", raising=False)
    assert env_list("KS_TEST_LIST") == ["a.example", "b.example"]
    assert env_list("KS_TEST_UNSET", ["x"]) == ["x"]
    with pytest.raises(ImproperlyConfigured, match="KS_TEST_INT"):
        env_int("KS_TEST_INT", 1)


def production_settings(**environ):
    """The production settings' mail and host values, read in a fresh interpreter."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinderschutz_cms.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        **environ,
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_PORT, "
        "settings.ALLOWED_HOSTS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_reads_tls_ssl_and_hosts_from_the_environment():
    tls = production_settings(EMAIL_USE_TLS="true", DJANGO_ALLOWED_HOSTS="a.example, b.example")
    ssl = production_settings(EMAIL_USE_SSL="yes", EMAIL_PORT="465")

    assert tls.stdout.strip() == "True False 25 ['a.example', 'b.example']", tls.stderr
    assert ssl.stdout.strip() == "False True 465 []", ssl.stderr


def test_production_refuses_unknown_or_contradictory_mail_settings():
    unknown = production_settings(EMAIL_USE_TLS="jein")
    both = production_settings(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")

    assert unknown.returncode != 0
    assert "EMAIL_USE_TLS='jein'" in unknown.stderr
    assert both.returncode != 0
    assert "EMAIL_USE_SSL" in both.stderr
