"""Search bookkeeping the LNS relies on: accepting a worse plan only within the slack,
handing back the best plan seen, and re-routing the window around a visit still out."""

from __future__ import annotations

import threading
import time

from scheduling.solver import lns
from scheduling.solver.chunks import candidate_shifts, chunk_day
from scheduling.solver.generate import generate_problem
from scheduling.solver.lns import (
    COVER_MARGIN,
    HORIZON_AT,
    KICKS,
    STALL_GAIN,
    _horizon_due,
    _stall,
    cover_move,
    day_move,
    fill_move,
    horizon_move,
)
from scheduling.solver.objective import weighted
from scheduling.solver.plan import Assignment, Plan
from scheduling.solver.problem import Problem, parse
from scheduling.solver.routes import route_ok, routes_of
from scheduling.solver.search import Search
from scheduling.solver.solve import solve
from scheduling.solver.travel import TravelTimes

from .conftest import (
    DAY,
    assert_valid,
    chain_day,
    client,
    one_hour_each_day,
    problem,
    staff,
    visit,
)


def _search_for(p: Problem, limit: float) -> Search:
    """A repeatable search (1 worker, deterministic time) over p's candidate shifts."""
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    days = {vid: chunk_day(p.visit_by_id[vid], refs) for vid, refs in cands.items()}
    return Search(
        p, TravelTimes(p), cands, days, limit, 1, 0, True, None, None, time.perf_counter()
    )


def _place(s: Search, at: dict[str, tuple[str, int]]) -> int:
    """Incumbent: visit -> (staff, minutes after the day's 07:00 shift start); returns its
    objective."""
    day_start = s.candidates[next(iter(at))][0].shift.start
    s.incumbent = {v: Assignment(v, (sid,), day_start + m) for v, (sid, m) in at.items()}
    s.objective = weighted(s.problem, s.counts())
    return s.objective


def _search() -> Search:
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1")],
        [visit("v1", "c1", "08:00", "09:00"), visit("v2", "c1", "10:00", "11:00")],
    )
    s = _search_for(p, limit=5)
    cands = s.candidates
    s.incumbent = {
        "v1": Assignment("v1", ("s1",), cands["v1"][0].shift.start + 60),
        "v2": Assignment("v2", ("s1",), cands["v2"][0].shift.start + 180),
    }
    s.objective = weighted(p, s.counts())
    return s


def _worse(s: Search) -> dict[str, Assignment]:
    """A second face for the client: v2 goes to s2."""
    before = dict(s.incumbent)
    s.incumbent["v2"] = Assignment("v2", ("s2",), s.incumbent["v2"].start)
    return before


def test_a_worse_plan_is_refused_without_slack():
    s = _search()
    good = dict(s.incumbent)
    assert not s.accept(_worse(s))
    assert s.incumbent == good


def test_slack_keeps_a_worse_plan_and_the_best_comes_back():
    s = _search()
    good, value = dict(s.incumbent), s.objective
    s.keep_best()
    _worse(s)
    cost = weighted(s.problem, s.counts()) - value  # a face, and more travel
    assert cost >= s.problem.weights["distinct_staff"]
    s.incumbent = dict(good)
    assert not s.accept(_worse(s), slack=cost - 1)
    assert s.incumbent == good
    assert s.accept(_worse(s), slack=cost)
    assert s.objective > value and s.incumbent["v2"].staff == ("s2",)
    s.restore_best()
    assert s.incumbent == good and s.objective == value and s.best is None


def test_a_stalled_search_arms_the_kicks_and_a_gaining_one_does_not():
    s = _search()  # limit 5: a stall is judged every 0.5 of the budget
    s.keep_best()
    mark = (s.used(), s.objective)
    assert _stall(s, mark) == mark and not s.kicks  # too early to judge
    s.spent = 0.5
    s.best = (s.objective - STALL_GAIN, s.best[1])  # a face gained: going on
    assert _stall(s, mark) == (0.5, s.objective - STALL_GAIN) and not s.kicks
    mark = (0.5, s.best[0])
    s.spent = 1.0
    s.best = (s.best[0] - STALL_GAIN + 1, s.best[1])  # less than a face: stalled
    assert _stall(s, mark) == (1.0, s.best[0]) and s.kicks == KICKS


