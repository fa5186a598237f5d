"""Webhook connections go to the address that was checked: DNS rebinding cannot reach loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from escalation.delivery import http
from escalation.delivery.poster import Poster
from escalation.offices import Endpoint
from storage.delivery_claims import Claimed

PUBLIC = "93.184.216.34"
"""A public address the fake resolver names; nothing ever connects to it."""
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class Listener:
    """A loopback TCP server that answers 200 and remembers what reached it."""

    port: int = 0
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        self.requests.append(head)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    found = Listener()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    async with server:
        yield found


class Rebinding:
    """A resolver that answers a public address first and loopback every time after."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return [PUBLIC] if len(self.asked) == 1 else ["127.0.0.1"]


def claimed() -> Claimed:
    return Claimed(1, "msg_pinned", 1, 1, "case.opened", 0, '{"type":"case.opened"}', 0)


def endpoint(url: str) -> Endpoint:
    return Endpoint("pinned", "KL", "primary", url, (b"k" * 32,))


async def test_an_answer_that_turns_loopback_after_the_check_is_refused(
    listener: Listener,
) -> None:
    resolver = Rebinding()
    poster = Poster(
        request_timeout=2.0,
        connect_timeout=1.0,
        max_idle=4,
        allow_private=False,
        resolve=resolver,
    )
    url = f"https://hooks.example.org:{listener.port}/hook"
    try:
        attempt = await poster.attempt(endpoint(url), claimed(), NOW)
    finally:
        await poster.aclose()
    assert resolver.asked == ["hooks.example.org", "hooks.example.org"]  # checked, then pinned
    assert attempt.error == "unsafe_target"
    assert attempt.status == 0
    assert listener.connections == 0


async def test_the_connection_goes_to_the_checked_address_and_keeps_the_host_name(
    listener: Listener,
) -> None:
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    # loopback receivers are allowed here by name, as in every delivery test
    poster = Poster(
        request_timeout=2.0, connect_timeout=1.0, max_idle=4, allow_private=True, resolve=resolver
    )
    url = f"http://receiver.test:{listener.port}/hook"  # .test never resolves on its own
    try:
        attempt = await poster.attempt(endpoint(url), claimed(), NOW)
    finally:
        await poster.aclose()
    assert attempt.status == 200, attempt.error
    assert listener.connections == 1
    assert f"Host: receiver.test:{listener.port}".encode() in listener.requests[0]
    assert asked == ["receiver.test", "receiver.test"]


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Writes a self-signed certificate for name and its key; returns both paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_tls_to_the_pinned_address_verifies_the_host_name(tmp_path: Path) -> None:
    cert_path, key_path = _certificate(tmp_path, "receiver.test")
    found = Listener()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert_path, key_path)
    served.sni_callback = lambda sock, name, context: found.server_names.append(name)
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0, ssl=served)
    port = server.sockets[0].getsockname()[1]
    trusted = ssl.create_default_context(cafile=str(cert_path))

    def pin(host: str, port: int, tls: bool) -> list[str]:
        return ["127.0.0.1"]

    async with server:
        pool = http.Pool(connect_timeout=1.0, pin=pin, tls=trusted)
        answer = await pool.post(f"https://receiver.test:{port}/hook", b"{}", {}, 64)
        await pool.aclose()
        other = http.Pool(connect_timeout=1.0, pin=pin, tls=trusted)
        with pytest.raises(http.ConnectError):  # the certificate does not name this host
            await other.post(f"https://other.test:{port}/hook", b"{}", {}, 64)
    assert answer.status == 200
    assert found.server_names[0] == "receiver.test"
    assert found.connections >= 1
