"""Hand edits with the live rule check: claim, give away, swap, move (scheduling/edits.py)."""

from datetime import datetime, time

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from scheduling import edits
from scheduling.models import Assignment, Plan, Visit
from tests.scheduling.board_world import board_world


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        db.session.commit()
        yield world


def plans(db) -> list[Plan]:
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.version)))


def staff_on(plan: Plan, visit: Visit) -> set[int]:
    return {a.staff_id for a in plan.assignments if a.visit_id == visit.id}


def test_claim_of_free_visit_makes_a_draft_with_a_pinned_claim(w, db):
    result = edits.claim(w.lunch, w.lunch.version, w.bo, w.users["bo"])
    db.session.commit()
    assert result.applied and result.conflicts == []
    draft = plans(db)[-1]
    assert (draft.version, draft.state, draft.based_on_id) == (2, "draft", w.plan.id)
    row = next(a for a in draft.assignments if a.visit_id == w.lunch.id)
    assert (row.staff_id, row.pinned, row.source) == (w.bo.id, True, "claimed")
    assert w.lunch.earliest_start <= row.start <= w.lunch.latest_start
    assert staff_on(w.plan, w.lunch) == set()  # the published version is untouched


def test_claim_reports_the_change_in_distinct_staff(w, db):
    result = edits.claim(w.lunch, w.lunch.version, w.bo, w.users["bo"])
    assert result.continuity == [("Karin Holm", 1, 2)]


def test_impossible_claim_is_refused_with_travel_minutes_and_nothing_is_written(w, db):
    result = edits.claim(w.lars_visit, w.lars_visit.version, w.anna, w.users["anna"])
    db.session.rollback()
    assert not result.applied
    text = result.conflicts[0].text
    assert "min" in text and "Storgatan 3" in text and "08:05" in text
    assert [p.version for p in plans(db)] == [1]
    assert staff_on(plans(db)[0], w.lars_visit) == {w.bo.id}


def test_missing_delegation_is_named(w, db):
    result = edits.claim(w.morning, w.morning.version, w.bo, w.users["bo"])
    assert not result.applied
    assert any(c.code == "missing_skill" and "insulin" in c.text for c in result.conflicts)


def test_refused_by_client(w, db):
    result = edits.claim(w.lars_visit, w.lars_visit.version, w.cia, w.users["cia"])
    assert [c.code for c in result.conflicts] == ["refused_staff"]
    assert "Lars Nord" in result.conflicts[0].text


def test_flag_policy_keeps_the_edit_and_flags_it(w, db):
    if not hasattr(w.team, "edit_rule_policy"):
        pytest.skip("Team.edit_rule_policy not migrated yet")
    w.team.edit_rule_policy = "flag"
    db.session.commit()
    result = edits.claim(w.morning, w.morning.version, w.bo, w.users["bo"])
    db.session.commit()
    assert result.applied and result.flagged
    assert staff_on(plans(db)[-1], w.morning) == {w.bo.id}
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "plan.claim")).one()
    assert "missing_skill" in event.details["conflicts"]


def test_stale_version_is_refused_before_anything_is_written(w, db):
    seen = w.lunch.version
    edits.claim(w.lunch, seen, w.bo, w.users["bo"])
    db.session.commit()
    with pytest.raises(edits.StaleEdit):
        edits.claim(w.lunch, seen, w.cia, w.users["cia"])
    db.session.rollback()
    draft = plans(db)[-1]
    assert staff_on(draft, w.lunch) == {w.bo.id}


def test_every_edit_is_audited(w, db):
    edits.claim(w.lunch, w.lunch.version, w.bo, w.users["bo"])
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "plan.claim" in actions


def test_give_away_back_to_unassigned(w, db):
    result = edits.give_away(w.morning, w.morning.version, w.anna, None, w.users["anna"])
    db.session.commit()
    assert result.applied
    assert staff_on(plans(db)[-1], w.morning) == set()
    assert result.continuity == [("Karin Holm", 1, 0)]


def test_give_away_to_a_colleague_is_checked(w, db):
    result = edits.give_away(w.morning, w.morning.version, w.anna, w.bo, w.users["anna"])
    assert not result.applied
    assert result.conflicts[0].code == "missing_skill"


def test_give_away_someone_elses_place_fails(w, db):
    with pytest.raises(edits.EditError):
        edits.give_away(w.lars_visit, w.lars_visit.version, w.anna, None, w.users["anna"])


def test_swap_with_a_colleague(w, db, app):
    # Give Bo the insulin delegation, so the swap breaks no rule but travel might.
    from tests import factories  # noqa: F401

    w.bo.skills.append(type(w.anna.skills[0])(code="insulin"))
    db.session.commit()
    result = edits.swap(
        w.morning,
        w.morning.version,
        w.lars_visit,
        w.lars_visit.version,
        w.anna,
        w.bo,
        w.users["anna"],
    )
    db.session.commit()
    assert result.applied, [c.text for c in result.conflicts]
    draft = plans(db)[-1]
    assert staff_on(draft, w.morning) == {w.bo.id}
    assert staff_on(draft, w.lars_visit) == {w.anna.id}


def test_move_within_the_window(w, db):
    new_start = datetime.combine(w.day, time(8, 20))
    result = edits.move(w.morning, w.morning.version, new_start, w.users["anna"])
    db.session.commit()
    assert result.applied
    row = next(a for a in plans(db)[-1].assignments if a.visit_id == w.morning.id)
    assert row.start == new_start


def test_move_outside_the_window_is_refused(w, db):
    result = edits.move(
        w.morning, w.morning.version, datetime.combine(w.day, time(9, 30)), w.users["anna"]
    )
    assert not result.applied
    assert any(c.code == "start_outside_window" and "07:30" in c.text for c in result.conflicts)


def test_move_that_loses_the_break(w, db):
    # Anna's break must fit 11:00-13:00; a long lunch visit at 11:00 leaves no 30 minutes.
    from tests.scheduling.board_world import make_visit

    long = make_visit(w.team, w.karin, w.day, (11, 0), (11, 10), minutes=110, kind="cleaning")
    db.session.commit()
    result = edits.claim(long, long.version, w.anna, w.users["anna"])
    assert any(c.code == "no_break" and "30" in c.text for c in result.conflicts)


def test_a_second_edit_changes_the_same_draft(w, db):
    edits.claim(w.lunch, w.lunch.version, w.bo, w.users["bo"])
    db.session.commit()
    edits.give_away(w.morning, w.morning.version, w.anna, None, w.users["anna"])
    db.session.commit()
    assert [p.version for p in plans(db)] == [1, 2]
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 2 + 2
