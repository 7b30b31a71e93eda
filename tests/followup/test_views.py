def test_evaluator_sees_evaluation_teams_without_client_data(world, auth, client, db):
    world.team_a.is_pilot = True
    world.team_b.is_comparison = True
    db.session.commit()
    auth.login("eval")
    page = client.get("/followup/").get_data(as_text=True)
    assert "Team A" in page and "Team B" in page
    assert "Klient A" not in page and "Sara Staff A" not in page
    assert "kommer i en senare version" in page  # no made-up figures
