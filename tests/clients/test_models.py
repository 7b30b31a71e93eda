from datetime import date, time, timedelta

import pytest

from clients.models import CareNeed, ClientAbsence
from scheduling.solver.generate import occurrences

MONDAY = date(2026, 11, 23)


def need(**kw) -> CareNeed:
    defaults = {
        "kind": "cleaning",
        "weekdays": "1",
        "interval_weeks": 1,
        "earliest": time(8),
        "latest": time(15),
        "duration_min": 70,
        "valid_from": MONDAY,
    }
    return CareNeed(**(defaults | kw))


@pytest.mark.parametrize(
    ("kw", "day", "expected"),
    [
        ({}, MONDAY, True),
        ({}, MONDAY + timedelta(days=1), False),
        ({"interval_weeks": 2}, MONDAY + timedelta(days=7), False),
        ({"interval_weeks": 2}, MONDAY + timedelta(days=14), True),
        ({"weekdays": "67"}, MONDAY + timedelta(days=6), True),
        ({"valid_to": MONDAY + timedelta(days=6)}, MONDAY + timedelta(days=7), False),
        ({}, MONDAY - timedelta(days=7), False),
    ],
)
def test_need_occurrence(kw, day, expected):
    assert need(**kw).occurs_on(day) is expected


@pytest.mark.parametrize("interval", [1, 2, 3])
def test_occurrences_agree_with_the_generator(interval):
    """Weeks count in 7-day blocks from valid_from, as scheduling.solver.generate does."""
    wednesday = MONDAY + timedelta(days=2)
    n = need(weekdays="15", interval_weeks=interval, valid_from=wednesday)
    ours = [d for d in (wednesday + timedelta(days=i) for i in range(42)) if n.occurs_on(d)]
    assert ours == occurrences((0, 4), interval, wednesday, 42)


def test_open_ended_client_absence_covers_later_days():
    absence = ClientAbsence(kind="hospital", start_date=MONDAY, end_date=None)
    assert absence.covers(MONDAY + timedelta(days=100))
    assert not absence.covers(MONDAY - timedelta(days=1))


def test_client_links_staff(world, db):
    client = world.client_a
    client.preferred_staff = [world.lead_a]
    client.refused_staff = [world.lead_a]
    db.session.commit()
    db.session.expire_all()
    assert [s.name for s in client.contact_staff] == ["Sara Staff A"]
    assert [s.name for s in client.refused_staff] == ["Lena Lead A"]
