"""Settings of the kinderschutz_cms app, with their defaults in one place.

A host site needs none of them. Read at call time (`get("NAME")`), so tests and operators
can change them without restarting the code that imports this module.

- `KINDERSCHUTZ_BASE_TEMPLATE` ("base.html"): the template every plugin page extends
  (through the context processor `kinderschutz_cms.context_processors.plugin`). It must
  define the blocks `title`, `extra_head` (inside `<head>`), `body_class` and `content`.
- `KINDERSCHUTZ_TRUSTED_PROXY_COUNT` (0): reverse proxies in front of the web processes
  that append to X-Forwarded-For; 0 = the client is REMOTE_ADDR (`client_ip.py`).
- `CONTENT_SECURITY_POLICY` (a strict same-origin policy, `DEFAULT_POLICY` below) and
  `CONTENT_SECURITY_POLICY_EXEMPT_PREFIXES` (("/admin/",)): the public pages' CSP, set by
  `kinderschutz_cms.middleware.ContentSecurityPolicyMiddleware` if installed.
- `KINDERSCHUTZ_PAGE_CACHE_SECONDS` (300): how long anonymous views of public pages are
  kept in the shared cache (`page_cache.py`); 0 turns that cache off.
- `WAGTAILADMIN_BASE_URL` (""): Wagtail's own setting, the public address links without
  a request (e-mails, tasks) start with (`links.py`).
"""

from django.conf import settings

DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

DEFAULTS = {
    "KINDERSCHUTZ_BASE_TEMPLATE": "base.html",
    "KINDERSCHUTZ_TRUSTED_PROXY_COUNT": 0,
    "CONTENT_SECURITY_POLICY": DEFAULT_POLICY,
    "CONTENT_SECURITY_POLICY_EXEMPT_PREFIXES": ("/admin/",),
    "WAGTAILADMIN_BASE_URL": "",
    "KINDERSCHUTZ_PAGE_CACHE_SECONDS": 300,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
