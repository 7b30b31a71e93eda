"""Plain factory functions for test rows (they add and flush; tests commit if needed)."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from werkzeug.security import generate_password_hash

from clients.models import CareNeed, Client
from extensions import db
from teams.models import Shift, StaffMember, StaffSkill, Team, User
from timeutil import local_today

PASSWORD = "secret-pw"
# A cheap hash keeps the suite fast; production uses werkzeug's default (scrypt).
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_team(name: str = "Team Test", **kw) -> Team:
    team = Team(name=name, area=kw.pop("area", "Ryd"), **kw)
    db.session.add(team)
    db.session.flush()
    return team


def make_staff(team: Team, name: str = "Anna Andersson", skills=(), **kw) -> StaffMember:
    staff = StaffMember(team=team, name=name, **kw)
    staff.skills = [StaffSkill(code=code) for code in skills]
    db.session.add(staff)
    db.session.flush()
    return staff


def make_user(username: str, role: str = "staff", staff: StaffMember | None = None, **kw) -> User:
    user = User(username=username, role=role, staff_member=staff, password_hash=_FAST_HASH, **kw)
    db.session.add(user)
    db.session.flush()
    return user


def make_client(team: Team, name: str = "Britta Berg", contact=(), **kw) -> Client:
    kw.setdefault("active_from", local_today() - timedelta(days=30))
    client = Client(team=team, name=name, address=kw.pop("address", "Storgatan 1"), **kw)
    client.contact_staff = list(contact)
    db.session.add(client)
    db.session.flush()
    return client


def make_need(client: Client, kind: str = "morning", **kw) -> CareNeed:
    defaults = {
        "weekdays": "1234567",
        "earliest": time(7),
        "latest": time(9),
        "duration_min": 30,
        "valid_from": local_today() - timedelta(days=7),
    }
    need = CareNeed(client=client, kind=kind, **(defaults | kw))
    db.session.add(need)
    db.session.flush()
    return need


def make_shift(staff: StaffMember, day: date | None = None, start=time(7), end=time(15)) -> Shift:
    day = day or local_today()
    shift = Shift(staff=staff, start=datetime.combine(day, start), end=datetime.combine(day, end))
    db.session.add(shift)
    db.session.flush()
    return shift


def two_team_world() -> SimpleNamespace:
    w = SimpleNamespace()
    for key in ("a", "b"):
        team = make_team(f"Team {key.upper()}")
        lead = make_staff(team, f"Lena Lead {key.upper()}")
        staff = make_staff(team, f"Sara Staff {key.upper()}")
        client = make_client(team, f"Klient {key.upper()}", contact=[staff])
        need = make_need(client)
        setattr(w, f"team_{key}", team)
        setattr(w, f"lead_{key}", lead)
        setattr(w, f"staff_{key}", staff)
        setattr(w, f"client_{key}", client)
        setattr(w, f"need_{key}", need)
        setattr(w, f"shift_{key}", make_shift(staff))
        make_user(f"lead-{key}", "lead", lead)
        make_user(f"staff-{key}", "staff", staff)
    make_user("eval", "evaluator")
    make_user("admin", "admin")
    return w
