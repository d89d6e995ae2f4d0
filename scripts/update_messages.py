"""Refresh the English message catalogues from the German source strings, then compile.

German is the source language of this project: msgids are German, and each catalogue
under <app>/locale/en/ and locale/en/ holds the English translation. Run `make messages`
after changing user-facing strings, translate the new entries, run it again to compile.
"""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUE_DIRS = ["locale", "members/locale", "events/locale", "news/locale"]
IGNORE = [".venv", "node_modules", "tests", "bench", "scripts", "media", "static_collected"]


def main():
    os.chdir(ROOT)
    for d in CATALOGUE_DIRS:
        (ROOT / d / "en" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    manage = [sys.executable, "manage.py"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kinderschutz_cms.settings.test")
    ignore_args = [arg for name in IGNORE for arg in ("--ignore", name)]
    for domain, extensions in (("django", "html,txt,py"),):
        subprocess.run(
            [
                *manage,
                "makemessages",
                "-l",
                "en",
                "-d",
                domain,
                "-e",
                extensions,
                "--add-location",
                "file",
                "--no-obsolete",
                *ignore_args,
            ],
            check=True,
            env=env,
        )
    subprocess.run([*manage, "compilemessages", "-l", "en", *ignore_args], check=True, env=env)


if __name__ == "__main__":
    main()
