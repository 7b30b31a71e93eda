"""Recording what happened: a visit cannot be recorded as done before it has started, and the
outcomes page says so when a staff member has no visits of their own that day. The clock is
fixed by patching followup.service.local_now."""

import os
from datetime import datetime

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from followup import service
from followup.models import VisitOutcome
from scheduling.models import Visit
from teams.models import User
from tests import factories
from tests.concurrency import at_once

DAY = datetime(2026, 11, 8).date()  # a Sunday of the pilot fixture's fortnight
FOUR_AM = datetime(2026, 11, 8, 4, 0)


@pytest.fixture
def at_four(monkeypatch):
    monkeypatch.setattr(service, "local_now", lambda: FOUR_AM)


def evening_visit(pilot, db) -> Visit:
    """Klient A's 18:00 visit on DAY, planned for Lena Lead A."""
    return db.session.scalar(
        sa.select(Visit).where(
            Visit.client_id == pilot.client_a.id, Visit.date == DAY, Visit.kind == "evening"
        )
    )


def nothing_recorded(db) -> bool:
    outcomes = db.session.scalar(sa.select(sa.func.count(VisitOutcome.id)))
    audits = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "visit.outcome")
    )
    return outcomes == 0 and audits == 0 and db.session.scalar(sa.select(Visit.outcome)) is None


