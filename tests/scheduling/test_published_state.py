"""What is published for a day is one fact (found by the browser audit of the demo).

1. A sick-call re-plan copied the whole horizon of the older published plan that covers the
   sick day, so publishing it undid a newer plan published for some of those days.
2. A draft made (by a claim) before a newer plan was published could be published over it,
   and then the client's "who comes when" page and the board disagreed about who comes.

The world: a 14-day plan published from today ("v13"), then a plan for days 5-11 ("week
49") with other staff published over it; Dan, who has no visits, claims.
"""

import re
from datetime import time, timedelta

import pytest
from babel.dates import format_date

from scheduling import boardplan, edits, jobs, plans, sickcall
from scheduling.models import Assignment, Plan
from tests import factories
from tests.scheduling.planning_world import hand_plan, small_team, visits_of
from timeutil import local_today

NEWER_FROM, NEWER_DAYS = 5, 7


@pytest.fixture
def w(app, db):
    app.config["SOLVER_LAUNCH"] = "inline"
    app.config["SOLVER_TIME_LIMIT_S"] = 1
    w = small_team(local_today(), days=14)
    w.dan = factories.make_staff(w.team, "Dan Dahl")
    for d in range(14):
        factories.make_shift(w.dan, w.start + timedelta(days=d), time(7), time(15))
    w.dan_user = factories.make_user("dan", "staff", w.dan)
    w.older = hand_plan(w)  # published: each client's contact person, all 14 days
    w.newer_start = w.start + timedelta(days=NEWER_FROM)
    w.newer_end = w.newer_start + timedelta(days=NEWER_DAYS)
    db.session.commit()
    return w


def publish_newer(w, db) -> Plan:
    """The lead publishes a plan for days 5-11 that gives each client the next colleague."""
    plan = plans.new_plan(w.team, w.newer_start, NEWER_DAYS, w.lead)
    for v in visits_of(w.team):
        if w.newer_start <= v.date < w.newer_end:
            contact = w.staff.index(v.client.contact_staff[0])
            staff = w.staff[(contact + 1) % len(w.staff)]
            start = v.earliest_start + timedelta(minutes=30)
            db.session.add(Assignment(plan=plan, visit=v, staff=staff, start=start))
    db.session.flush()
    plans.publish_plan(plan, w.lead)
    db.session.commit()
    return plan


def published_rows(w, start, end) -> set[tuple[int, int, object]]:
    """(visit, staff, start) of what is published for the days in [start, end)."""
    rows = plans.current_assignments(w.team.id, start, end, "published")
    return {(a.visit_id, a.staff_id, a.start) for found in rows.values() for a in found}


def rows_of(plan: Plan, start, end) -> set[tuple[int, int, object]]:
    return {
        (a.visit_id, a.staff_id, a.start) for a in plan.assignments if start <= a.visit.date < end
    }


def first_visit(w, client_index: int, day_offset: int, kind: str = "morning"):
    day = w.start + timedelta(days=day_offset)
    return next(
        v
        for v in visits_of(w.team, day)
        if v.client_id == w.clients[client_index].id and v.kind == kind
    )


def claim(w, db, visit) -> edits.EditResult:
    result = edits.claim(visit, visit.version, w.dan, w.dan_user)
    assert result.applied, [c.text for c in result.conflicts]
    db.session.commit()
    return result


def row_of(html: str, visit_id: int) -> str:
    """The table row of a page that links to the visit."""
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    return next(r for r in rows if f'href="/visits/{visit_id}"' in r)


# ---------------------------------------------------------------------------------
# 1. a sick-call re-plan starts from what is published for each day it copies


def sick_call_replan(w, db):
    """The third member calls in sick for the plan's second day: (member, day, the re-plan's
    draft)."""
    sick, day = w.staff[2], w.start + timedelta(days=1)
    sickcall.report_sick(sick, day, w.lead)
    run = sickcall.start_replan(sick, day, w.lead, time_limit_s=1)
    db.session.commit()
    run = jobs.run_solver(run.id, workers=1)
    assert run.state == "done", run.error_detail
    return sick, day, run.plan


def test_a_sick_call_replan_keeps_a_newer_published_plan(w, db):
    newer = publish_newer(w, db)
    week = rows_of(newer, w.newer_start, w.newer_end)
    assert published_rows(w, w.newer_start, w.newer_end) == week
    sick, day, draft = sick_call_replan(w, db)
    assert rows_of(draft, w.newer_start, w.newer_end) == week  # copied from the newer plan

    plans.publish_plan(draft, w.lead)
    db.session.commit()
    assert published_rows(w, w.newer_start, w.newer_end) == week  # nothing of it undone
    sick_day = published_rows(w, day, day + timedelta(days=1))
    assert sick_day and all(staff != sick.id for _v, staff, _s in sick_day)
    rest = w.start + timedelta(days=2)
    assert published_rows(w, rest, w.newer_start) == rows_of(w.older, rest, w.newer_start)


