"""Template context for the plugin's page templates.

Every plugin page template starts with
`{% extends kinderschutz_base_template|default:"base.html" %}`: add this processor to
TEMPLATES["OPTIONS"]["context_processors"] and set `KINDERSCHUTZ_BASE_TEMPLATE` to frame
the plugin pages with a base template of your own (see kinderschutz_cms/conf.py).
"""

from . import conf


def plugin(request):
    return {"kinderschutz_base_template": conf.get("KINDERSCHUTZ_BASE_TEMPLATE")}
