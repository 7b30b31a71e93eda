from datetime import timedelta

import pytest
import sqlalchemy as sa

from teams.models import Absence, StaffSkill, User
from tests import factories
from timeutil import local_today


def test_password_is_hashed(db):
    user = User(username="u1", role="staff")
    user.set_password("hemligt-ord")
    assert user.password_hash != "hemligt-ord"
    assert user.check_password("hemligt-ord")
    assert not user.check_password("fel")


def test_team_of_user_comes_from_staff_member(db):
    team = factories.make_team()
    staff = factories.make_staff(team)
    assert factories.make_user("s", "staff", staff).team_id == team.id
    assert factories.make_user("e", "evaluator").team_id is None


def test_inactive_user_is_not_active(db):
    assert not factories.make_user("gone", active=False).is_active


def test_expired_delegation_is_not_valid(db):
    staff = factories.make_staff(factories.make_team())
    today = local_today()
    staff.skills = [
        StaffSkill(code="insulin", valid_until=today - timedelta(days=1)),
        StaffSkill(code="lift"),
        StaffSkill(code="medication", valid_until=today),
    ]
    assert sorted(staff.valid_skills(today)) == ["lift", "medication"]


def test_skill_code_unique_per_staff(db):
    staff = factories.make_staff(factories.make_team())
    db.session.add_all([StaffSkill(staff=staff, code="lift"), StaffSkill(staff=staff, code="lift")])
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_nurses_are_health_care_staff(db):
    team = factories.make_team()
    assert factories.make_staff(team, "N", profession="sjukskoterska").is_health_care
    assert not factories.make_staff(team, "U", profession="underskoterska").is_health_care


def test_deleting_staff_removes_their_shifts_and_absences(db):
    staff = factories.make_staff(factories.make_team())
    factories.make_shift(staff)
    staff.absences.append(Absence(kind="sick", start_date=local_today(), end_date=local_today()))
    db.session.commit()
    db.session.delete(staff)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


def test_shift_minutes(db):
    shift = factories.make_shift(factories.make_staff(factories.make_team()))
    assert shift.minutes == 8 * 60