def test_the_change_summary_after_a_sick_call_shows_only_the_replanned_day(w, db, client, auth):
    publish_newer(w, db)
    week = published_rows(w, w.newer_start, w.newer_end)
    sick, day = w.staff[2], w.start + timedelta(days=1)
    auth.login("lead-liten")
    client.post(f"/teams/{w.team.id}/sick-call", data={"staff_id": sick.id, "day": day.isoformat()})
    draft = db.session.scalars(db.select(Plan).order_by(Plan.version.desc())).first()
    assert draft.state == "draft" and draft.solver_status is not None
    response = client.post(f"/plans/{draft.id}/publish")
    assert response.headers["Location"].endswith(f"/plans/{draft.id}/diff")
    db.session.refresh(draft)
    assert draft.state == "published"
    assert published_rows(w, w.newer_start, w.newer_end) == week

    changes = plans.diff_from_base(draft)
    changed_days = {
        a.visit.date
        for c in changes
        for a in [*c.added, *c.removed, *(new for _old, new in c.moved)]
    }
    assert changed_days == {day}  # the summary speaks of the re-planned day only
    page = client.get(f"/plans/{draft.id}/diff").get_data(as_text=True)
    assert f"version {w.older.version}, {w.older.version + 1} → version {draft.version}" in page

    def shown(day) -> str:
        return format_date(day, "EEE d MMM y", locale="sv")

    assert sick.name in page and shown(day) in page
    newer_days = [w.newer_start + timedelta(days=d) for d in range(NEWER_DAYS)]
    assert not [d for d in newer_days if shown(d) in page]


def test_a_sick_call_replan_keeps_the_edits_not_yet_published(w, db):
    """Dan claimed a visit on day 3 and the lead gave him another on day 4; nothing was
    published yet. A sick call for day 1 made a re-plan that copied the other days from
    what is published, so the boards (which show the newest draft) lost both edits at once,
    and publishing the re-plan made them gone for good. The re-plan keeps them."""
    claimed = first_visit(w, 0, 3)
    claim(w, db, claimed)
    given = first_visit(w, 1, 4)
    giver = next(a.staff for a in w.older.assignments if a.visit_id == given.id)
    result = edits.give_away(given, given.version, giver, w.dan, w.lead)
    assert result.applied
    db.session.commit()
    edited = result.plan
    dan_rows = {(a.visit_id, a.start) for a in edited.assignments if a.staff_id == w.dan.id}
    assert {v for v, _s in dan_rows} == {claimed.id, given.id}

    sick, day, draft = sick_call_replan(w, db)
    rest = w.start + timedelta(days=2)
    end = w.start + timedelta(days=14)
    assert rows_of(draft, rest, end) == rows_of(edited, rest, end)
    for v in (claimed, given):
        assert {a.staff_id for a in boardplan.current_plan(w.team.id, v.date).assignments
                if a.visit_id == v.id} == {w.dan.id}  # fmt: skip

    plans.publish_plan(draft, w.lead)
    db.session.commit()
    published = published_rows(w, rest, end)
    assert {(v, w.dan.id, start) for v, start in dan_rows} <= published


# ---------------------------------------------------------------------------------
# 2. a draft built on an older published state is not published over a newer one


def test_an_older_draft_is_not_published_over_a_newer_plan(w, db):
    older_draft = claim(w, db, first_visit(w, 0, 1)).plan
    assert older_draft.state == "draft" and older_draft.based_on_id == w.older.id
    newer = publish_newer(w, db)
    week = rows_of(newer, w.newer_start, w.newer_end)

    with pytest.raises(plans.PlanError) as refused:
        plans.publish_plan(older_draft, w.lead)
    assert refused.value.code == "plan_stale"
    assert plans.stale_days(older_draft) == [
        w.newer_start + timedelta(days=d) for d in range(NEWER_DAYS)
    ]
    db.session.rollback()
    db.session.refresh(older_draft)
    assert older_draft.state == "draft" and older_draft.published_at is None
    assert published_rows(w, w.newer_start, w.newer_end) == week