def test_the_horizon_move_is_due_once_on_a_small_model_at_its_share_of_the_time(monkeypatch):
    s = _search()
    s.spent = HORIZON_AT * s.limit
    assert s.workers == 1 and not _horizon_due(s)  # one worker: CP-SAT alone gains no more
    s.workers, s.spent = 2, 0.0
    assert not _horizon_due(s)  # too early
    s.kicks = KICKS  # stalled: the LNS still has its half of the time
    assert not _horizon_due(s)
    s.spent = HORIZON_AT * s.limit - 0.01
    assert not _horizon_due(s)
    s.spent = HORIZON_AT * s.limit
    assert _horizon_due(s)
    s.horizon_tried = True
    assert not _horizon_due(s)
    s.horizon_tried = False
    monkeypatch.setattr(lns, "HORIZON_ARCS", s.horizon_arcs - 1)
    assert not _horizon_due(s) and not s.horizon_tried  # too big: never tried
    assert "horizon_arcs" in vars(s)  # counted once: the candidates do not change


DAY2 = "2026-11-24"


def _two_days() -> Problem:
    """c1 has a visit each morning; s1 and s2 are on shift both days, s3 on day 2 only."""
    both = (DAY, DAY2)
    return problem(
        [staff("s1", days=both), staff("s2", days=both), staff("s3", day=DAY2)],
        [client("c1"), client("c2", contact_staff=["s2"])],
        [
            visit("v1", "c1", "08:00", "09:00"),
            visit("v2", "c1", "08:00", "09:00", day=DAY2),
            visit("w1", "c2", "10:00", "11:00"),
            visit("w2", "c2", "10:00", "11:00", day=DAY2),
        ],
        days=2,
    )


def test_the_horizon_move_routes_every_day_at_once_and_proves_a_small_plan_optimal():
    p = _two_days()
    s = _search_for(p, limit=20)
    events = []
    s.progress = events.append
    at = {f"{r.staff.id}/{r.day}": r.shift.start for refs in s.candidates.values() for r in refs}
    day1, day2 = s.days["v1"], s.days["v2"]
    # Two faces for c1 (s1, then s3), c2 with s1 on day 1 and w2 left out.
    s.incumbent = {
        "v1": Assignment("v1", ("s1",), at[f"s1/{day1}"] + 60),
        "w1": Assignment("w1", ("s1",), at[f"s1/{day1}"] + 180),
        "v2": Assignment("v2", ("s3",), at[f"s3/{day2}"] + 60),
    }
    s.objective = before = weighted(p, s.counts())
    assert horizon_move(s, 0.0)
    assert set(s.incumbent) == {"v1", "v2", "w1", "w2"}  # the visit out is placed
    faces = s.clients_met()
    assert len(faces["c1"]) == 1 and faces["c2"] == {"s2"}  # one face each, c2's contact
    assert s.objective < before and s.proven  # the whole problem, solved to optimality
    assert "horizon" in s.phase_seconds
    assert any(e["phase"] == "horizon" for e in events)  # progress while CP-SAT runs
    assert_valid(p, Plan("test", "OPTIMAL", list(s.incumbent.values()), []))


def _generated_search() -> Search:
    """A small generated team with the greedy's routes as the incumbent."""
    s = _search_for(parse(generate_problem(3, n_staff=10, n_clients=14, days=2)), limit=30)
    s.choose_pools(0)
    s.first_pass(0)
    return s


