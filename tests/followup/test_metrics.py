"""Hand-computed cases for every follow-up metric (no database)."""

from datetime import date, datetime, timedelta

import pytest

from followup.continuity import continuity, monthly_distinct_staff
from followup.records import (
    AbsenceRecord,
    ClientRecord,
    Outcome,
    ShiftRecord,
    StaffRecord,
    VisitRecord,
    Window,
)
from followup.sickleave import sick_leave_month, spells
from followup.workload import (
    contact_share,
    plan_changes,
    punctuality,
    substitute_use,
    time_use,
    unsocial_hours,
    workload,
)

START = date(2026, 11, 2)  # a Monday
WINDOW = Window(START, 14)


def visit(vid, client, day, hour, staff, kind="morning", duration=30, outcome=None, minute=0):
    d = START + timedelta(days=day)
    at = datetime(d.year, d.month, d.day, hour, minute)
    return VisitRecord(
        id=vid,
        client=client,
        day=d,
        earliest=at - timedelta(minutes=15),
        latest=at + timedelta(minutes=15),
        duration_min=duration,
        kind=kind,
        planned_staff=tuple(staff),
        planned_start=at,
        outcome=outcome,
    )


def twice_daily(client, staff_by_day, prefix=None):
    """Two visits (08:00 and 17:00) on each of the 14 days; staff_by_day(day) -> (am, pm)."""
    out = []
    for day in range(14):
        am, pm = staff_by_day(day)
        out.append(visit(f"{prefix or client}-{day}-am", client, day, 8, am))
        out.append(visit(f"{prefix or client}-{day}-pm", client, day, 17, pm))
    return out


STAFF = [StaffRecord(s) for s in "ABCDEFGH"] + [StaffRecord("N", health_care=True)]


def test_continuity_counts_eligible_clients_only():
    # c1: A/B on even days, C/D on odd days -> 4 staff. c2: A every visit, E once -> 2.
    # c3 is 60 (too young), c4 has only one visit on day 5, c5 is in hospital on day 9.
    visits = twice_daily("c1", lambda d: (("A",), ("B",)) if d % 2 == 0 else (("C",), ("D",)))
    visits += twice_daily("c2", lambda d: (("A",), ("E",) if d == 3 else ("A",)))
    visits += twice_daily("c3", lambda d: (("F",), ("F",)))
    visits += [v for v in twice_daily("c4", lambda d: (("G",), ("H",))) if v.id != "c4-5-pm"]
    visits += twice_daily("c5", lambda d: (("G",), ("G",)))
    clients = [
        ClientRecord("c1", 1940),
        ClientRecord("c2", 1961),  # 65 in 2026: counted
        ClientRecord("c3", 1966),
        ClientRecord("c4", 1930),
        ClientRecord("c5", 1930, away_days=frozenset({START + timedelta(days=9)})),
    ]
    r = continuity(visits, clients, STAFF, WINDOW, basis="planned")
    assert r.per_client == {"c1": 4, "c2": 2}
    assert r.eligible_clients == 2
    assert r.mean == 3.0 and r.median == 3.0
    assert r.share_over_20 == 0.0
    assert r.distribution == {2: 1, 4: 1}
    # All clients with a visit, no filters: c1 4, c2 2, c3 1, c4 2, c5 1 -> 10 / 5.
    assert r.all_clients_mean == 2.0


def test_continuity_visit_filters():
    # Base: A at 08:00 and B at 17:00 every day (2 staff). Extra visits that must not count:
    # an alarm by C, a meal delivery by D, a 22:00 visit by E, a 06:45 visit by F and a
    # nurse N; a double-staffed shower by G and H does count (both people).
    visits = twice_daily("c1", lambda d: (("A",), ("B",)))
    visits += [
        visit("x1", "c1", 0, 12, ["C"], kind="alarm"),
        visit("x2", "c1", 1, 12, ["D"], kind="meal_delivery"),
        visit("x3", "c1", 2, 22, ["E"], kind="evening"),
        visit("x4", "c1", 3, 6, ["F"], minute=45),
        visit("x5", "c1", 4, 10, ["N"], kind="medication"),
        visit("x6", "c1", 5, 10, ["G", "H"], kind="shower"),
    ]
    r = continuity(visits, [ClientRecord("c1", 1940)], STAFF, WINDOW, basis="planned")
    assert r.per_client == {"c1": 4}
    # The all-clients figure counts everyone who came: A B C D E F N G H.
    assert r.all_clients == {"c1": 9}


