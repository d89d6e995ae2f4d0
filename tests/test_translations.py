"""The English catalogues are complete and compiled; German stays the default."""

import pathlib
import shutil
import subprocess

import pytest
from django.utils import translation

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/en/LC_MESSAGES/django.po")
    if not {".venv", ".nox", "node_modules"}.intersection(p.parts)
)

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")


def test_there_are_english_catalogues():
    assert CATALOGUES, "no locale/en/LC_MESSAGES/django.po found"


@needs_msgfmt
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_fully_translated_and_compiled(po, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
        f"{po.relative_to(ROOT)}: {result.stderr.strip()} (run `make messages` and translate)"
    )
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} missing: run `make messages`"
    assert committed.read_bytes() == compiled.read_bytes(), (
        f"{committed.relative_to(ROOT)} is stale: run `make messages`"
    )


def test_german_is_the_default_and_english_is_available(settings):
    assert settings.LANGUAGE_CODE == "de"
    with translation.override("en"):
        assert translation.gettext("Zum Inhalt springen") == "Skip to content"
