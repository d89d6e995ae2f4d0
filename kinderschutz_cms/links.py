"""Absolute links: from the request when there is one, else from one setting.

A link shown on a page (the calendar's subscribe button, its `<link rel="alternate">`,
the URLs inside a feed) is built from the request it answers, so it points to the host
and port the visitor used: behind a proxy that is what `USE_X_FORWARDED_HOST` and
`SECURE_PROXY_SSL_HEADER` make of the forwarded headers, on `make demo` it is
127.0.0.1:8000. A link without a request (e-mails, tasks, management commands) starts
with `WAGTAILADMIN_BASE_URL`, the site's public address (docs/deployment.md).

The Wagtail Site record is not asked for the default site: it answers every host, so
nothing forces its hostname and port to be right. A further, non-default Site is only
reachable under its own hostname, so its record is right by necessity, and links to its
pages start with its root URL.
"""

from django.http import HttpRequest
from wagtail.models import Page, Site

from . import conf


def base_url(site: Site | None = None) -> str:
    """The public address (scheme, host, port) for links without a request."""
    if site is not None and not site.is_default_site:
        return site.root_url
    return (conf.get("WAGTAILADMIN_BASE_URL") or "").rstrip("/")


def absolute_url(location: str, request: HttpRequest | None = None, site: Site | None = None):
    """`location` (a path such as "/anmeldung/…/", or already absolute) as an absolute URL.

    With a request: on the request's scheme, host and port. Without: on `base_url(site)`.
    """
    if "://" in location:
        return location
    if request is not None:
        return request.build_absolute_uri(location)
    return base_url(site) + location


def page_url(page: Page, request: HttpRequest | None = None) -> str:
    """The absolute URL of a page, following the same rule as `absolute_url`."""
    parts = page.get_url_parts(request)
    if parts is None or parts[2] is None:
        return ""
    site_id, root_url, path = parts
    if request is not None:
        current = Site.find_for_request(request)
        if current is None or current.pk == site_id:
            return request.build_absolute_uri(path)
        return root_url + path  # a page of another site: that site's own address
    site = Site.objects.filter(pk=site_id).first()
    return absolute_url(path, site=site)
