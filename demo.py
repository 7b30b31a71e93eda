"""Demo data: a pilot team and a comparison team around Linköping, built from the same
generator the benchmarks use (scheduling.solver.generate), plus the demo accounts."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from clients.models import CareNeed, Client, ClientAbsence
from extensions import db
from scheduling.solver.teamspec import ClientSpec, NeedSpec, StaffSpec, TeamSpec
from teams.models import Absence, Shift, StaffMember, StaffSkill, Team, User

DEMO_PASSWORD = "demo"
DELEGATIONS = ("insulin", "medication", "wound", "stoma", "catheter")  # personal, max 1 year
PROFESSION_CODES = {
    "undersköterska": "underskoterska",
    "vårdbiträde": "vardbitrade",
    "sjuksköterska": "sjukskoterska",
}
PILOT = {"seed": 7, "n_staff": 30, "n_clients": 36, "name": "Team Ryd", "area": "Ryd, Linköping"}
COMPARISON = {
    "seed": 11,
    "n_staff": 26,
    "n_clients": 32,
    "name": "Team Skäggetorp",
    "area": "Skäggetorp, Linköping",
}


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Team.id))) == 0


def seed_demo(start: date, generate) -> dict[str, Team]:
    """Both demo teams and the four demo accounts (caller commits).

    `generate` is generate_team(seed, n_staff, n_clients, start, days) -> TeamSpec.
    """
    teams = {}
    for key, cfg, flags in (
        ("pilot", PILOT, {"is_pilot": True, "pilot_start": start - timedelta(days=90)}),
        ("comparison", COMPARISON, {"is_comparison": True}),
    ):
        spec = generate(
            cfg["seed"], n_staff=cfg["n_staff"], n_clients=cfg["n_clients"], start=start, days=14
        )
        teams[key] = build_team(spec, name=cfg["name"], area=cfg["area"], **flags)
    add_demo_absences(teams["pilot"], start)
    add_demo_users(teams["pilot"])
    db.session.flush()
    return teams


def build_team(spec: TeamSpec, name: str, area: str, **flags) -> Team:
    """Store a generated team: staff with skills and shifts, clients with needs."""
    team = Team(
        name=name,
        area=area,
        office_address=f"{area} (kontor)",
        office_lat=spec.office_lat,
        office_lon=spec.office_lon,
        horizon_days=spec.days,
        **flags,
    )
    db.session.add(team)
    staff = {s.id: build_staff(team, s, spec.start) for s in spec.staff}
    for c in spec.clients:
        build_client(team, c, staff, spec.start)
    db.session.flush()
    return team


def build_staff(team: Team, s: StaffSpec, start: date) -> StaffMember:
    member = StaffMember(
        team=team,
        name=s.name,
        profession=PROFESSION_CODES.get(s.role, s.role),
        employment_rate=round(s.employment_rate * 100),
        contracted_minutes_week=s.contracted_minutes_week,
        substitute=s.substitute,
        home_address=team.office_address,
    )
    for i, code in enumerate(s.skills):
        # Delegations are personal and time-limited (at most a year); other skills do not expire.
        until = None
        if code in DELEGATIONS:
            until = start + timedelta(days=120 + 37 * (i + len(s.name)) % 240)
        member.skills.append(StaffSkill(code=code, valid_until=until))
    for sh in s.shifts:
        member.shifts.append(
            Shift(
                start=sh.start,
                end=sh.end,
                break_earliest=sh.break_earliest,
                break_latest=sh.break_latest,
                break_minutes=sh.break_minutes,
            )
        )
    db.session.add(member)
    return member


def build_client(team: Team, c: ClientSpec, staff: dict[str, StaffMember], start: date) -> Client:
    client = Client(
        team=team,
        name=c.name,
        address=c.address,
        lat=c.lat,
        lon=c.lon,
        birth_year=c.birth_year,
        active_from=start - timedelta(days=200),
    )
    client.contact_staff = [staff[i] for i in c.contact_staff]
    client.preferred_staff = [staff[i] for i in c.preferred_staff]
    client.refused_staff = [staff[i] for i in c.refused_staff]
    client.needs = [build_need(n, start) for n in c.needs]
    db.session.add(client)
    return client


def build_need(n: NeedSpec, start: date) -> CareNeed:
    """NeedSpec weekdays count from 0 = Monday; CareNeed stores ISO digits (1 = Monday).
    Every-n-weeks needs count their weeks from the horizon start, so valid_from = start."""
    return CareNeed(
        kind=n.kind,
        weekdays="".join(str(d + 1) for d in sorted(n.weekdays)),
        interval_weeks=n.every_n_weeks,
        earliest=time.fromisoformat(n.window_start),
        latest=time.fromisoformat(n.window_end),
        duration_min=n.duration,
        staff_required=n.staff_required,
        skills=list(n.skills),
        valid_from=start,
    )


def add_demo_absences(team: Team, start: date) -> None:
    """A sick day, a training day and a client in hospital, so the pages show them."""
    staff = sorted(team.staff, key=lambda s: s.name)
    if len(staff) >= 3:
        staff[1].absences.append(Absence(kind="sick", start_date=start, end_date=start))
        day = start + timedelta(days=3)
        staff[2].absences.append(Absence(kind="training", start_date=day, end_date=day))
    client = db.session.scalar(sa.select(Client).where(Client.team == team).order_by(Client.name))
    if client is not None:
        client.absences.append(
            ClientAbsence(
                kind="hospital",
                start_date=start + timedelta(days=4),
                end_date=start + timedelta(days=8),
            )
        )


def add_demo_users(team: Team) -> None:
    """demo-staff and demo-lead belong to the pilot team; password 'demo' for all four."""
    regular = [s for s in team.staff if not s.substitute]
    regular.sort(key=lambda s: (-len(s.shifts), s.name))
    links = {"demo-lead": regular[0], "demo-staff": regular[1]}
    for role in ("staff", "lead", "evaluator", "admin"):
        username = f"demo-{role}"
        user = User(username=username, role=role, staff_member=links.get(username))
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