@pytest.mark.parametrize("form", [{"kind": "done"}, {"kind": "done_by_other", "done_by": None}])
def test_done_before_the_visit_starts_is_refused_in_swedish(pilot, auth, client, db, at_four, form):
    visit = evening_visit(pilot, db)
    if form["kind"] == "done_by_other":
        form = form | {"done_by": pilot.sub.id}
    auth.login("lead-a")
    r = client.post(f"/followup/outcomes/{visit.id}", data=form, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Besöket börjar sön 8 nov. 2026 kl. 18:00." in page
    assert "Det kan inte registreras som utfört innan det har börjat." in page
    assert "Sparat." not in page
    db.session.expire_all()
    assert nothing_recorded(db)


def test_staff_cannot_record_own_visit_done_before_it_starts(pilot, auth, client, db, at_four):
    morning = db.session.scalar(
        sa.select(Visit).where(
            Visit.client_id == pilot.client_a.id, Visit.date == DAY, Visit.kind == "morning"
        )
    )
    auth.login("staff-a")
    page = client.post(f"/followup/outcomes/{morning.id}", data={"kind": "done"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "kl. 08:00" in page and "innan det har börjat" in page
    db.session.expire_all()
    assert nothing_recorded(db)


def test_done_is_accepted_once_the_visit_has_started(pilot, auth, client, db, monkeypatch):
    monkeypatch.setattr(service, "local_now", lambda: datetime(2026, 11, 8, 18, 0))
    visit = evening_visit(pilot, db)
    auth.login("lead-a")
    page = client.post(f"/followup/outcomes/{visit.id}", data={"kind": "done"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Sparat." in page
    assert db.session.scalar(sa.select(VisitOutcome.kind)) == "done"


@pytest.mark.parametrize(
    ("form", "kind"),
    [({"kind": "cancelled"}, "cancelled"), ({"kind": "not_done"}, "not_done"),
     ({"kind": "moved", "time": "03:30"}, "moved")],
)  # fmt: skip
def test_what_does_not_say_done_may_be_recorded_ahead(pilot, auth, client, db, at_four, form, kind):
    """The client cancels tonight's visit in the morning; a visit done early is recorded as
    moved to the time it was done."""
    visit = evening_visit(pilot, db)
    auth.login("lead-a")
    assert client.post(f"/followup/outcomes/{visit.id}", data=form).status_code == 302
    assert db.session.scalar(sa.select(VisitOutcome.kind)) == kind


def test_service_refuses_done_before_start_without_saving(pilot, db):
    visit = evening_visit(pilot, db)
    with pytest.raises(service.OutcomeRefused) as refused:
        service.record_outcome(visit, "done", None, now=FOUR_AM)
    assert refused.value.start == datetime(2026, 11, 8, 18, 0)
    assert nothing_recorded(db)


def test_staff_without_visits_that_day_is_told_so(pilot, auth, client, db):
    """Vera (a substitute) has only an alarm visit on 5 November; the plan has 3 visits on
    DAY, none of them hers."""
    factories.make_user("vera", "staff", staff=pilot.sub)
    db.session.commit()
    auth.login("vera")
    page = client.get(f"/followup/outcomes?day={DAY}").get_data(as_text=True)
    assert "Du har inga egna besök denna dag. Teamet har 3 besök den dagen." in page
    assert "Inga besök i den publicerade planen denna dag" not in page
    auth.logout()
    auth.login("lead-a")
    page = client.get("/followup/outcomes?day=2026-12-24").get_data(as_text=True)
    assert "Inga besök i den publicerade planen denna dag." in page
    page = client.get("/followup/outcomes?day=2026-12-24&mine=1").get_data(as_text=True)
    assert "Inga besök i den publicerade planen denna dag." in page


def test_the_page_offers_done_only_for_visits_that_have_started(
    pilot, auth, client, db, at_four, monkeypatch
):
    auth.login("lead-a")
    page = client.get(f"/followup/outcomes?day={DAY.isoformat()}").get_data(as_text=True)
    evening = evening_visit(pilot, db)
    card = page[page.index(f"/followup/outcomes/{evening.id}") :]
    card = card[: card.index("</form>")]
    assert 'value="done"' not in card and 'value="done_by_other"' not in card
    assert "Har inte börjat än: kan registreras som utfört när det har börjat." in card
    assert 'value="cancelled"' in card  # a cancellation may be recorded ahead
    # At 23:00 the evening visit has started: both ways of recording it as done are offered.
    monkeypatch.setattr(service, "local_now", lambda: datetime(2026, 11, 8, 23, 0))
    page = client.get(f"/followup/outcomes?day={DAY.isoformat()}").get_data(as_text=True)
    card = page[page.index(f"/followup/outcomes/{evening.id}") :]
    card = card[: card.index("</form>")]
    assert 'value="done"' in card and 'value="done_by_other"' in card


def test_a_visit_nobody_was_planned_on_is_recorded_by_who_did_it(
    pilot, after_the_fortnight, auth, client, db
):
    """A visit the plan has no staff for (before the first plan, or left unstaffed): 'Done'
    as planned would name nobody, so only 'Done by someone else' (with the person) is
    offered and accepted once it has started."""
    from tests.followup.conftest import add_visit

    unplanned = add_visit(pilot.team_a, pilot.young, DAY, 11, [], kind="lunch")
    db.session.commit()
    auth.login("lead-a")
    page = client.get(f"/followup/outcomes?day={DAY.isoformat()}").get_data(as_text=True)
    card = page[page.index(f"/followup/outcomes/{unplanned.id}") :]
    card = card[: card.index("</form>")]
    assert 'value="done"' not in card and 'value="done_by_other"' in card

    page = client.post(f"/followup/outcomes/{unplanned.id}", data={"kind": "done"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Ingen är planerad på besöket: välj vem som gjorde det." in page
    db.session.expire_all()
    assert nothing_recorded(db)

    form = {"kind": "done_by_other", "done_by": pilot.sub.id}
    page = client.post(f"/followup/outcomes/{unplanned.id}", data=form,
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Sparat." in page
    outcome = db.session.scalar(sa.select(VisitOutcome))
    assert (outcome.kind, outcome.done_by_id) == ("done_by_other", pilot.sub.id)


ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_two_records_of_one_visit_at_once_both_answer(app, pilot, db, at_four):
    """Found on gunicorn: a double tap on "Avbokat av brukaren" (or the lead and the staff
    member recording the same visit together) sent two records at once; the second failed
    with a 500 (StaleDataError on the visit's version). Now it waits for the first and
    replaces its record, as a later record does."""
    lead = db.session.scalar(sa.select(User).where(User.username == "lead-a"))
    visit_id, user_id = evening_visit(pilot, db).id, lead.id
    db.session.remove()

    def press(kind: str):
        def action(wait) -> None:
            visit = db.session.get(Visit, visit_id)
            user = db.session.get(User, user_id)
            wait()
            service.record_outcome(visit, kind, user)
            db.session.commit()

        return action

    assert at_once(app, press("cancelled"), press("not_done")) == [None, None]
    rows = db.session.scalars(sa.select(VisitOutcome)).all()
    assert len(rows) == 1 and rows[0].kind in ("cancelled", "not_done")
    assert db.session.get(Visit, visit_id).outcome == rows[0].kind