def test_cover_move_places_a_visit_out_and_holds_the_rest_of_the_day():
    s = _generated_search()
    p = s.problem
    # Take out a placed single-staff visit at midday: the window must find it a place again.
    vid = min(
        (a.visit for a in s.incumbent.values() if len(a.staff) == 1),
        key=lambda v: abs(p.visit_by_id[v].earliest_start % 1440 - 12 * 60),
    )
    v = p.visit_by_id[vid]
    already_out = {u for u in s.candidates if u not in s.incumbent}
    s.covered |= already_out  # as if tried: only vid is left to try
    del s.incumbent[vid]
    s.objective = weighted(p, s.counts())
    out = s.objective
    far = {
        a.visit: a
        for a in s.incumbent.values()
        if s.days[a.visit] == s.days[vid]
        and (
            p.visit_by_id[a.visit].earliest_start > v.latest_start + v.duration + COVER_MARGIN
            or p.visit_by_id[a.visit].latest_start + p.visit_by_id[a.visit].duration
            < v.earliest_start - COVER_MARGIN
        )
    }
    assert far, "the day has visits outside the window"
    assert cover_move(s) is True
    assert s.objective < out
    assert s.covered == already_out | {vid}
    assert len(s.candidates) - len(s.incumbent) < len(already_out) + 1
    for other, a in far.items():
        assert s.incumbent[other] == a, f"{other} outside the window moved"
    for ref, stops in routes_of(p, list(s.incumbent.values())).items():
        assert route_ok(s.tt, ref, stops), ref.key
    # The window may also drop a visit inside it when the plan gains; each visit out is
    # tried once, then there is nothing left to try.
    for _ in range(len(s.candidates)):
        if cover_move(s) is None:
            break
    assert {u for u in s.candidates if u not in s.incumbent} <= s.covered
    assert cover_move(s) is None


def test_a_fill_move_places_a_visit_through_a_chain_and_keeps_the_plan_valid():
    p = chain_day()
    s = _search_for(p, limit=5)
    s.incumbent = {
        "U": Assignment("U", ("A",), s.candidates["U"][0].shift.start + 60),
        "W": Assignment("W", ("B",), s.candidates["W"][0].shift.start + 60),
    }
    s.objective = before = weighted(p, s.counts())
    assert fill_move(s)  # V is in: A takes it, U goes to B, W to C
    assert set(s.incumbent) == {"V", "U", "W"} and s.objective < before
    assert {vid: a.staff for vid, a in s.incumbent.items()} == {
        "V": ("A",),
        "U": ("B",),
        "W": ("C",),
    }
    assert not fill_move(s)  # nothing changed since: no second try
    assert_valid(p, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))


def test_a_swap_makes_room_through_a_chain(monkeypatch):
    # c1 meets A (08:00) and B (10:00). Taking B off c1 puts its 10:00 visit on A, who has
    # c2's 10:00 visit; c2 refuses B and C, so that visit can only go to D, whose 10:00
    # visit (c3) goes to B or C. One face fewer, reachable only through the chain.
    from scheduling.solver import lns

    p = problem(
        [staff("A"), staff("B"), staff("C"), staff("D")],
        [client("c1"), client("c2", refused_staff=["B", "C"]), client("c3")],
        [
            visit("x1", "c1", "08:00", "08:00"),
            visit("x2", "c1", "10:00", "10:00"),
            visit("y", "c2", "10:00", "10:00"),
            visit("z", "c3", "10:00", "10:00"),
        ],
    )
    s = _search_for(p, limit=5)
    before = _place(s, {"x1": ("A", 60), "x2": ("B", 180), "y": ("A", 180), "z": ("D", 180)})
    monkeypatch.setattr(lns, "_pick_swap", lambda search, rng: ("c1", "B"))
    assert lns.swap_move(s, None)
    staff_of = {vid: a.staff for vid, a in s.incumbent.items()}
    assert (
        staff_of["x2"] == ("A",) and staff_of["y"] == ("D",) and staff_of["z"] in {("B",), ("C",)}
    )
    assert s.objective < before
    assert_valid(p, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))


