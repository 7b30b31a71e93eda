"""Every route x every role x own/other team: the expected status (issue #6).

The table EXPECTED names, for each endpoint, the roles that may use it and whether its rows
belong to a team. A route added without a line here fails `test_every_route_has_an_expectation`,
so nobody can add a page without deciding who sees it. The evaluator's answers are scanned
for every client and staff name, address and coordinate in the database.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for

from clients.models import Client, ClientAbsence
from scheduling.models import Assignment, CalendarToken, Plan, SolverRun, Visit
from teams.models import Absence, StaffMember, StaffSkill, Team
from teams.wishes import Wish
from tests import factories
from timeutil import local_today

ROLES = ("anonymous", "staff", "lead", "evaluator", "admin")
USERS = {"staff": "staff-a", "lead": "lead-a", "evaluator": "eval", "admin": "admin"}
MEMBERS = ("staff", "lead")
ALL = ("staff", "lead", "evaluator", "admin")

# endpoint -> (roles allowed, scope). scope "team": the URL names a team's row, so the other
# team's URL answers 404; "global": no team in the URL; "public": no login needed.
EXPECTED: dict[str, tuple[tuple[str, ...], str]] = {
    "static": ((), "public"),
    "auth.login": ((), "public"),
    "auth.set_language": ((), "public"),
    "ical.feed": ((), "public"),
    "auth.home": (ALL, "global"),
    "auth.logout": (ALL, "global"),
    "api.teams": (ALL, "global"),
    "admin.teams": (("admin",), "global"),
    "admin.team_new": (("admin",), "global"),
    "admin.team_edit": (("admin",), "global"),
    "admin.users": (("admin",), "global"),
    "admin.user_new": (("admin",), "global"),
    "admin.user_edit": (("admin",), "global"),
    "followup.index": (("evaluator", "admin"), "global"),
    "followup.download": (("evaluator", "lead"), "team"),
    "followup_api.continuity": (("evaluator", "lead"), "team"),
    "followup.team": (("lead",), "global"),
    "followup.outcomes": (MEMBERS, "global"),
    "followup.record": (MEMBERS, "team"),
    "api.clients": (MEMBERS, "team"),
    "api.plan": (MEMBERS, "team"),
    "api.problem": (MEMBERS, "team"),
    "clients.index": (MEMBERS, "team"),
    "clients.detail": (MEMBERS, "team"),
    "clients.new": (("lead",), "team"),
    "clients.edit": (("lead",), "team"),
    "clients.need_new": (("lead",), "team"),
    "clients.need_edit": (("lead",), "team"),
    "clients.need_delete": (("lead",), "team"),
    "clients.absence_new": (("lead",), "team"),
    "clients.absence_delete": (("lead",), "team"),
    "clients.import_page": (("lead",), "team"),
    "clients.import_template": (("lead",), "team"),
    "clients.import_confirm": (("lead",), "team"),
    "board.client_view": (MEMBERS, "team"),
    "board.week": (MEMBERS, "team"),
    "board.visit": (MEMBERS, "team"),
    "board.claim": (MEMBERS, "team"),
    "board.give": (MEMBERS, "team"),
    "board.move": (MEMBERS, "team"),
    "board.swap": (MEMBERS, "team"),
    "board.run_list": (MEMBERS, "team"),
    "scheduling.index": (MEMBERS, "team"),
    "scheduling.plan": (MEMBERS, "team"),
    "scheduling.diff": (MEMBERS, "team"),
    "scheduling.publish": (MEMBERS, "team"),
    "scheduling.propose": (MEMBERS, "team"),
    "scheduling.run": (MEMBERS, "team"),
    "scheduling.run_cancel": (MEMBERS, "team"),
    "scheduling.run_progress": (MEMBERS, "team"),
    "scheduling.sick_call": (("lead",), "team"),
    "teams.overview": (MEMBERS, "team"),
    "teams.staff_list": (MEMBERS, "team"),
    "teams.staff_detail": (MEMBERS, "team"),
    "teams.staff_new": (("lead",), "team"),
    "teams.staff_edit": (("lead",), "team"),
    "teams.skill_add": (("lead",), "team"),
    "teams.skill_delete": (("lead",), "team"),
    "teams.shift_new": (MEMBERS, "team"),
    "teams.shift_delete": (MEMBERS, "team"),
    "teams.absence_new": (MEMBERS, "team"),
    "teams.absence_delete": (MEMBERS, "team"),
    # /me/...: the user's own rows (a lead also the team's); another team's row answers 404.
    "selfservice.week": (MEMBERS, "global"),
    "selfservice.shifts": (MEMBERS, "global"),
    "selfservice.shift_new": (MEMBERS, "global"),
    "selfservice.shift_edit": (MEMBERS, "team"),
    "selfservice.shift_delete": (MEMBERS, "team"),
    "selfservice.copy_week": (MEMBERS, "global"),
    "selfservice.absence_new": (MEMBERS, "global"),
    "selfservice.absence_delete": (MEMBERS, "team"),
    "selfservice.sick_today": (MEMBERS, "global"),
    "selfservice.wish_add": (MEMBERS, "global"),
    "selfservice.wish_delete": (MEMBERS, "team"),
    "ical.my_calendar": (MEMBERS, "global"),
}

# Endpoints whose GET needs query parameters; the team parameter follows the side.
QUERY_TEAM = {"followup.download", "followup_api.continuity"}


def _team_rows(team: Team, staff: StaffMember, client: Client, need) -> SimpleNamespace:
    """A visit, a published plan with the staff member on it, a run, absences, a wish."""
    today = local_today()
    visit = Visit(
        team_id=team.id, client_id=client.id, care_need_id=need.id, date=today,
        earliest_start=datetime.combine(today, time(7)),
        latest_start=datetime.combine(today, time(9)), duration_min=30, kind="morning",
    )  # fmt: skip
    plan = Plan(team_id=team.id, horizon_start=today, days=7, version=1, state="published")
    factories.db.session.add_all([visit, plan])
    factories.db.session.flush()
    start = datetime.combine(today, time(8))
    factories.db.session.add(
        Assignment(plan=plan, visit_id=visit.id, staff_id=staff.id, start=start)
    )
    run = SolverRun(team_id=team.id, horizon_start=today, days=7, problem={}, state="done")
    absence = Absence(staff=staff, start_date=today + timedelta(days=20),
                      end_date=today + timedelta(days=21), kind="leave")  # fmt: skip
    c_absence = ClientAbsence(
        client_id=client.id, kind="hospital", start_date=today + timedelta(30)
    )
    skill = StaffSkill(staff=staff, code="insulin")
    wish = Wish(staff_id=staff.id, code="no_evenings")
    token = CalendarToken(staff_id=staff.id, token=f"tok{team.id}x" * 4)
    factories.db.session.add_all([run, absence, c_absence, skill, wish, token])
    factories.db.session.flush()
    return SimpleNamespace(visit=visit, plan=plan, run=run, absence=absence, c_absence=c_absence,
                           skill=skill, wish=wish, token=token)  # fmt: skip


@pytest.fixture
def matrix(world, db):
    """The two-team world with a row of every kind per team, and coordinates to leak."""
    sides = {}
    for key, lat in (("a", 58.41234), ("b", 58.52345)):
        w = world
        team, staff = getattr(w, f"team_{key}"), getattr(w, f"staff_{key}")
        client, need = getattr(w, f"client_{key}"), getattr(w, f"need_{key}")
        client.lat, client.lon, client.address = lat, 15.61234, f"Hemligväg {key.upper()} 7"
        staff.home_lat, staff.home_lon, staff.home_address = lat + 0.1, 15.7, f"Privatgatan {key}"
        rows = _team_rows(team, staff, client, need)
        sides[key] = dict(
            team_id=team.id, staff_id=staff.id, client_id=client.id, need_id=need.id,
            visit_id=rows.visit.id, plan_id=rows.plan.id, against_id=rows.plan.id,
            run_id=rows.run.id, shift_id=getattr(w, f"shift_{key}").id, skill_id=rows.skill.id,
            wish_id=rows.wish.id, day=local_today().isoformat(), token=rows.token.token,
            user_id=1, filename="css/app.css", absence_id=rows.absence.id,
            client_absence_id=rows.c_absence.id,
        )  # fmt: skip
    db.session.commit()
    return SimpleNamespace(own=sides["a"], other=sides["b"])


def url(app, rule, params: dict) -> str:
    values = {arg: params[arg] for arg in rule.arguments}
    if rule.endpoint == "clients.absence_delete":
        values["absence_id"] = params["client_absence_id"]
    with app.test_request_context():
        target = url_for(rule.endpoint, **values)
    if rule.endpoint in QUERY_TEAM:
        target += f"?team={params['team_id']}"
    return target


def rules_of(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def test_every_route_has_an_expectation(app):
    """A new route must be added to EXPECTED (and so to this matrix)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(EXPECTED) == set(), "routes without an access expectation"
    assert set(EXPECTED) - endpoints == set(), "expectations for routes that are gone"


