"""The visitor's address: X-Forwarded-For is believed only as far as the trusted proxies go."""

import pytest
from django.test import RequestFactory

from commun.http import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        # One proxy: it appended the visitor; what the visitor wrote before is ignored.
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        # Two proxies: the first appended the visitor, the second the first proxy.
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Not through every proxy, or garbage: the connection's own address.
        (2, "198.51.100.1", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_visitor_is_the_entry_the_farthest_one_wrote(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == expected
