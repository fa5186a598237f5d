"""Offices as data: each office's webhook endpoints by level, the operators and the deadlines."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escalation.delivery.signing import decode_secret
from escalation.delivery.ssrf import check_url

LEVELS = ("office", "supervisor", "jakarta", "operator")
"""Re-escalation goes one level at a time, in this order; the last one never goes silent."""

JAKARTA = "jakarta"
ANY_OFFICE = "*"
OPERATOR = "operator"
URGENCIES = ("P0", "P1", "P2", "P3")


class ConfigError(ValueError):
    """The office config is wrong; the message names the entry, never a secret."""


@dataclass(frozen=True)
class Endpoint:
    """A caseworker system: where webhooks go, which keys sign them, which keys sign callbacks."""

    name: str
    office: str
    level: str
    url: str
    secrets: tuple[bytes, ...]
    previous: tuple[bytes, ...] = ()
    previous_valid_until: dt.datetime | None = None
    inbound: tuple[bytes, ...] = ()
    max_in_flight: int = 8

    def signing_keys(self, now: dt.datetime) -> tuple[bytes, ...]:
        """Returns the current keys, plus the previous ones during a rotation."""
        valid = self.previous_valid_until is not None and now < self.previous_valid_until
        return self.secrets + (self.previous if valid else ())

    def callback_keys(self, now: dt.datetime) -> tuple[bytes, ...]:
        """Returns the keys a callback from this system may be signed with."""
        return self.inbound or self.signing_keys(now)


@dataclass(frozen=True)
class Office:
    """One office: its endpoints and, optionally, a Telegram caseworker group."""

    id: str
    name: str
    endpoints: tuple[Endpoint, ...] = ()
    telegram_group_id: str | None = None
    third_party: bool = False
    """A partner organisation, not Migrant CARE: the referral gate guards what it receives."""


DEFAULT_ACK = {"P0": 15, "P1": 60, "P2": 8 * 60, "P3": 24 * 60}
"""Minutes to acknowledge, per urgency, around the clock (a PROPOSAL: configurable)."""


@dataclass(frozen=True)
class Deadlines:
    """How long each urgency may wait for an acknowledgement, and the operator reminder."""

    ack: Mapping[str, dt.timedelta] = field(
        default_factory=lambda: {u: dt.timedelta(minutes=m) for u, m in DEFAULT_ACK.items()}
    )
    operator_repeat: dt.timedelta = dt.timedelta(hours=2)

    def ack_due(self, urgency: str, now: dt.datetime) -> dt.datetime:
        """Returns when an escalation of this urgency must be acknowledged."""
        return now + self.ack.get(urgency, self.ack["P3"])


@dataclass(frozen=True)
class Directory:
    """Every office, the operators' endpoints and catch-all endpoints (office "*")."""

    offices: Mapping[str, Office] = field(default_factory=dict)
    operators: tuple[Endpoint, ...] = ()
    catch_all: tuple[Endpoint, ...] = ()
    deadlines: Deadlines = field(default_factory=Deadlines)

    def endpoints(self) -> tuple[Endpoint, ...]:
        """Returns every endpoint, each once."""
        found = [e for o in self.offices.values() for e in o.endpoints]
        return (*found, *self.operators, *self.catch_all)

    def endpoint(self, name: str) -> Endpoint | None:
        """Returns the endpoint of a name, if configured."""
        return next((e for e in self.endpoints() if e.name == name), None)

    def targets(self, lead: str, level: int) -> tuple[Endpoint, ...]:
        """Returns the endpoints alerted at a level of a case led by an office."""
        name = LEVELS[min(level, len(LEVELS) - 1)]
        office = self.offices.get(lead)
        own = office.endpoints if office else ()
        if name == "office":
            found = tuple(e for e in own if e.level == "office")
        elif name == "supervisor":
            found = tuple(e for e in own if e.level in ("supervisor", "on_call"))
        elif name == "jakarta":
            jakarta = self.offices.get(JAKARTA)
            found = jakarta.endpoints if jakarta else ()
        else:
            found = self.operators
        return found + self.catch_all

    def copies(self, offices: Iterable[str], lead: str) -> tuple[Endpoint, ...]:
        """Returns the office-level endpoints of the offices copied on a case."""
        found: list[Endpoint] = []
        for office_id in offices:
            office = self.offices.get(office_id)
            if office is not None and office_id != lead:
                found.extend(e for e in office.endpoints if e.level == "office")
        return tuple(found)