def test_publishing_an_outdated_draft_is_refused_in_swedish(w, db, client, auth):
    older_draft = claim(w, db, first_visit(w, 0, 1)).plan
    newer = publish_newer(w, db)
    auth.login("lead-liten")
    page = client.get(f"/plans/{older_draft.id}").get_data(as_text=True)
    assert "En nyare plan har publicerats" in page
    response = client.post(f"/plans/{older_draft.id}/publish", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "En nyare plan har publicerats" in page and "gör ett nytt förslag" in page
    db.session.refresh(older_draft)
    assert older_draft.state == "draft"
    assert published_rows(w, w.newer_start, w.newer_end) == rows_of(
        newer, w.newer_start, w.newer_end
    )


def test_a_draft_made_before_bases_were_recorded_counts_as_built_on_its_parent(w, db):
    draft = plans.new_draft_from(w.older)
    draft.base_by_day = None  # as the migration leaves drafts made before it
    db.session.commit()
    assert plans.stale_days(draft) == []
    publish_newer(w, db)
    assert plans.stale_days(draft) == [w.newer_start + timedelta(days=d) for d in range(7)]
    with pytest.raises(plans.PlanError):
        plans.publish_plan(draft, w.lead)


# ---------------------------------------------------------------------------------
# 3. every page shows each day from the one rule


def test_the_pages_agree_on_who_comes(w, db, client, auth):
    """An older draft covers the newer plan's days: every page shows the newer plan there,
    and the claim on the older draft's own day where nothing newer was published."""
    claimed = first_visit(w, 0, 1)
    claim(w, db, claimed)
    publish_newer(w, db)
    later = first_visit(w, 0, NEWER_FROM + 1)
    bo, anna = w.staff[1], w.staff[0]  # the newer plan gives Klara Bo instead of Anna
    auth.login("staff-liten")

    client_page = client.get(f"/clients/{w.clients[0].id}/visits").get_data(as_text=True)
    assert bo.name in row_of(client_page, later.id)
    assert anna.name not in row_of(client_page, later.id)
    assert w.dan.name in row_of(client_page, claimed.id)
    visit_page = client.get(f"/visits/{later.id}").get_data(as_text=True)
    who = visit_page.split("Vem kommer</dt>")[1].split("</dd>")[0]
    assert bo.name in who and anna.name not in who
    monday = later.date - timedelta(days=later.date.weekday())
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    board = client.get(f"/teams/{w.team.id}/board?week={week}").get_data(as_text=True)
    assert bo.name in row_of(board, later.id)
    claimed_week = claimed.date - timedelta(days=claimed.date.weekday())
    iso = claimed_week.isocalendar()
    board = client.get(f"/teams/{w.team.id}/board?week={iso.year}-W{iso.week:02d}")
    assert w.dan.name in row_of(board.get_data(as_text=True), claimed.id)
    mine = client.get(f"/staff/{bo.id}/day/{later.date.isoformat()}").get_data(as_text=True)
    assert w.clients[0].name in mine


# ---------------------------------------------------------------------------------
# the staff's claim drafts follow the same rule


def test_a_claim_after_a_newer_plan_goes_to_a_draft_built_on_it(w, db):
    first = first_visit(w, 0, 1)
    older_draft = claim(w, db, first).plan
    newer = publish_newer(w, db)
    week = rows_of(newer, w.newer_start, w.newer_end)

    second = first_visit(w, 1, 2)
    draft = claim(w, db, second).plan
    assert draft.id != older_draft.id and plans.stale_days(draft) == []
    assert rows_of(draft, w.newer_start, w.newer_end) == week
    held = {(a.visit_id, a.staff_id) for a in draft.assignments}
    assert {(first.id, w.dan.id), (second.id, w.dan.id)} <= held  # the first claim kept

    plans.publish_plan(draft, w.lead)
    db.session.commit()
    assert published_rows(w, w.newer_start, w.newer_end) == week
    published = plans.current_assignments(w.team.id, w.start, w.newer_start, "published")
    assert [a.staff_id for a in published[first.id]] == [w.dan.id]
    assert [a.staff_id for a in published[second.id]] == [w.dan.id]


def test_a_claim_in_the_newer_plans_days_does_not_go_to_the_older_draft(w, db):
    older_draft = claim(w, db, first_visit(w, 0, 1)).plan
    newer = publish_newer(w, db)
    later = first_visit(w, 2, NEWER_FROM + 2)
    draft = claim(w, db, later).plan
    assert draft.id != older_draft.id and draft.based_on_id == newer.id
    plans.publish_plan(draft, w.lead)
    db.session.commit()
    published = plans.current_assignments(w.team.id, w.newer_start, w.newer_end, "published")
    assert [a.staff_id for a in published[later.id]] == [w.dan.id]
    others = rows_of(newer, w.newer_start, w.newer_end) - {
        (a.visit_id, a.staff_id, a.start) for a in newer.assignments if a.visit_id == later.id
    }
    assert others <= published_rows(w, w.newer_start, w.newer_end)