def test_the_construction_is_kept_only_when_it_costs_less_and_leaves_few_more_out(monkeypatch):
    from scheduling.solver import search as search_module

    s = _search()
    good = dict(s.incumbent)  # v1 and v2 with s1: one face
    _worse(s)  # the greedy start: v2 with s2, two faces
    s.objective = weighted(s.problem, s.counts())
    s.small = False  # construct_pass skips tiny problems
    greedy = dict(s.incumbent)
    # A construction that places nothing costs nothing, but leaves every visit out.
    monkeypatch.setattr(search_module, "construct", lambda *a: {})
    monkeypatch.setattr(search_module, "insert_missing", lambda p, tt, chunk, done, *a: done)
    s.construct_pass()
    assert s.incumbent == greedy and s.rescue is None

    # One face instead of two, nothing out: kept, the greedy start kept as the rescue.
    def cut_short(*a):  # time runs out while the clients choose their staff
        s.spent = s.limit
        return dict(good)

    monkeypatch.setattr(search_module, "construct", cut_short)
    s.construct_pass()
    assert s.incumbent == greedy and s.rescue is None
    s.spent = 0.0

    # The construction leaves v2 out and its repair runs past the clock: dropped.
    def slow_repair(p, tt, chunk, done, *a):
        s.spent = s.limit
        return [*done, good["v2"]]

    monkeypatch.setattr(search_module, "construct", lambda *a: {"v1": good["v1"]})
    monkeypatch.setattr(search_module, "insert_missing", slow_repair)
    s.construct_pass()
    assert s.incumbent == greedy and s.rescue is None
    s.spent = 0.0
    monkeypatch.setattr(search_module, "construct", lambda *a: dict(good))
    s.construct_pass()
    assert s.incumbent == good and s.rescue == greedy
    assert s.objective == weighted(s.problem, s.counts())


def test_rescue_days_give_a_short_day_back_its_visits():
    s = _generated_search()
    p = s.problem
    fill_move(s)
    greedy = dict(s.incumbent)
    short_day = min(s.by_day)
    gone = [v.id for v in s.by_day[short_day] if v.id in greedy][:3]
    for vid in gone:
        del s.incumbent[vid]
    whole = {d for d in s.by_day if d != short_day and not s.missing(d)}  # nothing to rescue
    other_days = {k: a for k, a in s.incumbent.items() if s.days[k] in whole}
    assert other_days, "a day with every visit placed"
    s.objective = before = weighted(p, s.counts())
    s.rescue = greedy
    s.rescue_days()
    assert s.rescue is None
    assert all(vid in s.incumbent for vid in gone)
    assert s.objective < before and s.objective == weighted(p, s.counts())
    assert {k: a for k, a in s.incumbent.items() if s.days[k] in whole} == other_days
    for ref, stops in routes_of(p, list(s.incumbent.values())).items():
        assert route_ok(s.tt, ref, stops), ref.key


def test_a_merge_replaces_two_faces_no_swap_can_shed_by_one_newcomer(monkeypatch):
    # c1 meets A (08:00, 09:00), B (10:00) and C (11:00). A is held at 10:00 and 11:00, B at
    # 11:00 and C at 10:00 by clients that accept no one else, so neither B nor C can be
    # shed; N, free all morning, can take both of their visits: two faces become one.
    import random

    from scheduling.solver import lns

    names = ["A", "B", "C", "N"]
    only = {"c2": "A", "c3": "C", "c4": "B"}
    p = problem(
        [staff(n) for n in names],
        [client("c1")]
        + [client(c, refused_staff=[n for n in names if n != s]) for c, s in only.items()],
        [
            visit("v1", "c1", "08:00", "08:00"),
            visit("v2", "c1", "09:00", "09:00"),
            visit("v3", "c1", "10:00", "10:00"),
            visit("v4", "c1", "11:00", "11:00"),
            visit("a10", "c2", "10:00", "10:00"),
            visit("a11", "c2", "11:00", "11:00"),
            visit("c10", "c3", "10:00", "10:00"),
            visit("b11", "c4", "11:00", "11:00"),
        ],
    )
    s = _search_for(p, limit=5)
    at = {"v1": ("A", 60), "v2": ("A", 120), "v3": ("B", 180), "v4": ("C", 240)}
    at |= {"a10": ("A", 180), "a11": ("A", 240), "c10": ("C", 180), "b11": ("B", 240)}
    before = _place(s, at)
    for shed in ("B", "C"):
        monkeypatch.setattr(lns, "_pick_swap", lambda search, rng, shed=shed: ("c1", shed))
        assert not lns.swap_move(s, None)
    assert lns.merge_move(s, random.Random(0))
    staff_of = {vid: a.staff for vid, a in s.incumbent.items()}
    assert staff_of["v3"] == staff_of["v4"] == ("N",)
    assert s.met("c1") == {"A", "N"} and s.objective < before
    assert_valid(p, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))


