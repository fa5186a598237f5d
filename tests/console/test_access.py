"""The one authorisation rule, as a table: role, action, the case's office → allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.staff import Act, Role, may, visible_offices
from storage.escalation_models import Caseworker

SAME, OTHER, NONE = "jember", "kuala_lumpur", None
TABLE = [
    (Role.CASEWORKER, Act.READ, SAME, True),
    (Role.CASEWORKER, Act.READ, OTHER, False),
    (Role.CASEWORKER, Act.TAKE_OVER, SAME, False),
    (Role.CASEWORKER, Act.LEGAL_HOLD, SAME, False),
    (Role.CASEWORKER, Act.REFER, SAME, False),
    (Role.CASEWORKER, Act.MANAGE_ACCOUNTS, NONE, False),
    (Role.CASEWORKER, Act.EXPORT_RESEARCH, NONE, False),
    (Role.SUPERVISOR, Act.READ, SAME, True),
    (Role.SUPERVISOR, Act.READ, OTHER, False),
    (Role.SUPERVISOR, Act.TAKE_OVER, SAME, True),
    (Role.SUPERVISOR, Act.TAKE_OVER, OTHER, False),
    (Role.SUPERVISOR, Act.LEGAL_HOLD, SAME, True),
    (Role.SUPERVISOR, Act.LEGAL_HOLD, OTHER, False),
    (Role.SUPERVISOR, Act.REFER, SAME, True),
    (Role.SUPERVISOR, Act.MANAGE_ACCOUNTS, NONE, False),
    (Role.SUPERVISOR, Act.EXPORT_RESEARCH, NONE, False),
    (Role.ADMIN, Act.READ, SAME, True),
    (Role.ADMIN, Act.READ, OTHER, True),
    (Role.ADMIN, Act.TAKE_OVER, OTHER, True),
    (Role.ADMIN, Act.LEGAL_HOLD, OTHER, True),
    (Role.ADMIN, Act.REFER, OTHER, True),
    (Role.ADMIN, Act.MANAGE_ACCOUNTS, NONE, True),
    (Role.ADMIN, Act.EXPORT_RESEARCH, NONE, True),
]


def person(role: Role, *, disabled: bool = False) -> Caseworker:
    stamp = dt.datetime(2026, 12, 1, tzinfo=dt.UTC) if disabled else None
    return Caseworker(id=1, name="Sri", office=SAME, role=role.value, disabled_at=stamp)


@pytest.mark.parametrize(("role", "act", "office", "allowed"), TABLE)
def test_the_rule(role: Role, act: Act, office: str | None, allowed: bool) -> None:
    assert may(person(role), act, office) is allowed


@pytest.mark.parametrize("role", list(Role))
def test_a_disabled_account_may_nothing_and_sees_no_office(role: Role) -> None:
    gone = person(role, disabled=True)
    assert not any(may(gone, act, SAME) for act in Act)
    assert visible_offices(gone) == frozenset()


def test_only_an_admin_sees_every_office() -> None:
    assert visible_offices(person(Role.SUPERVISOR)) == {SAME}
    assert {SAME, OTHER, "jakarta"} <= visible_offices(person(Role.ADMIN))


def test_an_unknown_stored_role_counts_as_a_caseworker() -> None:
    odd = Caseworker(id=2, name="X", office=SAME, role="owner")
    assert may(odd, Act.READ, SAME)
    assert not may(odd, Act.TAKE_OVER, SAME)
