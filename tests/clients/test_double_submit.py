"""A lead's save or delete of a care need sent twice at the same moment (a double click on
"Spara", which edit forms allow: they carry no one-time token) on real concurrent
PostgreSQL connections. Found on gunicorn with two workers: the two requests deadlocked on
the team's row (a 500 for one of them), or the second failed on the visits the first had
just changed (StaleDataError, a 500)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clients.models import CareNeed
from config import TestConfig
from scheduling.expand import expand_visits
from scheduling.models import Visit
from tests import concurrency, factories
from timeutil import local_today

ON_POSTGRES = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)"
)


def need_form(**changes) -> dict:
    form = {"kind": "morning", "weekdays": ["1", "2", "3", "4", "5", "6", "7"],
            "interval_weeks": "1", "earliest": "07:00", "latest": "09:00",
            "duration_min": "30", "staff_required": "1",
            "valid_from": (local_today() - timedelta(days=7)).isoformat()}  # fmt: skip
    return form | changes


def at_once(app, posts: list[tuple[str, dict]]) -> list[int]:
    """Each post from its own logged-in lead-a client, all sent at the same moment."""

    def sender(url: str, data: dict):
        c = app.test_client()
        c.post("/login", data={"username": "lead-a", "password": factories.PASSWORD})

        def send(wait) -> int:
            wait()
            return c.post(url, data=data).status_code

        return send

    return concurrency.at_once(app, *(sender(url, data) for url, data in posts))


@pytest.fixture
def need_id(world, db):
    expand_visits(world.team_a, local_today(), 14)
    db.session.commit()
    need_id = world.need_a.id
    db.session.remove()  # the requests use their own connections
    return need_id


@pytest.mark.parametrize("attempt", range(3))
def test_a_need_saved_twice_at_once(app, need_id, db, attempt):
    form = need_form(earliest="07:15", latest="09:15")
    statuses = at_once(app, [(f"/needs/{need_id}/edit", form)] * 2)
    assert statuses == [302, 302]
    visits = db.session.scalars(  # from tomorrow: today's may have begun, and then it stays
        sa.select(Visit).where(
            Visit.care_need_id == need_id, sa.not_(Visit.cancelled), Visit.date > local_today()
        )
    ).all()
    assert visits and all(v.earliest_start.minute == 15 for v in visits)


@pytest.mark.parametrize("attempt", range(3))
def test_a_need_deleted_twice_at_once(app, need_id, db, attempt):
    statuses = at_once(app, [(f"/needs/{need_id}/delete", {})] * 2)
    assert sorted(statuses) in ([302, 302], [302, 404])
    assert db.session.get(CareNeed, need_id) is None
    left = db.session.scalars(
        sa.select(Visit).where(
            Visit.care_need_id == need_id,
            Visit.date > local_today(),
            sa.not_(Visit.cancelled),
        )
    ).all()
    assert left == []