def _crossed(skills: tuple[str, str] = ((), ())) -> tuple[Search, int]:
    """c1 and c2 each meet A and B: A takes c1 at 08:00 and c2 at 10:00, B the other way
    round. Every visit is fixed to its minute, so only an exchange of the 10:00 visits
    gives each client one face. ``skills``: what c1's two visits need (A has "a", B "b")."""
    p = problem(
        [staff("A", skills=["a"]), staff("B", skills=["b"])],
        [client("c1"), client("c2")],
        [
            visit("v1", "c1", "08:00", "08:00", skills=list(skills[0])),
            visit("v2", "c1", "10:00", "10:00", skills=list(skills[1])),
            visit("y", "c2", "08:00", "08:00"),
            visit("x", "c2", "10:00", "10:00"),
        ],
    )
    s = _search_for(p, limit=5)
    s.floors = {"c1": 1, "c2": 1}
    at = {"v1": ("A", 60), "x": ("A", 180), "y": ("B", 60), "v2": ("B", 180)}
    return s, _place(s, at)


def test_a_recover_move_moves_a_client_onto_fewer_staff_and_its_neighbours_with_it():
    s, before = _crossed()
    # Fewest days first, then the client: c1, dropping the less used (tie: the first id).
    assert lns._pick_recover(s)[:2] == ("c1", "A")
    assert lns.recover_move(s)
    assert s.met("c1") == {"B"} and s.met("c2") == {"A"}  # c2's visits moved with it
    assert s.objective == before - 2 * s.problem.weights["distinct_staff"]
    assert_valid(s.problem, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))
    assert lns.recover_move(s) is None  # every client is at its floor: nothing left


def test_a_recover_move_with_no_smaller_cover_leaves_the_plan_and_is_not_tried_again():
    s, before = _crossed(skills=(("a",), ("b",)))  # c1 needs both A and B
    plan = dict(s.incumbent)
    s.floors = {"c1": 1, "c2": 2}  # c2 is at its floor: only c1 is tried
    tried = set()
    while (done := lns.recover_move(s)) is not None:
        assert done is False
        assert s.recovered - tried and len(s.recovered - tried) == 1
        tried = set(s.recovered)
    assert tried == {("c1", "A", frozenset("AB")), ("c1", "B", frozenset("AB"))}
    assert s.incumbent == plan and s.objective == before


def test_recover_moves_run_in_their_share_of_the_time_on_problems_of_their_size(monkeypatch):
    s, _ = _crossed()
    s.small = False
    monkeypatch.setattr(s, "used", lambda: 0.6 * s.limit)
    assert lns._recover_due(s)
    monkeypatch.setattr(lns, "RECOVER_VISITS", 3)  # 4 visits: too many
    assert not lns._recover_due(s)
    monkeypatch.setattr(lns, "RECOVER_VISITS", 1000)
    for share, due in ((0.4, False), (0.95, False), (0.6, True)):
        monkeypatch.setattr(s, "used", lambda share=share: share * s.limit)
        assert lns._recover_due(s) is due
    s.recover_done = True
    assert not lns._recover_due(s)


