"""The greedy repair (``greedy.insert_missing``), the client-first construction and the
cheapest cover, on hand-made routes whose right answer can be worked out by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from scheduling.solver import greedy
from scheduling.solver.chunks import candidate_shifts
from scheduling.solver.construct import construct
from scheduling.solver.generate import generate_problem
from scheduling.solver.greedy import CHAIN_TRIES, insert_missing
from scheduling.solver.lowerbound import cheapest_cover
from scheduling.solver.model import ChunkInput
from scheduling.solver.plan import Assignment
from scheduling.solver.problem import parse
from scheduling.solver.routes import route_ok, routes_of
from scheduling.solver.travel import TravelTimes

from .conftest import chain_day, client, problem, staff, visit
from .tiny import build, call, minute, person, t


def _problem() -> dict:
    """One staff member, break 11:00-12:00 (30 min). Far F is 20 min from N2; N and N2 are
    5 min apart. Route P (F) 10:00, Q (N) 10:45, R (N2) 11:35: the break fits between Q
    and R (11:00-11:30, 5 min to N2), but not between P and R once Q is gone (20 min)."""
    staff = {
        "id": "s1",
        "home": "office",
        "shifts": [
            {
                "start": t("07:00"),
                "end": t("15:00"),
                "break": {"earliest": t("11:00"), "latest": t("12:00"), "minutes": 30},
            }
        ],
    }
    out = build(
        [staff],
        [
            call("P", "cF", "10:00", "10:00", duration=40),
            call("Q", "cN", "10:45", "10:45", duration=15),
            call("R", "cN2", "11:35", "13:00", duration=20),
            call("M", "cM", "16:00", "16:30", duration=20),  # after the shift: fits nowhere
        ],
        [{"id": c, "location": c[1:]} for c in ("cF", "cN", "cN2", "cM")],
    )
    out["travel"]["matrix"] = {
        "ids": ["office", "F", "N", "N2", "M"],
        "minutes": [
            [0, 10, 10, 10, 10],
            [10, 0, 5, 20, 10],
            [10, 5, 0, 5, 10],
            [10, 20, 5, 0, 10],
            [10, 10, 10, 10, 0],
        ],
    }
    return out


def _repair_without_q():
    problem = parse(_problem())
    tt = TravelTimes(problem)
    visits = [v for v in problem.visits if v.id != "Q"]
    cands = {v.id: candidate_shifts(problem, v) for v in visits}
    chunk = ChunkInput(visits, cands, {}, {}, {})
    done = [Assignment("P", ("s1",), minute("10:00")), Assignment("R", ("s1",), minute("11:35"))]
    # Q taken off (as an LNS swap does): R at 11:35 no longer leaves room for the break.
    stops = [
        ("P", minute("10:00"), minute("10:40"), "F"),
        ("R", minute("11:35"), minute("11:55"), "N2"),
    ]
    assert not route_ok(tt, cands["P"][0], stops)
    return problem, tt, done, insert_missing(problem, tt, chunk, done)


def test_repair_reschedules_a_route_a_removed_stop_broke():
    problem, tt, _, out = _repair_without_q()
    starts = {a.visit: a.start for a in out}
    assert set(starts) == {"P", "R"}  # M fits nowhere: no insertion moved R
    assert starts["R"] >= minute("11:50")  # after the break and the 20-minute leg
    for ref, stops in routes_of(problem, out).items():
        assert route_ok(tt, ref, stops)


def test_cheapest_cover_fewest_then_cheapest():
    rows = {frozenset({"a", "b"}): 1, frozenset({"b", "c"}): 1, frozenset({"c", "d"}): 2}
    # c and d are needed (2 of {c, d}); then a or b for the first row: b is cheaper.
    assert cheapest_cover(rows, {"a": 5, "b": 1, "c": 0, "d": 0}) == {"b", "c", "d"}
    assert cheapest_cover(rows, {"a": 0, "b": 9, "c": 0, "d": 0}) == {"a", "c", "d"}
    assert cheapest_cover({frozenset({"a"}): 2}, {}) is None  # two staff from one: impossible
    assert cheapest_cover({}, {}) == set()


def test_construction_keeps_every_route_valid_and_faces_few():
    problem = parse(generate_problem(3, n_staff=10, n_clients=14, days=3))
    tt = TravelTimes(problem)
    cands = {v.id: candidate_shifts(problem, v) for v in problem.visits}
    by_day: dict[int, list] = {}
    for v in problem.visits:
        by_day.setdefault(v.earliest_start // 1440, []).append(v)
    assert construct(problem, tt, by_day, cands, stopped=lambda: True) == {}  # out of time
    out = construct(problem, tt, by_day, cands)
    assert out, "the construction placed nothing"
    for vid, a in out.items():
        v = problem.visit_by_id[vid]
        assert len(set(a.staff)) == v.staff_required
        assert {s.id for s in problem.staff if s.id in a.staff} <= {r.staff.id for r in cands[vid]}
    for ref, stops in routes_of(problem, list(out.values())).items():
        assert route_ok(tt, ref, stops), ref.key
    faces = Counter()
    for a in out.values():
        faces.update({(problem.visit_by_id[a.visit].client, s) for s in a.staff})
    per_client = Counter(c for c, _ in faces)
    # Each client in turn gets a fewest-staff cover: far below one face per visit.
    assert sum(per_client.values()) < 0.5 * len(out)


def _chain_input():
    """``chain_day`` with U at A and W at B, both 08:00, and V out."""
    p = chain_day()
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    chunk = ChunkInput(list(p.visits), cands, {}, {}, {})
    done = [Assignment("U", ("A",), minute("08:00")), Assignment("W", ("B",), minute("08:00"))]
    return p, TravelTimes(p), chunk, done


def test_an_ejection_chain_places_what_one_ejection_cannot():
    p, tt, chunk, done = _chain_input()
    staff_of = {a.visit: a.staff for a in insert_missing(p, tt, chunk, done)}
    assert "V" not in staff_of  # one stop moved aside is not enough
    staff_of = {a.visit: a.staff for a in insert_missing(p, tt, chunk, done, CHAIN_TRIES)}
    assert staff_of == {"V": ("A",), "U": ("B",), "W": ("C",)}
    out = insert_missing(p, tt, chunk, done, CHAIN_TRIES)
    for ref, stops in routes_of(p, out).items():
        assert route_ok(tt, ref, stops)


def test_a_chain_that_cannot_close_changes_nothing():
    p, tt, chunk, done = _chain_input()
    # Without C the chain has nowhere to end: every stop stays where it was.
    chunk.candidates = {
        vid: [r for r in refs if r.staff.id != "C"] for vid, refs in chunk.candidates.items()
    }
    out = insert_missing(p, tt, chunk, done, CHAIN_TRIES)
    assert sorted(out, key=lambda a: a.visit) == sorted(done, key=lambda a: a.visit)


def test_a_chain_moves_a_double_visit_to_free_a_skill_holder(monkeypatch):
    # A (insulin) and B share the double visit D at 08:00; the insulin visit V (08:00) can
    # only go to A. C is free then: D moves to B and C, and V goes to A.
    p = problem(
        [staff("A", skills=["insulin"]), staff("B"), staff("C")],
        [client("cV"), client("cD")],
        [
            visit("V", "cV", "08:00", "08:00", skills=["insulin"]),
            visit("D", "cD", "08:00", "08:00", staff_required=2),
        ],
    )
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    chunk = ChunkInput(list(p.visits), cands, {}, {}, {})
    done = [Assignment("D", ("A", "B"), minute("08:00"))]
    tt = TravelTimes(p)
    monkeypatch.setattr(greedy, "CHAIN_DOUBLES", False)
    assert {a.visit for a in insert_missing(p, tt, chunk, done, CHAIN_TRIES)} == {"D"}
    monkeypatch.setattr(greedy, "CHAIN_DOUBLES", True)
    out = insert_missing(p, tt, chunk, done, CHAIN_TRIES)
    staff_of = {a.visit: set(a.staff) for a in out}
    assert staff_of == {"V": {"A"}, "D": {"B", "C"}}
    assert len({a.start for a in out}) == 1  # both at 08:00
    for ref, stops in routes_of(p, out).items():
        assert route_ok(tt, ref, stops)


def test_a_double_visit_out_gets_room_on_two_routes_through_a_chain():
    # The lift visit D needs two lift holders at 08:00: A and B. A holds U then, which C
    # (no lift) could take. No gap holds D; a chain moves U to C and D goes to A and B.
    p = problem(
        [staff("A", skills=["lift"]), staff("B", skills=["lift"]), staff("C")],
        [client("cU"), client("cD")],
        [
            visit("U", "cU", "08:00", "08:00"),
            visit("D", "cD", "08:00", "08:00", staff_required=2, skills=["lift"]),
        ],
    )
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    chunk = ChunkInput(list(p.visits), cands, {}, {}, {})
    done = [Assignment("U", ("A",), minute("08:00"))]
    tt = TravelTimes(p)
    assert {a.visit for a in insert_missing(p, tt, chunk, done)} == {"U"}  # no chains
    out = insert_missing(p, tt, chunk, done, CHAIN_TRIES)
    assert {a.visit: set(a.staff) for a in out} == {"U": {"C"}, "D": {"A", "B"}}
    for ref, stops in routes_of(p, out).items():
        assert route_ok(tt, ref, stops)


def test_a_visit_out_tries_deeper_chains_in_turn():
    # Five staff, all at 08:00: V only to A; each other client accepts two staff in a row
    # (U: A, B; W: B, C; X: C, D; Y: D, E). Only the chain V -> A, U -> B, W -> C, X -> D,
    # Y -> E (five visits) places V.
    names = ["A", "B", "C", "D", "E"]
    holders = {"U": "A", "W": "B", "X": "C", "Y": "D"}
    clients = [client("cV")] + [
        client(f"c{u}", refused_staff=[n for n in names if n not in (h, chr(ord(h) + 1))])
        for u, h in holders.items()
    ]
    p = problem(
        [staff("A", skills=["insulin"])] + [staff(n) for n in names[1:]],
        clients,
        [visit("V", "cV", "08:00", "08:00", skills=["insulin"])]
        + [visit(u, f"c{u}", "08:00", "08:00") for u in holders],
    )
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    chunk = ChunkInput(list(p.visits), cands, {}, {}, {})
    done = [Assignment(u, (h,), minute("08:00")) for u, h in holders.items()]
    tt = TravelTimes(p)
    assert "V" not in {a.visit for a in insert_missing(p, tt, chunk, done, CHAIN_TRIES)}
    out = insert_missing(p, tt, chunk, done, CHAIN_TRIES, depths=(4, 5))
    assert {a.visit: a.staff for a in out} == {
        "V": ("A",),
        "U": ("B",),
        "W": ("C",),
        "X": ("D",),
        "Y": ("E",),
    }


def _two_alike(**relation) -> tuple:
    """Two staff alike in every way but ``relation`` (a client field naming s2, or the
    visit's ``previous``), one visit: only the objective's per-place terms tell them apart."""
    previous = relation.pop("previous", None)
    extra = {"previous": {"staff": ["s2"], "start": t("09:00")}} if previous else {}
    data = build(
        [person("s1", ("07:00", "15:00")), person("s2", ("07:00", "15:00"))],
        [call("V", "c", "09:00", "10:00", **extra)],
        [{"id": "c", "location": "c", **relation}],
    )
    problem = parse(data)
    v = problem.visits[0]
    chunk = ChunkInput([v], {"V": candidate_shifts(problem, v)}, {}, {}, {})
    return problem, TravelTimes(problem), chunk


RELATIONS = (
    {"contact_staff": ["s2"]},
    {"preferred_staff": ["s2"]},
    {"history": {"s2": 5}},
    {"previous": True},
)


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: next(iter(r)))
def test_dispatch_and_repair_choose_by_the_objectives_place_terms(relation):
    problem, tt, chunk = _two_alike(**relation)
    assert [a.staff for a in greedy.dispatch(problem, tt, chunk)] == [("s2",)]
    assert [a.staff for a in insert_missing(problem, tt, chunk, [])] == [("s2",)]


@pytest.mark.parametrize(("area", "with_"), [(0, "east"), (6, "west")])
def test_construction_area_weight_sends_a_client_to_staff_working_near(area, with_):
    # "west" (4 visits) chooses first, then "east" (3), 7 km further out, takes the other
    # staff member, then "near" (1 visit), next door to "west". By load alone (area 0)
    # it goes to the less loaded staff member, east's; by area to west's.
    p = problem(
        [staff("A"), staff("B")],
        [client("west"), client("east"), client("near")],
        [visit(f"w{h}", "west", f"{h:02d}:00", f"{h:02d}:00") for h in (8, 9, 10, 11)]
        + [visit(f"e{h}", "east", f"{h:02d}:00", f"{h:02d}:00") for h in (8, 9, 10)]
        + [visit("n", "near", "13:00", "13:00")],
        offsets={"west": 1.0, "near": 1.1, "east": 8.0},
    )
    tt = TravelTimes(p)
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    out = construct(p, tt, {0: list(p.visits)}, cands, area=area)
    assert len(out) == len(p.visits)
    assert out["w8"].staff != out["e8"].staff
    assert out["n"].staff == out[f"{with_[0]}8"].staff
