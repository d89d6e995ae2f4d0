"""The demo is an optional app: the plugin apps work without it and never import it."""

import pathlib
import re

from django.apps import apps
from django.core.management import get_commands

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
PLUGIN_APPS = ["kinderschutz_cms", "members", "events", "news", "publicbody"]


def test_load_demo_data_belongs_to_the_demo_app():
    assert apps.get_app_config("demo").name == "demo"
    assert get_commands()["load_demo_data"] == "demo"


def test_no_plugin_app_imports_the_demo_or_keeps_a_demo_module():
    importing = []
    for app in PLUGIN_APPS:
        assert not (ROOT / app / "demo.py").exists(), f"{app}/demo.py belongs in demo/"
        for source in (ROOT / app).rglob("*.py"):
            if re.search(r"^\s*(from demo\b|import demo\b)", source.read_text(), re.M):
                importing.append(str(source.relative_to(ROOT)))
    assert importing == []
