"""Telegram caseworker groups: one post per level as an escalation moves up, and a new post
when a case becomes more urgent, through both drivers and the fake Bot API."""

from __future__ import annotations

import datetime as dt

import group_alert_helpers as groups

from escalation import deadlines, service
from storage import db
from storage.escalation_models import Escalation
from storage.models import Case


async def test_each_level_posts_once(group_app: groups.GroupApp, fake: groups.FakeBotAPI) -> None:
    engine = group_app.core.engine
    case = groups.planted_case(engine, urgency="P0", copies=("jakarta", "jember"))
    escalation = groups.open_escalation(group_app, case)
    desk = group_app.desk()
    later = dt.datetime.now(dt.UTC)
    for _ in range(2):  # office -> supervisor -> jakarta -> operator
        later += dt.timedelta(hours=1)
        for _ in range(2):  # a second sweep at the same moment finds nothing overdue
            with db.session(engine) as session:
                deadlines.sweep(session, desk, later)
    await group_app.settle()
    kl, jakarta = fake.texts(groups.KL_GROUP), fake.texts(groups.JAKARTA_GROUP)
    assert len(kl) == 2
    assert kl[0].startswith(f"Kasus baru {case.reference}")
    assert "naik ke tingkat ini" in kl[1]
    assert "atasan atau petugas jaga" in kl[1]
    assert len(jakarta) == 2  # copied on the new case, then alerted at its own level
    assert jakarta[0].startswith(f"New case {case.reference}")
    assert "Level: office." in jakarta[0]
    assert jakarta[1].startswith(f"Nobody acknowledged case {case.reference}")
    assert "Level: Jakarta." in jakarta[1]
    with db.session(engine) as session:
        row = session.get(Escalation, escalation.id)
        assert row is not None
        assert row.level == 2
        deadlines.sweep(session, desk, later + dt.timedelta(hours=1))
    await group_app.settle()
    assert len(fake.texts(groups.JAKARTA_GROUP)) == 3
    assert "Level: operator." in fake.texts(groups.JAKARTA_GROUP)[-1]
    assert groups.leaks(fake) == []


async def test_a_case_that_becomes_more_urgent_is_posted_again(
    group_app: groups.GroupApp, fake: groups.FakeBotAPI
) -> None:
    engine = group_app.core.engine
    case = groups.planted_case(engine, urgency="P2")
    groups.open_escalation(group_app, case)
    await group_app.settle()
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.urgency = "P0"
        service.open_or_update(session, group_app.desk(), row, "urgent", dt.datetime.now(dt.UTC))
    await group_app.settle()
    kl = fake.texts(groups.KL_GROUP)
    assert len(kl) == 2
    assert kl[1].startswith(f"Kasus {case.reference} menjadi lebih mendesak.")
    assert "P0" in kl[1]
    with db.session(engine) as session:  # the same urgency again: nothing new in the group
        row = session.get(Case, case.id)
        assert row is not None
        service.open_or_update(session, group_app.desk(), row, "urgent", dt.datetime.now(dt.UTC))
    await group_app.settle()
    assert len(fake.texts(groups.KL_GROUP)) == 2
    assert groups.leaks(fake) == []
