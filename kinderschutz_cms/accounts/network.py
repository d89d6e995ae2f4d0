"""The client address of a login, as the reverse proxy reports it.

One rule for every per-client limit: `kinderschutz_cms.client_ip.client_address` reads
`KINDERSCHUTZ_TRUSTED_PROXY_COUNT` (the public forms' rate limit uses it too). django-axes
gets this function as AXES_CLIENT_IP_CALLABLE; it wants None, not a placeholder, when
the address is unknown.
"""

from django.http import HttpRequest

from kinderschutz_cms.client_ip import UNKNOWN, client_address


def client_ip(request: HttpRequest) -> str | None:
    address = client_address(request)
    return None if address == UNKNOWN else address
