"""Make our migrations apply on the oldest supported Wagtail (7.4 LTS) as well as on 8.x.

`makemigrations` under Wagtail 8 writes two things Wagtail 7.4 cannot load:

- dependencies on the newest migration of a Wagtail app, e.g. ("wagtailcore", "0098_apitoken"),
  which 7.4 does not ship (its newest is 0097_…): `migrate` stops with NodeNotFoundError;
- `settings.WAGTAIL_PAGE_MODEL` (Wagtail 8's swappable page model; the setting does not exist
  under 7.4, so importing the migration raises AttributeError).

Run this after regenerating migrations (it edits the files in place and prints what it changed):

    .venv/bin/python scripts/pin_migration_deps.py          # rewrite
    .venv/bin/python scripts/pin_migration_deps.py --check  # exit 1 if something would change

It rewrites a dependency on a Wagtail migration newer than the oldest supported release's
newest migration of that app to that migration (our models use nothing from the newer ones —
the 7.4 test session proves it by migrating and running the suite), the swappable dependency
to the same wagtailcore migration, and `to=settings.WAGTAIL_PAGE_MODEL` to
`to="wagtailcore.page"` (the plugin's pages derive from wagtailcore.Page; a swapped page
model is not supported). tests/test_migrations_portable.py fails while a migration needs it.

When the oldest supported Wagtail changes (README, "Supported versions"), update
OLDEST_WAGTAIL and OLDEST_WAGTAIL_MIGRATIONS: the newest migration of each Wagtail app in that
release (`ls <site-packages>/wagtail/migrations`, `.../wagtail/images/migrations`, ...).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OLDEST_WAGTAIL = "7.4"

# The newest migration of every Wagtail app (by app label) in Wagtail 7.4.x (checked on 7.4.4).
# Wagtail 8.0 adds wagtailcore 0098_apitoken; the other apps are unchanged in 8.0.
OLDEST_WAGTAIL_MIGRATIONS = {
    "wagtailcore": "0097_baselogentry_uuid_action_timestamp_indexes",
    "wagtailadmin": "0006_formstate",
    "wagtaildocs": "0014_alter_document_file_size",
    "wagtailembeds": "0009_embed_cache_until",
    "wagtailforms": "0005_alter_formsubmission_form_data",
    "wagtailimages": "0027_image_description",
    "wagtailredirects": "0008_add_verbose_name_plural",
    "wagtailsearch": "0010_add_text_fields",
    "wagtailsearchpromotions": "0008_query_verbose_name",
    "simple_translation": "0001_initial",
    "wagtailusers": "0015_userprofile_keyboard_shortcuts",
}

# Directories never searched for our migrations.
SKIP_DIRS = {".venv", "node_modules", ".git", "build", "dist", ".nox", "static", "media"}

DEPENDENCY = re.compile(r"""\(\s*(['"])(?P<app>\w+)\1\s*,\s*(['"])(?P<name>\w+)\3\s*\)""")
SWAPPABLE_PAGE_DEPENDENCY = re.compile(
    r"migrations\.swappable_dependency\(\s*settings\.WAGTAIL_PAGE_MODEL\s*\)"
)
SWAPPABLE_PAGE_TARGET = re.compile(r"\bto=settings\.WAGTAIL_PAGE_MODEL\b")


def migration_files(root=ROOT):
    """Our migration modules: every `migrations/NNNN_*.py` outside virtualenvs and the like."""
    for path in sorted(root.rglob("migrations/[0-9][0-9][0-9][0-9]_*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path


def _number(name):
    match = re.match(r"(\d+)_", name)
    return int(match.group(1)) if match else None


def too_new(app, name):
    """True if (app, name) is a Wagtail migration the oldest supported Wagtail does not ship."""
    oldest = OLDEST_WAGTAIL_MIGRATIONS.get(app)
    if oldest is None or name in ("__first__", "__latest__"):
        return False
    number = _number(name)
    return number is not None and number > _number(oldest)


def problems(text):
    """What in a migration's source keeps it from loading or applying on the oldest Wagtail."""
    found = [
        f"depends on ({m['app']!r}, {m['name']!r}), newer than Wagtail {OLDEST_WAGTAIL} ships"
        for m in DEPENDENCY.finditer(text)
        if too_new(m["app"], m["name"])
    ]
    if SWAPPABLE_PAGE_DEPENDENCY.search(text) or SWAPPABLE_PAGE_TARGET.search(text):
        found.append(f"uses settings.WAGTAIL_PAGE_MODEL, unknown to Wagtail {OLDEST_WAGTAIL}")
    return found


def _dedupe_dependencies(text):
    """Drop a dependency line that repeats an earlier one (left by the rewrites)."""
    lines, seen, inside = [], set(), False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("dependencies = ["):
            inside, seen = True, set()
        elif inside and stripped.startswith("]"):
            inside = False
        elif inside and stripped:
            key = stripped.rstrip(",").replace('"', "'")
            if key in seen:
                continue
            seen.add(key)
        lines.append(line)
    return "".join(lines)


def pin(text):
    """The migration source rewritten to apply on the oldest supported Wagtail."""
    core = OLDEST_WAGTAIL_MIGRATIONS["wagtailcore"]

    def replace_dependency(match):
        if not too_new(match["app"], match["name"]):
            return match.group(0)
        return f"('{match['app']}', '{OLDEST_WAGTAIL_MIGRATIONS[match['app']]}')"

    text = DEPENDENCY.sub(replace_dependency, text)
    text = SWAPPABLE_PAGE_DEPENDENCY.sub(f"('wagtailcore', '{core}')", text)
    text = SWAPPABLE_PAGE_TARGET.sub("to='wagtailcore.page'", text)
    return _dedupe_dependencies(text)


def main(argv):
    check = "--check" in argv
    changed = []
    for path in migration_files():
        text = path.read_text(encoding="utf-8")
        new = pin(text)
        if new != text:
            changed.append(path)
            for problem in problems(text):
                print(f"{path.relative_to(ROOT)}: {problem}")
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and changed:
        print(f"{len(changed)} migration(s) need scripts/pin_migration_deps.py")
        return 1
    verb = "Would pin" if check else "Pinned"
    print(f"{verb} {len(changed)} migration(s) to Wagtail {OLDEST_WAGTAIL}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
