"""The planning service: the stable API the views, the board and the jobs call.

Every function flushes; the caller (view or job) commits once. Ids in problem and plan
JSON are "s<staff id>", "c<client id>", "v<visit id>" (`staff_key`, `key_id`, ...).

Visits from care needs (scheduling.expand)
    expand_visits(team, start, days, needs=None) -> list[Visit]      idempotent
    reexpand_need(need, now=None) -> dict                             after a need changed
    cancel_need_visits(need, now=None) -> int                         before a need is deleted
    sync_client_visits(client, now=None) -> dict                      after a client absence
    client_expects_visit(client, day) -> bool
Problem (scheduling.problem_builder)
    build_problem(team, start, days, *, replan_from=None, now=None) -> dict   PROBLEM-FORMAT.md
What is published for each day (scheduling.published, the one home of that fact)
    published_by_day(team_id, start, end) -> {day: Plan | None};  published_plan(team_id, day)
    current_plan(team_id, day) -> Plan | None     the version pages show and edits start from
    stale_days(plan) -> list[date]                days a newer publication overtook a draft
Plan versions (scheduling.plans)
    latest_plan(team_id, state=None, day=None) / latest_plan_for(team_id, start, days, state)
    current_assignments(team_id, start, end, state="published") -> {visit_id: [Assignment]}
    new_draft_from(plan, user=None) -> Plan    copy a version, day by day what is published
    may_publish(user, team) -> bool;  publish_plan(plan, user) -> Plan (PlanError, "plan_stale")
    diff_plans(old, new, staff_id=None) / diff_from_base(plan, staff_id=None) -> [StaffChanges]
    plan_json(plan, problem) -> dict                          teamplan-plan/1 for a problem
    days_json({day: Plan | None}, problem) -> dict       the same, each day from its version
Solver runs (scheduling.jobs)
    start_run(team, start, days, user, time_limit_s, replan_from=None) -> SolverRun
    launch(app, run_id);  cancel_run(run);  run_solver(run_id)   (the job, in-process)
    solve_and_publish(team, start, days, time_limit_s) -> Plan | None   (seed-demo)
Sick call (scheduling.sickcall)
    report_sick(staff, day, user, end_date=None) -> Absence
    start_replan(staff, day, user, time_limit_s) -> SolverRun    (PlanError "no_published_plan")
iCal (scheduling.ical)
    calendar_token(staff, renew=False) -> CalendarToken;  staff_calendar(staff, today=None) -> str
"""

from scheduling.expand import (  # noqa: F401
    cancel_need_visits,
    client_expects_visit,
    expand_upcoming,
    expand_visits,
    reexpand_need,
    sync_client_visits,
)
from scheduling.plans import (  # noqa: F401
    PlanError,
    StaffChanges,
    client_key,
    current_assignments,
    days_json,
    diff_from_base,
    diff_plans,
    key_id,
    latest_plan,
    latest_plan_for,
    may_publish,
    new_draft_from,
    plan_json,
    publish_plan,
    staff_key,
    store_solver_plan,
    team_plans,
    visit_key,
)
from scheduling.problem_builder import build_problem  # noqa: F401
from scheduling.published import (  # noqa: F401
    current_plan,
    published_by_day,
    published_plan,
    stale_days,
)
