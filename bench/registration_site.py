"""Bench-only settings and URLs for bench_registration (never used by the product).

The production settings plus two baselines the registration POST is compared with:

- a plain Wagtail form page (bench/benchforms: `FormPage(AbstractForm)` with five fields,
  no e-mail), created next to the event and reached through Wagtail's page routing — the
  "plain Wagtail form submission" issue #11 names. Its migration ships with it (a page
  model cannot be an unmigrated app: Django cannot resolve a migrated base for it).
- `/bench/form/` (registration_urls.py): a bare Django view that validates the same five
  fields and stores one FormSubmission, without page routing, site lookup or page serving.
"""

from kinderschutz_cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "registration_urls"

INSTALLED_APPS = [*INSTALLED_APPS, "benchforms"]  # noqa: F405

# The bench talks plain HTTP on loopback: cookies must not be Secure-only, or the
# clients never send the CSRF cookie back.
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_SECURE = False
