"""Role x page: who may open which page, and other-team isolation."""

import pytest

from app import PUBLIC_ENDPOINTS


def urls(w) -> dict[str, str]:
    """One URL per page, all on team A."""
    return {
        "overview": f"/teams/{w.team_a.id}",
        "staff_list": f"/teams/{w.team_a.id}/staff",
        "staff_detail": f"/staff/{w.staff_a.id}",
        "staff_new": f"/teams/{w.team_a.id}/staff/new",
        "staff_edit": f"/staff/{w.staff_a.id}/edit",
        "shift_new": f"/staff/{w.staff_a.id}/shifts/new",
        "absence_new": f"/staff/{w.staff_a.id}/absences/new",
        "clients": f"/teams/{w.team_a.id}/clients",
        "client_detail": f"/clients/{w.client_a.id}",
        "client_new": f"/teams/{w.team_a.id}/clients/new",
        "client_edit": f"/clients/{w.client_a.id}/edit",
        "need_new": f"/clients/{w.client_a.id}/needs/new",
        "need_edit": f"/needs/{w.need_a.id}/edit",
        "client_absence_new": f"/clients/{w.client_a.id}/absences/new",
        "admin_teams": "/admin/teams",
        "admin_team_edit": f"/admin/teams/{w.team_a.id}/edit",
        "admin_users": "/admin/users",
        "admin_user_new": "/admin/users/new",
        "followup": "/followup/",
    }


TEAM_PAGES = ["overview", "staff_list", "staff_detail", "clients", "client_detail"]
LEAD_PAGES = [
    "staff_new",
    "staff_edit",
    "client_new",
    "client_edit",
    "need_new",
    "need_edit",
    "client_absence_new",
]
ADMIN_PAGES = ["admin_teams", "admin_team_edit", "admin_users", "admin_user_new"]
ALL = TEAM_PAGES + LEAD_PAGES + ADMIN_PAGES + ["shift_new", "absence_new", "followup"]

# Expected status of GET for each user on team A's pages.
ALLOWED = {
    "lead-a": set(TEAM_PAGES + LEAD_PAGES + ["shift_new", "absence_new"]),
    "staff-a": set(TEAM_PAGES + ["shift_new", "absence_new"]),  # staff_a edits own schedule
    "eval": {"followup"},
    "admin": set(ADMIN_PAGES + ["followup"]),
    "lead-b": set(),  # nothing of team A
    "staff-b": set(),
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
@pytest.mark.parametrize("page", ALL)
def test_role_page_matrix(world, auth, client, username, page):
    auth.login(username)
    response = client.get(urls(world)[page])
    if page in ALLOWED[username]:
        assert response.status_code == 200, (username, page)
    else:
        assert response.status_code in (403, 404), (username, page, response.status_code)


@pytest.mark.parametrize("page", ALL)
def test_anonymous_is_sent_to_login(world, client, page):
    response = client.get(urls(world)[page])
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_other_team_pages_answer_404_for_staff(world, auth, client):
    auth.login("staff-b")
    for url in (
        f"/clients/{world.client_a.id}",
        f"/teams/{world.team_a.id}/clients",
        f"/staff/{world.staff_a.id}",
        f"/teams/{world.team_a.id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Klient A" not in response.get_data(as_text=True)


def test_other_team_cannot_post_changes(world, auth, client, db):
    auth.login("lead-b")
    response = client.post(f"/clients/{world.client_a.id}/edit", data={"name": "Hacked"})
    assert response.status_code == 404
    assert client.post(f"/needs/{world.need_a.id}/delete").status_code == 404
    assert client.post(f"/shifts/{world.shift_a.id}/delete").status_code == 404
    db.session.refresh(world.client_a)
    assert world.client_a.name == "Klient A"
    assert len(world.client_a.needs) == 1


def test_staff_cannot_edit_colleagues_schedule(world, auth, client):
    auth.login("staff-a")
    assert client.get(f"/staff/{world.lead_a.id}/shifts/new").status_code == 403
    assert client.post(f"/shifts/{world.shift_a.id}/delete").status_code == 302  # own shift


def test_every_endpoint_declares_roles(app):
    """Deny by default: each non-public view names the roles that may use it."""
    for endpoint, view in app.view_functions.items():
        if endpoint not in PUBLIC_ENDPOINTS:
            assert getattr(view, "allowed_roles", None), endpoint


def test_home_redirects_by_role(world, auth, client):
    expected = {
        "lead-a": f"/teams/{world.team_a.id}",
        "eval": "/followup/",
        "admin": "/admin/teams",
    }
    for username, target in expected.items():
        auth.login(username)
        assert client.get("/").headers["Location"].endswith(target)
        auth.logout()
