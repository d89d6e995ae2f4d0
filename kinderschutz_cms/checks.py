"""Deployment checks of the site-wide set-up (`manage.py check --deploy`).

- W001: the default cache is kept per process (LocMemCache, no REDIS_URL). The rate
  limits of the public forms, the built calendars and the frame cache (kinderschutz_cms/
  frame.py) live in the cache; with several workers each one counts and invalidates for
  itself, so a limit is multiplied by the number of workers and a change reaches the other
  workers only when their entries expire (docs/deployment.md).
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS:
        return []
    return [
        Warning(
            "The default cache is kept per process: with several web workers the rate "
            "limits count per worker and changes reach the other workers only when their "
            "cached pages and calendars expire.",
            hint="Set REDIS_URL (a Redis shared by all workers), or another cache shared "
            "by all processes, as docs/deployment.md describes.",
            id="kinderschutz_cms.W001",
        )
    ]
