"""Apply the README's "Using the apps in an existing Wagtail site" to a `wagtail start` site.

Takes the section's code blocks as they are written, in order: the settings (python,
appended to settings/base.py), the urls line (python, inserted before Wagtail's
catch-all), the base template lines (html, inserted at the end of <head>).
Usage: apply_readme.py README.md SITE_DIR
"""

import pathlib
import re
import sys

readme, site = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = readme.read_text()
section = text.split("## Using the apps in an existing Wagtail site", 1)[1]
section = re.split(r"^##+ ", section, maxsplit=1, flags=re.M)[0]  # up to the next heading
blocks = re.findall(r"^```(\w+)\n(.*?)^```$", section, flags=re.S | re.M)
kinds = [kind for kind, _code in blocks]
assert kinds == ["python", "python", "html"], f"README section has blocks {kinds}"
(settings_code, _), (urls_code, _), (head_code, _) = [(code, kind) for kind, code in blocks]


def edit(path, old, new):
    content = path.read_text()
    assert content.count(old) == 1, f"{path}: {old!r} not found once"
    path.write_text(content.replace(old, new))


settings = site / "hostsite" / "settings" / "base.py"
settings.write_text(settings.read_text() + "\n# README: Using the apps\n" + settings_code)

urls = site / "hostsite" / "urls.py"
catch_all = "urlpatterns = urlpatterns + [\n"  # wagtail start's list ending in wagtail_urls
edit(urls, catch_all, urls_code + "\n" + catch_all)

base = site / "hostsite" / "templates" / "base.html"
edit(base, "</head>", head_code + "</head>")
print("applied:", settings_code.count("\n"), "settings lines, the urls line, the head block")
