"""Refresh the English message catalogues from the German source strings, then compile.

German is the source language of this project: msgids are German, and each catalogue
holds the English translation. Extraction is per app: makemessages puts a string into the
catalogue of the app whose folder holds the file (<app>/locale/en/, shipped in the wheel
with the app's templates); strings of the standalone site's frame (top-level templates/)
go to locale/en/. Run `make messages` after changing user-facing strings, translate the
new entries, run it again to compile. `--check` fails when a catalogue is stale.
"""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# One catalogue per shipped app, plus locale/ for the standalone site's frame.
APPS = ["kinderschutz_cms", "members", "events", "registrations", "news", "publicbody"]
CATALOGUE_DIRS = ["locale", *(f"{app}/locale" for app in APPS)]
IGNORE = [
    ".venv",
    ".nox",
    "node_modules",
    "tests",
    "bench",
    "scripts",
    "media",
    "static_collected",
    "build",
]


def catalogue_msgids(path):
    """The set of (msgctxt, msgid) in a .po file, read with gettext's own msgcat."""
    out = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {block.split("msgstr", 1)[0].strip() for block in out.split("\n\n") if "msgid" in block}


def check():
    """Exit 1 if makemessages would add or drop a string: the catalogues are stale.

    Runs makemessages in place and puts the committed files back afterwards."""
    os.chdir(ROOT)
    pos = sorted(ROOT.glob("**/locale/en/LC_MESSAGES/django.po"))
    pos = [p for p in pos if not {".venv", ".nox", "node_modules", "build"} & set(p.parts)]
    saved = {p: p.read_bytes() for p in pos}
    before = {p: catalogue_msgids(p) for p in pos}
    try:
        extract()
        stale = []
        for p in pos:
            after = catalogue_msgids(p)
            added, dropped = len(after - before[p]), len(before[p] - after)
            if added or dropped:
                stale.append(f"{p.relative_to(ROOT)}: {added} new, {dropped} unused strings")
    finally:
        for p, content in saved.items():
            p.write_bytes(content)
    if stale:
        print("Message catalogues are stale (run `make messages` and translate):")
        print("\n".join(stale))
        sys.exit(1)
    print("Message catalogues are up to date.")


def extract():
    manage = [sys.executable, "manage.py"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kinderschutz_cms.settings.test")
    ignore_args = [arg for name in IGNORE for arg in ("--ignore", name)]
    subprocess.run(
        [
            *manage,
            "makemessages",
            "-l",
            "en",
            "-d",
            "django",
            "-e",
            "html,txt,py",
            "--add-location",
            "file",
            "--no-obsolete",
            *ignore_args,
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def main():
    os.chdir(ROOT)
    for d in CATALOGUE_DIRS:
        (ROOT / d / "en" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    extract()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kinderschutz_cms.settings.test")
    ignore_args = [arg for name in IGNORE for arg in ("--ignore", name)]
    subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "-l", "en", *ignore_args],
        check=True,
        env=env,
    )


if __name__ == "__main__":
    check() if "--check" in sys.argv else main()