def test_two_visits_needed_each_day_counting_only_eligible_visits():
    # One real visit plus an alarm on day 6: not two counted visits that day.
    visits = [v for v in twice_daily("c1", lambda d: (("A",), ("B",))) if v.id != "c1-6-pm"]
    visits.append(visit("alarm", "c1", 6, 17, ["B"], kind="alarm"))
    r = continuity(visits, [ClientRecord("c1", 1940)], STAFF, WINDOW, basis="planned")
    assert r.eligible_clients == 0 and r.mean is None


def test_performed_basis_applies_outcomes():
    visits = twice_daily("c1", lambda d: (("A",), ("B",)))
    # Day 0 am done by C instead of A; day 1 pm cancelled by the client and day 2 pm not done
    # (then c1 has one visit those days: not eligible on the performed basis).
    changed = {
        "c1-0-am": Outcome("done_by_other", done_by="C"),
        "c1-3-am": Outcome("moved", moved_start=datetime(2026, 11, 5, 9, 30)),
    }
    visits = [
        VisitRecord(**{**v.__dict__, "outcome": changed.get(v.id)}) if v.id in changed else v
        for v in visits
    ]
    clients = [ClientRecord("c1", 1940)]
    assert continuity(visits, clients, STAFF, WINDOW, "planned").per_client == {"c1": 2}
    assert continuity(visits, clients, STAFF, WINDOW, "performed").per_client == {"c1": 3}
    cancelled = [
        VisitRecord(**{**v.__dict__, "outcome": Outcome("cancelled")}) if v.id == "c1-1-pm" else v
        for v in visits
    ]
    assert continuity(cancelled, clients, STAFF, WINDOW, "performed").eligible_clients == 0


def test_done_by_other_replaces_one_place_of_a_double_visit():
    v = visit("d", "c1", 0, 9, ["A", "B"], outcome=Outcome("done_by_other", "C", replaced="B"))
    assert v.staff("performed") == ("C", "A")
    assert v.staff("planned") == ("A", "B")


def test_share_over_20_and_median():
    # 3 clients: 22, 3 and 2 different staff.
    many = [StaffRecord(f"s{i}") for i in range(30)]
    visits = twice_daily("c1", lambda d: ((f"s{d}",), (f"s{d + 8}",)))  # s0..s21 = 22
    visits += twice_daily("c2", lambda d: (("s0",), ("s1",) if d else ("s2",)))
    visits += twice_daily("c3", lambda d: (("s0",), ("s1",)))
    clients = [ClientRecord(c, 1935) for c in ("c1", "c2", "c3")]
    r = continuity(visits, clients, many, WINDOW, "planned")
    assert r.per_client == {"c1": 22, "c2": 3, "c3": 2}
    assert r.mean == pytest.approx(9.0) and r.median == 3
    assert r.share_over_20 == pytest.approx(1 / 3)


def test_monthly_variant_has_no_age_or_daily_rule():
    visits = [visit("a", "c1", 0, 8, ["A"]), visit("b", "c1", 20, 8, ["B"])]  # Nov 2 and Nov 22
    visits.append(visit("c", "c2", 29, 8, ["C"]))  # 1 December
    assert monthly_distinct_staff(visits, STAFF, 2026, 11) == {"c1": 2}


def test_contact_substitutes_punctuality():
    staff = [StaffRecord("A"), StaffRecord("B"), StaffRecord("S1", substitute=True)]
    visits = [
        visit("1", "c1", 0, 8, ["A"], duration=30),
        visit("2", "c1", 0, 12, ["S1"], duration=60),
        visit("3", "c1", 0, 17, ["B", "S1"], duration=30),
        visit("4", "c1", 1, 8, ["A"], outcome=Outcome("cancelled")),
        visit(
            "5", "c1", 1, 12, ["A"], outcome=Outcome("moved", moved_start=datetime(2026, 11, 3, 14))
        ),
    ]
    clients = [ClientRecord("c1", 1940, contact_staff=frozenset({"A"}))]
    # performed: 1, 2, 3, 5; contact A on 1 and 5.
    assert contact_share(visits, clients, WINDOW) == 0.5
    # staff places minutes: A 30 + S1 60 + B 30 + S1 30 + A 30 = 180; by S1: 90.
    assert substitute_use(visits, staff, WINDOW) == {"share": 0.5, "distinct_substitutes": 1}
    # visit 5 moved to 14:00, outside 11:45-12:15.
    assert punctuality(visits, WINDOW) == 0.75


