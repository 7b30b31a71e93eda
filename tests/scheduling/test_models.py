"""Visits, plan versions and assignments: every version kept, optimistic locking."""

from datetime import datetime, time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from scheduling.models import Assignment, Plan, Visit
from timeutil import local_today


@pytest.fixture
def visit(world, db):
    day = local_today()
    v = Visit(
        team=world.team_a,
        client=world.client_a,
        care_need=world.need_a,
        date=day,
        earliest_start=datetime.combine(day, time(7)),
        latest_start=datetime.combine(day, time(9)),
        duration_min=30,
        staff_required=1,
        skills=["insulin"],
        kind="morning",
    )
    db.session.add(v)
    db.session.commit()
    return v


def make_plan(team, version, **kw) -> Plan:
    return Plan(team=team, horizon_start=local_today(), days=14, version=version, **kw)


def test_visit_stores_skills_as_list(visit, db):
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).skills == ["insulin"]


def test_plan_versions_are_all_kept(world, visit, db):
    first = make_plan(world.team_a, 1, state="published")
    second = make_plan(
        world.team_a,
        2,
        based_on=first,
        solver_status="FEASIBLE",
        solver_metrics={"continuity": 4.5},
    )
    second.assignments.append(
        Assignment(visit=visit, staff=world.staff_a, start=visit.earliest_start, source="solver")
    )
    db.session.add_all([first, second])
    db.session.commit()
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.version)).all()
    assert [p.version for p in plans] == [1, 2]
    assert plans[1].based_on is plans[0]
    assert plans[1].solver_metrics == {"continuity": 4.5}


def test_plan_version_unique_per_team(world, db):
    db.session.add_all([make_plan(world.team_a, 1), make_plan(world.team_a, 1)])
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_assignment_version_counts_updates(world, visit, db):
    plan = make_plan(world.team_a, 1)
    a = Assignment(plan=plan, visit=visit, staff=world.staff_a, start=visit.earliest_start)
    db.session.add(a)
    db.session.commit()
    assert a.version == 1
    a.pinned = True
    db.session.commit()
    assert a.version == 2


def test_stale_assignment_update_is_refused(world, visit, db):
    """Two people claiming at once: the second write, based on an old version, fails."""
    plan = make_plan(world.team_a, 1)
    a = Assignment(plan=plan, visit=visit, staff=world.staff_a, start=visit.earliest_start)
    db.session.add(a)
    db.session.commit()
    assert a.version == 1  # this user has read version 1 ...
    db.session.execute(  # ... meanwhile someone else saves version 2
        sa.update(Assignment).values(version=2).execution_options(synchronize_session=False)
    )
    a.source = "claimed"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()


def test_other_staff_member_can_share_a_visit(world, visit, db):
    plan = make_plan(world.team_a, 1)
    for staff in (world.staff_a, world.lead_a):
        db.session.add(Assignment(plan=plan, visit=visit, staff=staff, start=visit.earliest_start))
    db.session.commit()
    assert len(plan.assignments) == 2


def test_visit_outcomes_are_the_ones_follow_up_records(visit, db):
    from followup import records, service
    from scheduling.models import VISIT_OUTCOMES

    assert VISIT_OUTCOMES is records.OUTCOMES and "not_done" in VISIT_OUTCOMES
    service.record_outcome(visit, "not_done", None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).outcome == "not_done"


def test_visit_refuses_an_unknown_outcome(visit):
    with pytest.raises(ValueError):
        visit.outcome = "no_show"
