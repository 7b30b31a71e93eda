"""The administrator's team and user pages."""

import pytest
import sqlalchemy as sa

from teams import service
from teams.models import StaffMember, Team, User
from tests import factories


def test_admin_lists_and_creates_teams(world, auth, client, db):
    auth.login("admin")
    assert "Team A" in client.get("/admin/teams").get_data(as_text=True)
    data = {
        "name": "Team C",
        "area": "Lambohov",
        "travel_speed_kmh": "15",
        "travel_detour_factor": "1.4",
        "travel_minimum_minutes": "3",
        "horizon_days": "14",
        "publish_policy": "lead",
        "is_pilot": "y",
        "pilot_start": "2026-09-01",
    }
    assert client.post("/admin/teams/new", data=data).status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "Team C"))
    assert team.is_pilot and team.publish_policy == "lead" and team.horizon_days == 14
    assert team.travel_detour_factor == 1.4 and team.travel_minimum_minutes == 3


def test_team_form_validation(world, auth, client):
    auth.login("admin")
    data = {
        "name": "Team A",
        "travel_speed_kmh": "15",
        "horizon_days": "60",
        "is_pilot": "y",
        "is_comparison": "y",
        "publish_policy": "lead",
    }
    page = client.post("/admin/teams/new", data=data).get_data(as_text=True)
    assert "Ange mellan 1 och 28 dagar." in page
    assert "Ett team kan inte vara både pilotteam och jämförelseteam." in page
    assert "Ett pilotteam behöver ett startdatum för piloten." in page


def test_team_name_must_be_unique(world, auth, client):
    auth.login("admin")
    data = {
        "name": "Team A",
        "travel_speed_kmh": "15",
        "horizon_days": "14",
        "publish_policy": "lead",
    }
    response = client.post("/admin/teams/new", data=data)
    assert response.status_code == 400
    assert "Det finns redan ett team med det namnet." in response.get_data(as_text=True)


def test_admin_creates_lead_linked_to_staff(world, auth, client, db):
    auth.login("admin")
    data = {
        "username": "ny-lead",
        "password": "langt-losenord",
        "role": "lead",
        "staff_member_id": "0",
        "language": "",
        "active": "y",
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 400
    assert "måste kopplas till en medarbetare" in response.get_data(as_text=True)


def test_staff_member_can_have_only_one_user(world, auth, client):
    auth.login("admin")
    data = {
        "username": "dubblett",
        "password": "langt-losenord",
        "role": "staff",
        "staff_member_id": str(world.staff_a.id),
        "language": "",
        "active": "y",
    }
    response = client.post("/admin/users/new", data=data)
    assert "Den här medarbetaren har redan en användare." in response.get_data(as_text=True)


def test_admin_creates_and_edits_evaluator(world, auth, client, db):
    auth.login("admin")
    data = {
        "username": "fou",
        "password": "langt-losenord",
        "role": "evaluator",
        "staff_member_id": "0",
        "language": "en",
        "active": "y",
    }
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "fou"))
    assert user.check_password("langt-losenord") and user.language == "en"
    edit = data | {"password": "", "active": ""}
    assert client.post(f"/admin/users/{user.id}/edit", data=edit).status_code == 302
    db.session.refresh(user)
    assert not user.active and user.check_password("langt-losenord")


def test_new_user_needs_password(world, auth, client):
    auth.login("admin")
    data = {"username": "utan", "password": "", "role": "admin", "staff_member_id": "0"}
    response = client.post("/admin/users/new", data=data)
    assert "En ny användare behöver ett lösenord." in response.get_data(as_text=True)


def _admin_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "password": "",
        "role": user.role,
        "staff_member_id": "0",
        "language": "",
        "active": "y" if user.active else "",
    }
    return data | changes


LAST_ADMIN = "sista aktiva administratören"


