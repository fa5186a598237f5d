"""Outbound target checks: HTTPS only, no private, loopback or link-local address (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


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
    private = any(_is_private(a) for a in found)
    if private and not allow_private:
        raise UnsafeTarget("private, loopback and link-local targets are refused")
    if parts.scheme != "https" and not (allow_private and (private or not found)):
        raise UnsafeTarget("a webhook URL must use https")
