"""The client address as the reverse proxy reports it.

With `KINDERSCHUTZ_TRUSTED_PROXY_COUNT = N` proxies in front of the site, each appending
the address it received from to X-Forwarded-For, the client is the N-th entry from the
right; entries further left are whatever the client sent and cannot be trusted. With
N = 0 (no proxy) or a header shorter than N, REMOTE_ADDR is the client.

The public forms' rate limit reads the same setting the same way (events/spam.py);
django-axes gets this function as AXES_CLIENT_IP_CALLABLE.
"""

from django.http import HttpRequest

from .conf import setting


def client_ip(request: HttpRequest) -> str | None:
    proxies = int(setting("KINDERSCHUTZ_TRUSTED_PROXY_COUNT"))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
