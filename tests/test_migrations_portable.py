"""Our migrations apply on the oldest supported Wagtail (7.4 LTS) as well as on 8.x.

Migrations are generated under the newest Wagtail; one that depends on a Wagtail migration
7.4 does not ship, or names Wagtail 8's `settings.WAGTAIL_PAGE_MODEL`, breaks `migrate` on
7.4. `scripts/pin_migration_deps.py` rewrites them; this test fails until it has run.
The list of 7.4's newest migrations lives in that script (OLDEST_WAGTAIL_MIGRATIONS).
"""

import importlib.util
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent


def _pin_script():
    spec = importlib.util.spec_from_file_location(
        "pin_migration_deps", ROOT / "scripts" / "pin_migration_deps.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pin = _pin_script()


def test_the_check_finds_our_migrations():
    files = list(pin.migration_files())
    assert ROOT / "kinderschutz_cms" / "migrations" / "0001_initial.py" in files
    assert not [f for f in files if ".venv" in f.parts]


def test_no_migration_needs_a_wagtail_migration_newer_than_the_oldest_supported():
    problems = {
        str(path.relative_to(ROOT)): found
        for path in pin.migration_files()
        if (found := pin.problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, "run: python scripts/pin_migration_deps.py"


def test_loaded_dependencies_on_wagtail_apps_exist_in_the_oldest_supported():
    """The same rule on the graph Django builds (catches dependencies written any other way)."""
    ours = {p.parent.parent.name for p in pin.migration_files()}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    too_new = [
        (key, dependency)
        for key, migration in loader.disk_migrations.items()
        if migration.__module__.split(".")[0] in ours
        for dependency in migration.dependencies
        if pin.too_new(*dependency)
    ]
    assert too_new == []


def test_pin_rewrites_a_wagtail_8_migration():
    source = (
        "from django.conf import settings\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [\n"
        "        ('wagtailcore', '0098_apitoken'),\n"
        "        ('wagtailimages', '0027_image_description'),\n"
        "        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),\n"
        "    ]\n"
        "    operations = [models.ForeignKey(to=settings.WAGTAIL_PAGE_MODEL)]\n"
    )
    assert len(pin.problems(source)) == 2
    pinned = pin.pin(source)
    assert pin.problems(pinned) == []
    assert pinned.count("('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes')") == 1
    assert "('wagtailimages', '0027_image_description')" in pinned
    assert "to='wagtailcore.page'" in pinned