def test_a_polish_move_puts_a_visit_where_it_costs_less_travel():
    # A visits the far client at 08:00 and 10:00; x (1 km out, 08:00-12:00) sits between
    # them, two long legs. After the second far visit it costs one leg home less.
    from scheduling.solver import lns

    p = problem(
        [staff("A")],
        [client("c1"), client("far")],
        [
            visit("f1", "far", "08:00", "08:00"),
            visit("f2", "far", "10:00", "10:00"),
            visit("x", "c1", "08:00", "12:00"),
        ],
        offsets={"c1": 1.0, "far": 10.0},
    )
    s = _search_for(p, limit=5)
    before = _place(s, {"f1": ("A", 60), "x": ("A", 120), "f2": ("A", 180)})
    travel = s.counts()["travel_minute"]

    class Pick:
        def choice(self, seq):
            return "x"

    assert lns.polish_move(s, Pick())
    assert s.incumbent["x"].start > s.incumbent["f2"].start
    assert s.counts()["travel_minute"] < travel and s.objective < before
    assert not lns.polish_move(s, Pick())  # already where it costs least
    assert_valid(p, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))


def _contact_search(k_until: str) -> tuple[Search, int]:
    """A holds all three of c1's visits (08:00, 09:00, 11:00); K, c1's contact person,
    works from 07:00 to ``k_until``."""
    p = problem(
        [staff("A"), staff("K", shifts=[("07:00", k_until)])],
        [client("c1", contact_staff=["K"])],
        [
            visit("v1", "c1", "08:00", "08:00"),
            visit("v2", "c1", "09:00", "09:00"),
            visit("v3", "c1", "11:00", "11:00"),
        ],
    )
    s = _search_for(p, limit=5)
    return s, _place(s, {"v1": ("A", 60), "v2": ("A", 120), "v3": ("A", 240)})


def test_a_contact_move_gives_the_contact_person_the_visits_they_can_hold():
    # K is free all day. No swap or merge brings K in (c1 has one face); the contact move
    # does: the same one face, and every visit with the contact person.
    import random

    from scheduling.solver import lns

    s, before = _contact_search("15:00")
    assert s.counts()["contact_missing"] == 3
    assert lns.contact_move(s, random.Random(0))
    assert {vid: a.staff for vid, a in s.incumbent.items()} == {
        "v1": ("K",),
        "v2": ("K",),
        "v3": ("K",),
    }
    assert s.counts()["contact_missing"] == 0 and s.met("c1") == {"K"}
    assert s.objective < before
    assert_valid(s.problem, Plan("test", "FEASIBLE", list(s.incumbent.values()), []))


def test_a_contact_move_that_costs_a_face_is_undone():
    # K works only until 08:45: one of the three visits, 100 less for the contact, 1,000
    # more for a second face. Refused; the plan is as it was.
    import random

    from scheduling.solver import lns

    s, before = _contact_search("08:45")
    plan = dict(s.incumbent)
    assert not lns.contact_move(s, random.Random(0))
    assert s.incumbent == plan and s.objective == before


def test_of_the_construction_starts_the_cheapest_is_kept(monkeypatch):
    # The greedy start has two faces; the area-0 construction one face but v2 out, the
    # area-6 one both visits with one face: a visit out counts as a face more, so area 6.
    from scheduling.solver import search as search_module

    s = _search()
    good = dict(s.incumbent)
    _worse(s)
    s.objective = weighted(s.problem, s.counts())
    s.small = False
    greedy = dict(s.incumbent)
    starts = {0: {"v1": good["v1"]}, 6: dict(good)}
    built = []

    def construct(*a):
        built.append(a[-1])
        return dict(starts[a[-1]])

    monkeypatch.setattr(search_module, "construct", construct)
    monkeypatch.setattr(search_module, "insert_missing", lambda p, tt, chunk, done, *a: done)
    monkeypatch.setattr(search_module, "CONSTRUCT_AREAS", (0, 6))
    monkeypatch.setattr(search_module, "CONSTRUCT_EXTRA", 1.0)  # v2 out is allowed
    s.construct_pass()
    assert built == [0, 6]
    assert s.incumbent == good and s.rescue == greedy


