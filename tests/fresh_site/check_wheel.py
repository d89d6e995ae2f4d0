"""The wheel carries each app's templates, static files and compiled catalogues, and
neither the demo app nor the standalone site's frame. Usage: check_wheel.py WHEEL"""

import re
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
# Every app in the wheel (a top-level folder with apps.py) ships its catalogue and migrations.
APPS = sorted({name.split("/")[0] for name in names if re.fullmatch(r"[a-z_]+/apps\.py", name)})
assert {"kinderschutz_cms", "members", "events", "news", "publicbody"} <= set(APPS), APPS
expected = [
    "kinderschutz_cms/templates/kinderschutz_cms/network_home_page.html",
    "kinderschutz_cms/templates/kinderschutz_cms/includes/form_field.html",
    "kinderschutz_cms/templates/kinderschutz_cms/blocks/paragraph_block.html",
    "kinderschutz_cms/static/kinderschutz_cms/css/site.css",
    "kinderschutz_cms/static/kinderschutz_cms/js/site.js",
    "members/templates/members/member_index_page.html",
    "events/templates/events/event_index_page.html",
    "events/templates/events/event_page.html",
    "news/templates/news/news_index_page.html",
    "publicbody/templates/publicbody/accessibility_statement_page.html",
    "publicbody/a11y_findings.json",
    *(f"{app}/locale/en/LC_MESSAGES/django.mo" for app in APPS),
    *(f"{app}/migrations/0001_initial.py" for app in APPS),
]
missing = [name for name in expected if name not in names]
unwanted = sorted(
    name for name in names if name.split("/")[0] in {"demo", "templates", "tests", "locale"}
)
print(
    f"wheel: {len(names)} files, apps {', '.join(APPS)}, "
    f"{sum(n.endswith('.html') for n in names)} templates, "
    f"{sum(n.endswith('.mo') for n in names)} catalogues"
)
if missing or unwanted:
    sys.exit(f"wheel incomplete: missing {missing}, should not contain {unwanted[:10]}")