def test_declared_roles_match_the_table(app):
    """The @roles of each view are exactly the table's (public views declare none)."""
    for endpoint, (allowed, _scope) in EXPECTED.items():
        declared = getattr(app.view_functions[endpoint], "allowed_roles", frozenset())
        assert declared == frozenset(allowed), endpoint


def _login(client, role):
    if role != "anonymous":
        response = client.post(
            "/login", data={"username": USERS[role], "password": factories.PASSWORD}
        )
        assert response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(app, matrix, client, role):
    _login(client, role)
    failures = []
    for rule in rules_of(app):
        allowed, scope = EXPECTED[rule.endpoint]
        if "GET" not in rule.methods or scope == "public":
            continue
        for side in ("own", "other"):
            if side == "other" and scope != "team":
                continue
            target = url(app, rule, getattr(matrix, side))
            status = client.get(target).status_code
            want = _expected_get(rule.endpoint, role, side, allowed)
            if status not in want:
                failures.append((rule.endpoint, side, target, status, sorted(want)))
    assert failures == []


def _expected_get(endpoint: str, role: str, side: str, allowed) -> set[int]:
    if role == "anonymous":  # to the login page; the JSON API may answer 401 instead
        return {302, 401} if endpoint.split(".")[0] in ("api", "followup_api") else {302}
    if role not in allowed:
        return {403, 404}
    if side == "other" and role in MEMBERS:
        return {404}  # evaluators see every team's (pseudonymised) figures
    return {200, 302}


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(app, matrix, client, role):
    """State-changing requests from a role that may not, or on the other team, change nothing."""
    _login(client, role)
    failures = []
    for rule in rules_of(app):
        allowed, scope = EXPECTED[rule.endpoint]
        if "POST" not in rule.methods or scope == "public":
            continue
        member_of_a = role in MEMBERS and scope == "team"
        sides = ("own", "other") if role not in allowed else ("other",) if member_of_a else ()
        for side in sides:
            target = url(app, rule, getattr(matrix, side))
            response = client.post(target, data={})
            ok = {403, 404} if role != "anonymous" else {302}
            if response.status_code not in ok or (
                role == "anonymous" and "/login" not in response.headers["Location"]
            ):
                failures.append((rule.endpoint, side, target, response.status_code))
    assert failures == []


