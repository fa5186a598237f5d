"""Outbound target checks: HTTPS only, no private, loopback or link-local address (SSRF).

The connection is pinned: `pinned` resolves the host once, checks every answer and returns the
checked addresses, and the HTTP client connects to one of those, never to the name again, so a
DNS answer that changes between check and connect (rebinding) cannot reach a private address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]
"""Returns every address a host name has (an IP literal is its own address)."""


class UnsafeTarget(ValueError):
    """A webhook URL Suara refuses to call."""


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def addresses(host: str, port: int) -> list[str]:
    """Returns every address a host name resolves to (an IP literal resolves to itself)."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise UnsafeTarget(f"cannot resolve {host!r}") from error
    return sorted({str(info[4][0]) for info in found})


def _literal(host: str) -> list[str]:
    """Returns [host] when it is an IP address, else [] (no DNS lookup)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return []
    return [host]


def _judge(found: list[str], *, https: bool, allow_private: bool) -> None:
    """Raises UnsafeTarget when any address is private (unless allowed) or plain HTTP is public."""
    private = any(_is_private(a) for a in found)
    if private and not allow_private:
        raise UnsafeTarget("private, loopback and link-local targets are refused")
    if not https and not (allow_private and (private or not found)):
        raise UnsafeTarget("a webhook URL must use https")


def check_url(url: str, *, allow_private: bool, resolve: bool = True) -> None:
    """Raises UnsafeTarget unless url is HTTPS to public addresses (or private ones are allowed)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise UnsafeTarget("a webhook URL needs a host and no credentials")
    if parts.scheme not in ("https", "http"):
        raise UnsafeTarget("a webhook URL must use https")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    found = addresses(host, port) if resolve else _literal(host)
    _judge(found, https=parts.scheme == "https", allow_private=allow_private)


def pinned(
    host: str, port: int, *, https: bool, allow_private: bool, resolve: Resolver = addresses
) -> list[str]:
    """Resolves host once and returns its addresses after checking every one of them."""
    found = resolve(host, port)
    if not found:
        raise UnsafeTarget(f"no address for {host!r}")
    _judge(found, https=https, allow_private=allow_private)
    return found