def test_a_repeatable_run_charges_cp_sat_deterministic_time_not_wall_time(monkeypatch):
    """A slow machine must not change a repeatable plan: a CP-SAT day route is charged
    its deterministic time, whatever the wall clock says."""
    from scheduling.solver import routing

    s = _search()
    ticks = iter(range(0, 10**6, 100))  # every wall-clock reading 100 s after the last
    monkeypatch.setattr(routing.time, "perf_counter", lambda: float(next(ticks)))
    day = next(iter(s.by_day))
    result = s.route_day(day, s.chunk_input(day, set()), 1.0, "improve")
    assert result is not None and result.seconds < 1.0
    assert s.spent == result.seconds and s.phase_seconds["improve"] == round(result.seconds, 3)


def test_a_long_cp_sat_call_is_watched_for_progress_and_a_cancel(monkeypatch):
    from scheduling.solver import routing

    monkeypatch.setattr(routing, "WATCH_EVERY_S", 0.01)
    stopped, ticks, asked = [], [], []

    class Solver:  # CP-SAT runs in C++: only stop_search matters to the watcher
        def stop_search(self):
            stopped.append(True)

    def should_stop():
        asked.append(True)
        return len(asked) >= 3  # the caller cancels at the third look

    budget = routing.Budget(30, should_stop=should_stop, on_progress=lambda: ticks.append(1))
    done = threading.Event()
    watcher = threading.Thread(target=routing._watch, args=(Solver(), budget, done))
    watcher.start()
    watcher.join(timeout=5)
    assert not watcher.is_alive()  # it returns once it has stopped the search
    assert stopped == [True] and len(asked) == 3 and len(ticks) == 3


def test_a_cancel_ends_the_horizon_move_without_waiting_for_its_time():
    p = parse(generate_problem(1, n_staff=8, n_clients=11, days=7))
    s = _search_for(p, limit=60)
    s.deterministic = False  # wall time: the watcher's polls are what ends it
    s.choose_pools(0)
    s.first_pass(0)
    began = time.perf_counter()
    s.should_stop = lambda: time.perf_counter() - began > 1.0
    before = s.objective
    horizon_move(s, 0.0)
    assert time.perf_counter() - began < 10  # not the 60 s it was given
    assert s.objective <= before and len(s.incumbent) >= 1


def test_a_small_search_stops_once_every_day_is_optimal_given_the_others(monkeypatch):
    """Repeatable runs count CP-SAT's deterministic time, which a tiny day barely uses: the
    search re-routed these two days for its whole budget (42,300 day moves and 85 s of wall
    time for a 2 s limit). Once each day is proven optimal with the other as it is, no day
    move can gain, and the search ends."""
    p = one_hour_each_day(["c1", "c2"])
    calls = []

    def counted(search, day):
        calls.append(day)
        return day_move(search, day)

    monkeypatch.setattr(lns, "day_move", counted)
    plan = solve(p, time_limit_s=2, workers=1, seed=0, deterministic=True)
    assert_valid(p, plan)
    assert not plan.unassigned and plan.metrics["counts"]["distinct_staff"] == 3
    assert sorted(set(calls)) == [0, 1] and len(calls) <= 4
    # Two workers: the whole horizon is tried as soon as the days are settled; it proves
    # the plan optimal.
    calls.clear()
    plan = solve(p, time_limit_s=2, workers=2, seed=0, deterministic=True)
    assert plan.status == "OPTIMAL" and plan.metrics["counts"]["distinct_staff"] == 3
    assert len(calls) <= 4