def _secrets(db) -> set[str]:
    """Every client and staff name, address and coordinate in the database."""
    found: set[str] = set()
    for c in db.session.scalars(sa.select(Client)):
        found |= {c.name, c.address, *(f"{x:.4f}" for x in (c.lat, c.lon) if x is not None)}
    for s in db.session.scalars(sa.select(StaffMember)):
        found |= {s.name, s.home_address}
        found |= {f"{x:.4f}" for x in (s.home_lat, s.home_lon) if x is not None}
    return {text for text in found if text}


def _texts(data: bytes) -> list[str]:
    """The text of a response; for an export, of every file in the zip (and in an XLSX)."""
    if data[:2] != b"PK":
        return [data.decode("utf-8", "replace")]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [text for name in z.namelist() for text in _texts(z.read(name))]


def test_evaluator_never_receives_names_addresses_or_coordinates(app, matrix, client, db):
    secrets = _secrets(db)
    assert "Klient A" in secrets and "Hemligväg A 7" in secrets and "58.4123" in secrets
    _login(client, "evaluator")
    seen = 0
    for rule in rules_of(app):
        allowed, scope = EXPECTED[rule.endpoint]
        if "GET" not in rule.methods or scope == "public":
            continue
        for side in ("own", "other"):
            target = url(app, rule, getattr(matrix, side))
            targets = [target, target + "&format=xlsx"] if "export" in target else [target]
            for response in map(client.get, targets):
                seen += response.status_code == 200
                for text in _texts(response.get_data()):
                    leaked = {s for s in secrets if s in text}
                    assert leaked == set(), (rule.endpoint, leaked)
    assert seen >= 5  # the evaluator's own pages were really looked at
