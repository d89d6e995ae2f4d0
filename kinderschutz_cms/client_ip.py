"""The address of the client that sent a request, as the proxy set-up defines it.

`KINDERSCHUTZ_TRUSTED_PROXY_COUNT` (default 0) is the number of reverse proxies in front
of the application that each append the address they received the request from to
`X-Forwarded-For`:

- 0: no proxy; the client is `REMOTE_ADDR` and `X-Forwarded-For` is ignored (a client
  can put anything there).
- n > 0: the client is the n-th address from the right of `X-Forwarded-For` (the one the
  outermost trusted proxy appended). Addresses further left were written by the client
  and are never used.

A missing or malformed header, or one with fewer than n addresses, falls back to
`REMOTE_ADDR`: such a request did not come through the proxies as configured, and the
fallback is no address a client can choose.

`client_address(request)` is meant for every per-client limit (registration, login).
`rate_limit_bucket(address)` groups addresses for counting: an IPv4 address counts on its
own, an IPv6 address by its /64 network (one connection usually gets a whole /64).
"""

import ipaddress

from . import conf

UNKNOWN = "unknown"


def trusted_proxy_count() -> int:
    try:
        return max(int(conf.get("KINDERSCHUTZ_TRUSTED_PROXY_COUNT") or 0), 0)
    except (TypeError, ValueError):
        return 0


def parse_address(value: str):
    """An `ipaddress` object for `value` ("1.2.3.4", "2001:db8::1", "[2001:db8::1]:443",
    "1.2.3.4:5678"), or None if it is not an address."""
    value = (value or "").strip().strip('"')
    if not value or len(value) > 100:
        return None
    if value.startswith("["):  # [IPv6]:port
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request) -> str:
    """The client's address as text (see the module docstring), or "unknown"."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    fallback = str(remote) if remote else UNKNOWN
    hops = trusted_proxy_count()
    if not hops:
        return fallback
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    parts = [part.strip() for part in header.split(",")] if header else []
    if len(parts) < hops:
        return fallback
    address = parse_address(parts[-hops])
    return str(address) if address else fallback


def rate_limit_bucket(address: str) -> str:
    """What a per-client limit counts: the IPv4 address, or the /64 of an IPv6 address."""
    parsed = parse_address(address)
    if parsed is None:
        return address or UNKNOWN
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
