"""Rule conflicts in words (scheduling/conflicts.py): the figures come from Violation.data."""

import pytest

from scheduling import boardplan, conflicts
from scheduling.boardplan import cid, sid, vid
from scheduling.solver.problem import parse
from scheduling.solver.validate import Violation, check_plan
from tests.scheduling.board_world import board_world
from tests.scheduling.solver.tiny import VALID, base_problem, client_of, make_plan, staff_of, t

NOT_PARSED = "an English message conflicts.py must not read"


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        db.session.commit()
        world.problem = boardplan.problem_for(world.plan)
        world.solved = boardplan.solver_plan(world.problem, world.plan.assignments)
        yield world


def describe(w, code, data, visit=None, staff=None) -> str:
    violation = Violation(3, code, NOT_PARSED, visit, staff, data)
    return conflicts.describe(violation, w.problem, w.solved)


def test_travel_from_a_visit_in_swedish_with_minutes_place_and_start(w):
    text = describe(
        w,
        "no_travel_time",
        {"needs": 12, "has": 5, "from": vid(w.morning.id), "to": vid(w.lars_visit.id)},
        vid(w.lars_visit.id),
        sid(w.bo.id),
    )
    assert text == "Hinner inte: 12 min resväg från Storgatan 3, besöket börjar 08:05 (Bo Lind)"


def test_travel_from_and_to_the_office(w):
    from_home = {"needs": 9, "has": 0, "from": None, "to": vid(w.morning.id)}
    text = describe(w, "no_time_from_home", from_home, vid(w.morning.id), sid(w.anna.id))
    assert text.startswith("Hinner inte: 9 min resväg från kontoret, besöket börjar 08:00")
    to_home = {"needs": 14, "has": 3, "from": vid(w.lars_visit.id), "to": None}
    text = describe(w, "no_time_to_home", to_home, vid(w.lars_visit.id), sid(w.bo.id))
    assert text.startswith("Hinner inte tillbaka: Bo Lind behöver 14 min resväg från Ekgatan 9")


def test_break_minutes_and_work_minutes(w):
    day = w.day.isoformat()
    brk = {"minutes": 30, "earliest": f"{day}T11:00", "latest": f"{day}T13:00"}
    assert describe(w, "no_break", brk, staff=sid(w.anna.id)) == (
        "Rasten försvinner: Anna Ek får ingen rast på 30 min mellan 11:00 och 13:00"
    )
    work = {"minutes": 500, "max_minutes": 480}
    assert describe(w, "max_minutes", work, staff=sid(w.anna.id)) == (
        "För mycket tid: Anna Ek får 500 besöksminuter, högst 480"
    )


def test_distinct_staff_names_the_client(w):
    data = {"client": cid(w.karin.id), "count": 5, "max_distinct_staff": 3}
    assert describe(w, "max_distinct_staff", data) == (
        "För många ansikten: Karin Holm skulle möta 5 olika personal, högst 3"
    )


@pytest.mark.parametrize("code", sorted(conflicts.DATA_KEYS))
def test_a_violation_without_its_figures_shows_the_validators_message(w, code):
    assert describe(w, code, {}, vid(w.morning.id), sid(w.anna.id)) == NOT_PARSED


# -- the validator gives every key a sentence needs ----------------------------------------


def _problem(edit=None) -> dict:
    data = base_problem()
    if edit:
        edit(data)
    return data


def _break_before_first_visit(d):
    staff_of(d, "s1")["shifts"][0]["break"] = {
        "earliest": t("08:00"),
        "latest": t("08:50"),
        "minutes": 30,
    }


CASES = {
    "no_travel_time": (None, {"v2": (("s1",), "08:34")}),
    "no_time_from_home": (lambda d: staff_of(d, "s1")["shifts"][0].update(start=t("07:55")), {}),
    "no_time_to_home": (lambda d: staff_of(d, "s1")["shifts"][0].update(end=t("13:25")), {}),
    "no_break": (_break_before_first_visit, {}),
    "max_minutes": (lambda d: staff_of(d, "s1").update(max_minutes=60), {}),
    "max_distinct_staff": (lambda d: client_of(d, "cA").update(max_distinct_staff=1), {}),
}


def test_every_code_with_figures_has_a_validator_case():
    assert set(CASES) == set(conflicts.DATA_KEYS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_validator_violations_carry_the_keys_the_sentences_need(code):
    edit, rows = CASES[code]
    plan = make_plan({**VALID, **rows})
    found = [v for v in check_plan(parse(_problem(edit)), plan) if v.code == code]
    assert found
    for violation in found:
        assert set(conflicts.DATA_KEYS[code]) <= set(violation.data), violation


def test_left_out_for_busy_skilled_staff_names_the_skill_and_what_to_do(w):
    entry = {
        "code": "capacity",
        "reason": NOT_PARSED,
        "data": {
            "day": "2026-11-24",
            "window": "17:11-18:01",
            "staff": ["s1", "s2", "s3", "s4", "s5"],
            "skills": ["insulin"],
            "count": 5,
        },
    }
    assert conflicts.unassigned_reason(entry) == (
        "Ingen plats: alla 5 som arbetar tis 24 nov. 17:11–18:01 och har insulin är upptagna. "
        "Ge deras andra besök till någon annan, eller ta in någon med insulin."
    )
    del entry["data"]["skills"], entry["data"]["count"]  # a visit anyone could do
    assert conflicts.unassigned_reason(entry) == (
        "Ingen plats: personalen som arbetar tis 24 nov. 17:11–18:01 är upptagen med andra besök."
    )


def test_a_double_visit_too_few_could_take_says_how_many_it_needs(w):
    """Two needed with lift, one on shift has it: the page said nobody on shift had lift."""
    data = {"day": "2026-11-24", "window": "07:00-08:00", "skills": ["lift"], "count": 1}
    entry = {"code": "no_skilled_staff_on_shift", "reason": NOT_PARSED,
             "data": {**data, "needed": 2}}  # fmt: skip
    assert conflicts.unassigned_reason(entry) == (
        "Bara 1 av dem som arbetar tis 24 nov. 07:00–08:00 har lyft och förflyttning, "
        "och besöket behöver 2 personal med det."
    )
    when = {"day": "2026-11-24", "window": "07:00-08:00"}
    entry = {"code": "no_staff_on_shift", "reason": NOT_PARSED,
             "data": {**when, "count": 1, "needed": 2}}  # fmt: skip
    assert conflicts.unassigned_reason(entry) == (
        "Bara 1 arbetar tis 24 nov. 07:00–08:00, och besöket behöver 2 personal."
    )
    entry = {"code": "no_skilled_staff_on_shift", "reason": NOT_PARSED,
             "data": {**data, "skills": ["lift"]}}  # fmt: skip
    del entry["data"]["count"]  # nobody with lift at all: the old sentence
    assert "Ingen som arbetar" in conflicts.unassigned_reason(entry)
