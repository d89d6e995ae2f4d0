"""The client address behind the configured number of proxies, and its rate-limit bucket."""

import pytest
from django.test import RequestFactory

from kinderschutz_cms.client_ip import client_address, rate_limit_bucket


def request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        # no proxy configured: X-Forwarded-For is whatever the client wrote, ignored
        (0, "192.0.2.5", "203.0.113.9", "192.0.2.5"),
        # one proxy: it appended the client's address, the rightmost entry
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        # two proxies: the outer one's entry, two hops from the right
        (2, "10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # ports and brackets as some proxies write them; IPv4-mapped IPv6
        (1, "10.0.0.1", "203.0.113.9:51234", "203.0.113.9"),
        (1, "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        (1, "10.0.0.1", "::ffff:203.0.113.9", "203.0.113.9"),
        # malformed or too short: the proxy's own address, never a client's choice
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "unknown", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.9, <script>", "10.0.0.1"),
        (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),
        (1, "", None, "unknown"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.KINDERSCHUTZ_TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(remote, forwarded)) == expected


def test_client_address_default_is_remote_addr():
    assert client_address(request("192.0.2.5", "203.0.113.9")) == "192.0.2.5"


def test_buckets_group_ipv6_by_64():
    assert rate_limit_bucket("2001:db8:1:2::1") == rate_limit_bucket("2001:db8:1:2:ffff::9")
    assert rate_limit_bucket("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert rate_limit_bucket("2001:db8:1:3::1") != rate_limit_bucket("2001:db8:1:2::1")
    assert rate_limit_bucket("203.0.113.9") == "203.0.113.9"
    assert rate_limit_bucket("unknown") == "unknown"