def _secret(entry: Mapping[str, Any], key: str, env: Mapping[str, str]) -> tuple[bytes, ...]:
    value = entry.get(key)
    if value is None and entry.get(f"{key}_env"):
        value = env.get(str(entry[f"{key}_env"]))
        if not value:
            raise ConfigError(f"endpoint {entry.get('name')}: {entry[f'{key}_env']} is not set")
    if value is None:
        return ()
    try:
        return (decode_secret(str(value)),)
    except ValueError as error:
        raise ConfigError(f"endpoint {entry.get('name')}: {key}: {error}") from None


def endpoint_from(
    entry: Mapping[str, Any], office: str, env: Mapping[str, str], allow_private: bool
) -> Endpoint:
    """Returns one endpoint from its config entry, checking its URL and secrets."""
    name, url = str(entry.get("name", "")), str(entry.get("url", ""))
    if not name or not url:
        raise ConfigError(f"an endpoint of {office} needs a name and a url")
    try:
        check_url(url, allow_private=allow_private, resolve=False)
    except ValueError as error:
        raise ConfigError(f"endpoint {name}: {error}") from None
    secrets = _secret(entry, "secret", env)
    if not secrets:
        raise ConfigError(f"endpoint {name}: set secret_env (a whsec_ secret)")
    until = entry.get("previous_valid_until")
    level = str(entry.get("level", "office" if office != OPERATOR else OPERATOR))
    if level not in (*LEVELS, "on_call"):
        raise ConfigError(f"endpoint {name}: unknown level {level!r}")
    return Endpoint(
        name=name,
        office=office,
        level=level,
        url=url,
        secrets=secrets,
        previous=_secret(entry, "previous_secret", env),
        previous_valid_until=dt.datetime.fromisoformat(str(until)) if until else None,
        inbound=_secret(entry, "inbound_secret", env),
        max_in_flight=int(entry.get("max_in_flight", 8)),
    )


def parse(
    data: Mapping[str, Any], env: Mapping[str, str], *, allow_private: bool = False
) -> Directory:
    """Returns the directory a parsed TOML document describes."""
    offices = {}
    for entry in data.get("office", []):
        office_id = str(entry["id"])
        endpoints = tuple(
            endpoint_from(e, office_id, env, allow_private) for e in entry.get("endpoint", [])
        )
        group = entry.get("telegram_group_id")
        offices[office_id] = Office(
            office_id,
            str(entry.get("name", office_id)),
            endpoints,
            str(group) if group else None,
            third_party=bool(entry.get("third_party", False)),
        )
    operators = tuple(
        endpoint_from(e, OPERATOR, env, allow_private)
        for e in data.get("operator", {}).get("endpoint", [])
    )
    raw = data.get("deadlines", {})
    ack = {u: dt.timedelta(minutes=float(raw.get(u, DEFAULT_ACK[u]))) for u in URGENCIES}
    repeat = dt.timedelta(minutes=float(raw.get("operator_repeat", 120)))
    directory = Directory(offices, operators, (), Deadlines(ack, repeat))
    names = [e.name for e in directory.endpoints()]
    if len(names) != len(set(names)):
        raise ConfigError("endpoint names must be unique")
    return directory


def load(
    path: Path | None,
    *,
    env: Mapping[str, str] | None = None,
    allow_private: bool = False,
    extra: Iterable[Endpoint] = (),
) -> Directory:
    """Reads the office config file (missing: no office endpoints) and adds catch-all endpoints."""
    data: dict[str, Any] = {}
    if path is not None and path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    directory = parse(data, os.environ if env is None else env, allow_private=allow_private)
    return Directory(directory.offices, directory.operators, tuple(extra), directory.deadlines)


def catch_all(name: str, url: str, secret: str, *, allow_private: bool) -> Endpoint:
    """Returns the endpoint of the one-endpoint case (ESCALATION_WEBHOOK_URL and _SECRET)."""
    entry = {"name": name, "url": url, "secret": secret}
    return endpoint_from(entry, ANY_OFFICE, {}, allow_private)


def third_party(directory: Directory, endpoint_name: str | None) -> str | None:
    """Returns the office id when an endpoint belongs to a third-party office, else None."""
    endpoint = directory.endpoint(endpoint_name) if endpoint_name else None
    office = directory.offices.get(endpoint.office) if endpoint else None
    return office.id if office is not None and office.third_party else None
