"""Who a request comes from: the peer's address, or the address a trusted reverse proxy says it forwarded.

`X-Forwarded-For` is written by the client first and by each proxy after: only the addresses appended by proxies we
trust are believed. Reading from the right, trusted proxies are passed over; the first address that is not one of
them is the client (anything further left, the client may have written itself). For the rate limiter, an IPv6
client is its /64: one home or phone gets a whole /64, and could otherwise take a new address per request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SCOPE_KEY = "basegun.client"


def networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def joined_header(scope: Scope, name: bytes) -> str:
    """Every line of a header that may be repeated, joined as one list (RFC 9110 5.3): a proxy may add its own
    `X-Forwarded-For` line below the client's rather than append to it."""
    return ", ".join(value.decode("latin-1") for key, value in scope.get("headers", []) if key == name)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(text: str, trusted: tuple[Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def from_trusted_proxy(scope: Scope, trusted: tuple[Network, ...]) -> bool:
    """Whether the peer is one of our proxies (only then are its forwarded headers believed)."""
    peer = scope.get("client")
    return bool(trusted and peer and _trusted(peer[0], trusted))


def client_address(scope: Scope, trusted: tuple[Network, ...]) -> str:
    """The client's address, as far as our trusted proxies vouch for it."""
    peer = scope.get("client")
    address = peer[0] if peer else "unknown"
    if not from_trusted_proxy(scope, trusted):
        return address
    forwarded = [part.strip() for part in joined_header(scope, b"x-forwarded-for").split(",") if part.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, trusted):
            return hop if _address(hop) is not None else address  # garbage in the header: the proxy is the client
        address = hop
    return address


def rate_key(address: str) -> str:
    """The rate limiter's key: the IPv4 address, or the IPv6 /64 network."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed) if parsed is not None else address
