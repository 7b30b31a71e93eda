"""Demo data built from the shared generator's TeamSpec, and the seed-demo command."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

import demo
from clients.models import CareNeed, Client
from config import ProductionConfig
from scheduling.solver.generate import generate_team
from scheduling.solver.teamspec import ClientSpec, NeedSpec, ShiftSpec, StaffSpec, TeamSpec
from teams.models import Shift, StaffMember, Team, User
from timeutil import local_today

START = date(2026, 11, 23)


def tiny_spec() -> TeamSpec:
    shift = ShiftSpec(
        datetime(2026, 11, 23, 7),
        datetime(2026, 11, 23, 15, 30),
        datetime(2026, 11, 23, 11),
        datetime(2026, 11, 23, 13),
        30,
    )
    staff = (
        StaffSpec(
            "s01", "Anna Ek", "undersköterska", ("insulin", "lift"), False, 0.75, 1721, (shift,)
        ),
        StaffSpec("s02", "Bo Lind", "vårdbiträde", (), True, 0.5, 1148, ()),
    )
    need = NeedSpec("morning", (0, 2, 4), 1, "07:00", "08:00", 30, 2, ("lift",))
    client = ClientSpec(
        "c01",
        "Cecilia Holm",
        "Ryd 1, Linköping",
        58.40,
        15.57,
        1936,
        (need,),
        contact_staff=("s01",),
        refused_staff=("s02",),
    )
    return TeamSpec("Team Ryd (seed 1)", "Ryd", START, 14, 58.41, 15.62, staff, (client,))


def test_build_team_from_hand_made_spec(db):
    team = demo.build_team(tiny_spec(), name="Team Ryd", area="Ryd, Linköping", is_pilot=True)
    db.session.commit()
    anna = db.session.scalar(sa.select(StaffMember).where(StaffMember.name == "Anna Ek"))
    assert anna.profession == "underskoterska" and anna.employment_rate == 75
    assert {s.code for s in anna.skills} == {"insulin", "lift"}
    insulin = next(s for s in anna.skills if s.code == "insulin")
    assert insulin.valid_until is not None and insulin.valid_until <= START + timedelta(days=366)
    assert anna.shifts[0].break_minutes == 30
    client = db.session.scalar(sa.select(Client))
    assert client.team is team and client.birth_year == 1936
    assert [s.name for s in client.contact_staff] == ["Anna Ek"]
    assert [s.name for s in client.refused_staff] == ["Bo Lind"]
    need = client.needs[0]
    assert need.weekdays == "135" and need.staff_required == 2 and need.skills == ["lift"]
    assert need.occurs_on(START) and not need.occurs_on(START + timedelta(days=1))


def test_seed_demo_builds_pilot_and_comparison_teams(db):
    teams = demo.seed_demo(local_today(), generate_team)
    db.session.commit()
    pilot, comparison = teams["pilot"], teams["comparison"]
    assert pilot.is_pilot and pilot.pilot_start and comparison.is_comparison
    assert 25 <= len(pilot.staff) <= 35
    clients = db.session.scalars(sa.select(Client).where(Client.team == pilot)).all()
    assert 30 <= len(clients) <= 40
    needs = [n for c in clients for n in c.needs]
    assert any(n.staff_required == 2 for n in needs)
    assert any("insulin" in n.skills for n in needs)
    assert any(s.substitute for s in pilot.staff)
    assert all(58.2 < c.lat < 58.6 and 15.4 < c.lon < 15.9 for c in clients)  # Linköping
    first_shift = db.session.scalar(sa.select(sa.func.min(Shift.start)))
    assert first_shift.date() >= local_today()
    lead = db.session.scalar(sa.select(User).where(User.username == "demo-lead"))
    assert lead.role == "lead" and lead.team_id == pilot.id and lead.check_password("demo")
    roles = db.session.scalars(sa.select(User.role).order_by(User.role)).all()
    assert roles == ["admin", "evaluator", "lead", "staff"]


def test_seed_demo_command_and_if_empty(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count(Team.id))) == 2
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert runner.invoke(args=["seed-demo"]).exit_code != 0  # never on top of data
    assert db.session.scalar(sa.select(sa.func.count(CareNeed.id))) > 0


def test_demo_lead_sees_demo_team_in_swedish(app, db, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    response = client.post("/login", data={"username": "demo-lead", "password": "demo"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Team Ryd" in page and "Arbetar i dag" in page


def test_seed_demo_is_refused_in_production(app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret-key")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-real-production-secret-key")
    app.config["DEMO_ALLOWED"] = ProductionConfig.DEMO_ALLOWED
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused under the production configuration" in result.output