@pytest.mark.parametrize("change", [{"active": ""}, {"role": "evaluator"}])
def test_the_last_active_admin_cannot_lock_out_administration(world, auth, client, db, change):
    auth.login("admin")
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    response = client.post(f"/admin/users/{admin.id}/edit", data=_admin_data(admin, **change))
    assert response.status_code == 400
    assert LAST_ADMIN in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"
    assert client.get("/admin/users").status_code == 200  # still logged in, still admin


def test_an_admin_may_step_down_while_another_admin_remains(world, auth, client, db):
    other = factories.make_user("admin-2", "admin")
    inactive = factories.make_user("admin-old", "admin", active=False)
    db.session.commit()
    auth.login("admin")
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    response = client.post(f"/admin/users/{other.id}/edit", data=_admin_data(other, active=""))
    assert response.status_code == 302  # admin remains
    # Now "admin" is the only active one (admin-old is inactive): demoting it is refused.
    response = client.post(
        f"/admin/users/{admin.id}/edit", data=_admin_data(admin, role="evaluator")
    )
    assert response.status_code == 400 and LAST_ADMIN in response.get_data(as_text=True)
    db.session.refresh(inactive)
    data = _admin_data(inactive, active="y")
    response = client.post(f"/admin/users/{inactive.id}/edit", data=data)
    assert response.status_code == 302  # reactivating another admin is allowed
    response = client.post(f"/admin/users/{admin.id}/edit", data=_admin_data(admin, active=""))
    assert response.status_code == 302  # and then the first may deactivate itself
    db.session.refresh(admin)
    assert not admin.active


def test_save_user_refuses_to_remove_the_last_admin(world, db):
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    with pytest.raises(service.LastAdminError):
        service.save_user(admin, None, active=False)
    with pytest.raises(service.LastAdminError):
        service.save_user(admin, None, role="evaluator")
    assert admin.active and admin.role == "admin"
    service.save_user(admin, None, language="en")  # other changes are fine


def test_a_new_teams_first_lead_is_created_with_a_new_staff_member(auth, client, db):
    """From an empty database: the admin's team has no staff, and only a lead adds staff,
    so the admin creates the lead together with the lead's staff member."""
    admin = factories.make_user("admin", role="admin")
    db.session.commit()
    auth.login(admin.username)
    team_data = {"name": "Team Ny", "travel_speed_kmh": "15", "travel_detour_factor": "1.3",
                 "travel_minimum_minutes": "2", "horizon_days": "14",
                 "publish_policy": "lead"}  # fmt: skip
    assert client.post("/admin/teams/new", data=team_data).status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "Team Ny"))
    assert "Team Ny" in client.get("/admin/users/new").get_data(as_text=True)
    data = {"username": "ny-lead", "password": "langt-losenord", "role": "lead",
            "staff_member_id": "0", "new_staff_team_id": str(team.id),
            "new_staff_name": "Lena Ledare", "language": "", "active": "y"}  # fmt: skip
    assert client.post("/admin/users/new", data=data).status_code == 302
    lead = db.session.scalar(sa.select(User).where(User.username == "ny-lead"))
    assert lead.staff_member.name == "Lena Ledare" and lead.team_id == team.id
    auth.logout()
    auth.login("ny-lead", "langt-losenord")
    assert client.get(f"/teams/{team.id}/staff/new").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_staff_name": ""}, "Skriv den nya medarbetarens namn."),
        ({"staff_member_id": "own"}, "en befintlig medarbetare eller en ny, inte båda"),
        ({"role": "evaluator"}, "kopplas inte till någon medarbetare"),
    ],
)
def test_new_staff_member_with_the_user_is_checked(world, auth, client, db, changes, message):
    auth.login("admin")
    data = {"username": "ny-medarbetare", "password": "langt-losenord", "role": "staff",
            "staff_member_id": "0", "new_staff_team_id": str(world.team_a.id),
            "new_staff_name": "Nils Ny", "language": "", "active": "y"}  # fmt: skip
    if changes.get("staff_member_id") == "own":
        changes = {"staff_member_id": str(factories.make_staff(world.team_a, "Utan Konto").id)}
        db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(StaffMember))
    response = client.post("/admin/users/new", data=data | changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffMember)) == before