def test_time_use_workload_and_unsocial_hours():
    day0, day5 = datetime(2026, 11, 2), datetime(2026, 11, 7)  # Monday, Saturday
    shifts = [
        ShiftRecord("A", day0.replace(hour=7), day0.replace(hour=15), 30),  # 450 min
        ShiftRecord("A", day5.replace(hour=14), day5.replace(hour=22), 30),  # evening, weekend
        ShiftRecord("B", day0.replace(hour=7), day0.replace(hour=15), 30),  # B is sick that day
    ]
    absences = [AbsenceRecord("B", date(2026, 11, 2), date(2026, 11, 2))]
    visits = [
        visit("1", "c1", 0, 8, ["A"], duration=30),
        visit("2", "c2", 0, 9, ["A"], duration=60),
        visit("3", "c1", 0, 10, ["A"], duration=30),
    ]
    use = time_use(visits, shifts, absences, WINDOW, travel=lambda a, b: 0 if a == b else 10)
    assert (use.work_minutes, use.visit_minutes, use.travel_minutes) == (900, 120, 20)
    assert use.client_share == pytest.approx(120 / 900)
    assert use.travel_share == pytest.approx(20 / 900)
    staff = [StaffRecord("A", contracted_minutes_week=2100), StaffRecord("B")]
    load = workload(visits, shifts, absences, staff, WINDOW)
    assert load["A"] == {
        "work_minutes": 900,
        "contracted_minutes": 4200,
        "visit_minutes": 120,
        "of_contract": pytest.approx(900 / 4200),
    }
    assert load["B"]["work_minutes"] == 0
    assert unsocial_hours(shifts, absences, WINDOW) == {"A": {"evenings": 1, "weekend_days": 1}}


def test_plan_changes_counts_each_visit_once():
    t = datetime(2026, 11, 2, 8)
    v1 = {"1": (("A",), t), "2": (("B",), t)}
    v2 = {"1": (("C",), t), "2": (("B",), t), "3": (("A",), t)}
    v3 = {"1": (("A",), t), "2": (("B",), t + timedelta(minutes=15)), "3": (("A",), t)}
    assert plan_changes([v1, v2, v3]) == 1  # visit 1 back to A: unchanged; visit 2 moved
    assert plan_changes([v1, v2]) == 1


def test_sick_leave_month_key_figures():
    # Five full-timers at 2400 min/week = 8 h a weekday. November 2026 has 21 weekdays.
    staff = [StaffRecord(f"s{i}", contracted_minutes_week=2400) for i in range(5)]
    absences = [
        AbsenceRecord("s0", date(2026, 11, 2), date(2026, 11, 4)),  # Mon-Wed: 3 days
        AbsenceRecord("s0", date(2026, 11, 5), date(2026, 11, 5)),  # touches: same spell
        AbsenceRecord("s1", date(2026, 10, 1), date(2026, 12, 31)),  # long spell, all month
        AbsenceRecord("s2", date(2026, 11, 9), date(2026, 11, 9), kind="leave"),  # not sick
    ]
    m = sick_leave_month(staff, absences, 2026, 11)
    assert m.ordinary_hours == 5 * 21 * 8
    assert m.sick_hours == (4 + 21) * 8
    assert m.rate == pytest.approx(25 / 105)
    assert m.long_share == pytest.approx(21 / 25)
    # Short term: s0's 4 days (days 1-4 of the spell); s1 is far past day 14 in November.
    assert m.short_rate == pytest.approx(4 / 105)
    assert not m.suppressed
    assert spells(absences)["s0"] == [(date(2026, 11, 2), date(2026, 11, 5))]


def test_sick_leave_suppressed_below_five_people():
    staff = [StaffRecord(f"s{i}") for i in range(4)]
    m = sick_leave_month(
        staff, [AbsenceRecord("s0", date(2026, 11, 2), date(2026, 11, 2))], 2026, 11
    )
    assert m.suppressed and m.rate is None and m.sick_hours is None


@pytest.mark.parametrize(
    "night, minutes",
    [
        (datetime(2026, 10, 24, 22), 9 * 60 - 30),  # clocks go back: 9 real hours, not 8
        (datetime(2027, 3, 27, 22), 7 * 60 - 30),  # clocks go forward: 7 real hours
        (datetime(2026, 11, 7, 22), 8 * 60 - 30),  # an ordinary night
    ],
)
def test_night_shift_work_minutes_count_real_hours(night, minutes):
    shift = ShiftRecord("A", night, night + timedelta(hours=8), 30)  # 22:00-06:00 by the clock
    assert shift.work_minutes == minutes
