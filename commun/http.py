"""The visitor's address, the one every throttle and audit entry is keyed on.

Behind reverse proxies every connection comes from the nearest proxy: the visitor's address is then the entry
that the farthest trusted proxy wrote in X-Forwarded-For, the TRUSTED_PROXY_COUNT-th from the right. Entries to
its left were written by the visitor and prove nothing; with no trusted proxy the header is ignored."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        # A request that did not cross every proxy (a health check from the host itself).
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
