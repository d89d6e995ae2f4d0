"""The imports between the apps run one way: events -> registrations.

Checked on the source (AST), so that a lazy import inside a function counts as well:
no module under `registrations/` imports `events`, and `events/ical.py` (the pure
calendar builder) imports nothing of the registrations app. `imports_of` is tested on a
snippet too, so that the scan itself cannot silently find nothing.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(source, package=""):
    """The absolute module names a module's source imports (relative ones resolved
    against `package`, the dotted name of the module's package)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def module_imports(path):
    package = ".".join(path.relative_to(ROOT).parent.parts)
    return imports_of(path.read_text(encoding="utf-8"), package)


def touches(names, app):
    return sorted(n for n in names if n == app or n.startswith(app + "."))


def test_the_scan_finds_absolute_relative_and_lazy_imports():
    source = (
        "import events.models\n"
        "from ..events import ical\n"
        "def f():\n"
        "    from events.listing import feed_dates\n"
    )
    names = imports_of(source, "registrations.services")
    assert touches(names, "events") == [
        "events.listing",
        "events.listing.feed_dates",
        "events.models",
    ]
    assert "registrations.events" in names
    assert touches(imports_of("from . import booking", "registrations.services"), "events") == []


def test_registrations_never_imports_events():
    offenders = {
        str(path.relative_to(ROOT)): touches(module_imports(path), "events")
        for path in (ROOT / "registrations").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ical_imports_no_registration_code():
    path = ROOT / "events" / "ical.py"
    names = module_imports(path)
    assert touches(names, "registrations") == []
    # and nothing in events that is about registering
    assert not [n for n in names if "registration" in n]


def test_events_reaches_registrations_only_through_its_public_api():
    """Where events uses registrations: the page mixin and the seat-count queries."""
    used = set()
    for path in (ROOT / "events").rglob("*.py"):
        if "migrations" in path.parts or path.name == "demo.py":
            continue
        used.update(touches(module_imports(path), "registrations"))
    assert used <= {
        "registrations.models",
        "registrations.models.RegistrationPageMixin",
        "registrations.queries",
        "registrations.queries.annotate_counts",
        "registrations.queries.occurrence_counts",  # per-date seats of a series
        "registrations.queries.seats_taken_by_event",  # lists that know their events
    }


def test_publicbody_works_without_members_and_events():
    """What a public body's site must have (#18) needs no calendar and no directory; it
    uses the registrations app's outbox and spam helpers only."""
    offending = {}
    for path in sorted((ROOT / "publicbody").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names = module_imports(path)
        found = touches(names, "events") + touches(names, "members")
        if found:
            offending[str(path.relative_to(ROOT))] = found
    assert offending == {}
