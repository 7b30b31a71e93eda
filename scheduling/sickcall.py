"""A sick call on the day: record the absence, then re-plan only the affected days.

The re-plan starts from what is published for each day (`previous`, with a very high
weight on changes, see problem_builder.REPLAN_CHANGE_WEIGHT); the sick member's shifts drop
out because absences remove shifts. The new draft has the horizon of the plan in force on
the sick day; every other visit is copied unchanged from the version the pages show for its
day: what is published (so a newer plan published for some of those days is kept) with the
team's edits not yet published (plans.store_solver_plan).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from extensions import db
from scheduling import jobs
from scheduling.models import Plan, SolverRun
from scheduling.plans import PlanError
from scheduling.published import published_plan
from teams import service as team_service
from teams.models import Absence, StaffMember, User


def sick_on(staff: StaffMember, day: date) -> Absence | None:
    """The member's sick absence that covers day, if one is registered."""
    return next(
        (a for a in staff.absences if a.kind == "sick" and a.start_date <= day <= a.end_date),
        None,
    )


def lock_member(staff: StaffMember) -> None:
    """Serialise sick reports of one member (a row lock on the member, held to the commit),
    then reload the member's absences: two taps at once find the first one's absence
    instead of both saving one. FOR NO KEY UPDATE: the new absence's foreign key to the
    member does not wait for it."""
    db.session.execute(
        sa.select(StaffMember.id).where(StaffMember.id == staff.id).with_for_update(key_share=True)
    )
    db.session.refresh(staff, ["absences"])


def report_sick(
    staff: StaffMember, day: date, user: User | None, end_date: date | None = None
) -> Absence:
    """Record a sick day (or days) for the member; an existing sick absence is reused."""
    lock_member(staff)
    return sick_on(staff, day) or team_service.add_absence(
        staff, "sick", day, end_date or day, user
    )


def affected_days(plan: Plan, staff: StaffMember, day: date) -> tuple[date, int]:
    """From `day` to the end of the member's absence, within the plan's horizon."""
    last = plan.horizon_start + timedelta(days=plan.days - 1)
    for absence in staff.absences:
        if absence.start_date <= day <= absence.end_date:
            last = min(last, absence.end_date)
    return day, (last - day).days + 1


def start_replan(staff: StaffMember, day: date, user: User | None, time_limit_s: int) -> SolverRun:
    """Queue a re-plan of the affected days from what is published (PlanError if nothing is
    published for the day)."""
    plan = published_plan(staff.team_id, day)
    if plan is None:
        raise PlanError("no_published_plan")
    start, days = affected_days(plan, staff, day)
    return jobs.start_run(staff.team, start, days, user, time_limit_s, replan_from=plan)
