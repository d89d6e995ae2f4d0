"""Bench-only settings and URLs for bench_registration (never used by the product).

The production settings plus one extra endpoint, `/bench/form/`: a plain form POST that
validates five fields and stores one `wagtail.contrib.forms` FormSubmission, which is what a
Wagtail form page does on submit. It is the baseline the registration POST is compared with.
"""

from kinderschutz_cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "registration_urls"

# The bench talks plain HTTP on loopback: cookies must not be Secure-only, or the
# clients never send the CSRF cookie back.
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_SECURE = False
