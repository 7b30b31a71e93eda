"""Staff and clients of a generated team: Swedish-looking names, skills, care needs.

Proportions follow DOMAIN.md section 4 (see :mod:`scheduling.solver.generate`): ~40 % of
clients service only, ~35 % with 1-3 care visits a day, ~25 % with 4-6; insulin on 15-25 %
of clients (tight windows), double staffing with lift on ~5-10 % of care visits.
"""

from __future__ import annotations

import math
import random

from .teamspec import ClientSpec, NeedSpec, StaffSpec

FIRST_NAMES_STAFF = (
    "Anna",
    "Sara",
    "Emma",
    "Fatima",
    "Amina",
    "Maria",
    "Johanna",
    "Linnea",
    "Elin",
    "Ahmed",
    "Erik",
    "Johan",
    "Mohammed",
    "Sofia",
    "Hanna",
    "Aisha",
    "Jonas",
    "Lina",
    "Maja",
    "Nora",
    "Ida",
    "Malin",
    "Petra",
    "Zeynep",
    "Hodan",
    "Kristina",
    "Camilla",
    "Oskar",
    "Viktor",
    "Noor",
)
FIRST_NAMES_CLIENT = (
    "Astrid",
    "Birgitta",
    "Margareta",
    "Gunnel",
    "Karin",
    "Ingrid",
    "Elsa",
    "Gunnar",
    "Bengt",
    "Sven",
    "Lennart",
    "Rolf",
    "Stig",
    "Göran",
    "Barbro",
    "Ulla",
    "Maj-Britt",
    "Inga",
    "Kerstin",
    "Gösta",
    "Lars",
    "Ingvar",
    "Britt",
    "Solveig",
    "Elisabeth",
    "Åke",
    "Evert",
    "Siv",
    "Berit",
)
SURNAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Axelsson",
    "Holm",
    "Sandberg",
    "Lundgren",
    "Ek",
    "Ström",
)
STREETS = (
    "Rydsvägen",
    "Storgatan",
    "Drottninggatan",
    "Ågatan",
    "Klostergatan",
    "Hamngatan",
    "Nygatan",
    "Djurgårdsgatan",
    "Apotekaregatan",
    "Vallavägen",
    "Ekholmsvägen",
    "Västanågatan",
    "Kungsgatan",
    "Platensgatan",
    "Tinnerbäcksgränd",
    "Sankt Larsgatan",
    "Hjulsbrovägen",
)

USK, VB = "undersköterska", "vårdbiträde"
RADIUS_KM = 2.8  # clients live within this distance of the office (a town district)

# Care slots as (earliest start, end of the slot) in minutes of the day (DOMAIN.md section 4).
SLOTS = {
    "morning": (7 * 60, 10 * 60),
    "lunch": (11 * 60 + 30, 13 * 60 + 30),
    "check": (14 * 60, 16 * 60),
    "dinner": (16 * 60 + 30, 18 * 60 + 30),
    "evening": (19 * 60, 21 * 60 + 40),  # leaves room to cycle back before 22:00
    "late_check": (21 * 60, 21 * 60 + 40),
    "service": (8 * 60, 15 * 60),
}
DURATIONS = {  # Kristianstad standard times, stretched for heavier care
    "morning": (20, 25, 30, 35, 40),
    "heavy_morning": (30, 35, 40, 45),
    "lunch": (20, 25, 30),
    "dinner": (15, 20, 25, 30),
    "evening": (15, 20, 30, 40),
    "check": (15,),
    "late_check": (10,),
    "shower": (40,),
    "shopping": (45,),
    "laundry": (30,),
}
DOUBLE_SHARE = 0.075  # target share of care visits with two staff


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ids(prefix: str, n: int) -> list[str]:
    width = max(2, len(str(n)))
    return [f"{prefix}{i + 1:0{width}d}" for i in range(n)]


def make_staff(rng: random.Random, n: int) -> tuple[StaffSpec, ...]:
    """Staff without shifts: ~10-20 % substitutes, insulin for ~half, lift for most."""
    n_sub = min(n - 1, max(1, round(n * rng.uniform(0.10, 0.20)))) if n > 1 else 0
    n_insulin = round(n * 0.5)
    out = []
    for i, sid in enumerate(_ids("s", n)):
        substitute = i >= n - n_sub
        role = VB if substitute or rng.random() < 0.25 else USK
        skills = []
        if role == USK and n_insulin > 0:
            skills.append("insulin")
            n_insulin -= 1
        if rng.random() < (0.7 if substitute else 0.9):
            skills.append("lift")
        rate = rng.choice((0.75, 0.8, 0.85, 0.9, 1.0, 1.0))
        name = f"{rng.choice(FIRST_NAMES_STAFF)} {rng.choice(SURNAMES)}"
        out.append(
            StaffSpec(sid, name, role, tuple(skills), substitute, rate, round(rate * 2400), ())
        )
    return tuple(out)


def _window(rng: random.Random, slot: str, duration: int, insulin: bool) -> tuple[str, str]:
    """A start window inside ``slot``: tight (+-25-30 min) for insulin, 1-2 h otherwise."""
    lo, hi = SLOTS[slot]
    hi -= duration
    if insulin:
        half = rng.choice((25, 30))  # narrower ones left too many unplaceable
        centre = rng.randint(lo + half + 15, max(lo + half + 15, hi - half))
        return _hhmm(centre - half), _hhmm(min(hi, centre + half))
    width = min(hi - lo, rng.choice((60, 90, 120)))
    first = lo + 5 * rng.randint(0, (hi - lo - width) // 5)
    return _hhmm(first), _hhmm(first + width)


def _care(rng: random.Random, slot: str, dur_key: str, insulin: bool = False) -> NeedSpec:
    duration = rng.choice(DURATIONS[dur_key])
    start, end = _window(rng, slot, duration, insulin)
    skills = ("insulin",) if insulin else ()
    return NeedSpec(slot, tuple(range(7)), 1, start, end, duration, 1, skills)


def _service(rng: random.Random, kind: str, every: int, duration: int) -> NeedSpec:
    start, end = _window(rng, "service", duration, False)
    return NeedSpec(kind, (rng.randint(0, 4),), every, start, end, duration)


def _care_slots(rng: random.Random, heavy: bool, insulin: bool) -> list[str]:
    if heavy:
        k = rng.choice((4, 5, 6))
        return ["morning", "lunch", "dinner", "evening", "check", "late_check"][:k]
    k = rng.choices((1, 2, 3), weights=(3, 4.5, 2.5))[0]
    if insulin:
        k = max(k, 2)
    return [
        "morning",
        "dinner" if insulin or rng.random() < 0.5 else "evening",
        "lunch" if rng.random() < 0.5 else "evening",
    ][:k]


def _care_needs(rng: random.Random, heavy: bool, insulin: bool) -> list[NeedSpec]:
    needs = []
    for slot in _care_slots(rng, heavy, insulin):
        key = "heavy_morning" if heavy and slot == "morning" else slot
        needs.append(_care(rng, slot, key, insulin and slot in ("morning", "dinner")))
    if rng.random() < (0.7 if heavy else 0.5):
        needs.append(_service(rng, "shower", 1, 40))
    if rng.random() < 0.5:
        needs.append(_service(rng, "cleaning", 2, 70))
    if rng.random() < 0.3:
        needs.append(_service(rng, "walk", 1, 45))
    return needs


def _service_needs(rng: random.Random) -> list[NeedSpec]:
    needs = []
    if rng.random() < 0.8:
        needs.append(_service(rng, "cleaning", 2, rng.choice((80, 90))))
    if rng.random() < 0.6 or not needs:
        needs.append(_service(rng, "shopping", 1, 45))
    if rng.random() < 0.4:
        needs.append(_service(rng, "laundry", 2, 30))
    return needs


def _weekly_care(needs: list[NeedSpec]) -> float:
    return sum(len(n.weekdays) / n.every_n_weeks for n in needs if n.kind in SLOTS)


def _add_double_staffing(needs: dict[int, list[NeedSpec]], heavy: list[int]) -> None:
    """Lift clients: morning and evening need two staff with lift, ~DOUBLE_SHARE of care."""
    target = DOUBLE_SHARE * sum(_weekly_care(n) for n in needs.values())
    doubled = 0.0
    for i in heavy:
        if doubled >= target:
            break
        new = []
        for n in needs[i]:
            if n.kind in ("morning", "evening") and not n.skills:
                n = NeedSpec(
                    n.kind,
                    n.weekdays,
                    n.every_n_weeks,
                    n.window_start,
                    n.window_end,
                    n.duration,
                    2,
                    tuple(sorted({*n.skills, "lift"})),
                )
                doubled += len(n.weekdays) / n.every_n_weeks
            new.append(n)
        needs[i] = new


def _position(rng: random.Random, office: tuple[float, float]) -> tuple[float, float]:
    r = RADIUS_KM * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    lat = office[0] + r * math.cos(angle) / 111.2
    lon = office[1] + r * math.sin(angle) / (111.2 * math.cos(math.radians(office[0])))
    return round(lat, 5), round(lon, 5)


def _relations(rng: random.Random, i: int, staff: tuple[StaffSpec, ...], contacts: list[str]):
    """Contact staff (1-2 undersköterskor, round robin), sometimes a wish or a refusal."""
    k = rng.choice((1, 2))
    contact = tuple(dict.fromkeys(contacts[(i * 2 + j) % len(contacts)] for j in range(k)))
    others = [s.id for s in staff if s.id not in contact]
    preferred = (rng.choice(others),) if others and rng.random() < 0.1 else ()
    rest = [s for s in others if s not in preferred]
    refused = (rng.choice(rest),) if rest and rng.random() < 0.06 else ()
    return contact, preferred, refused


def make_clients(
    rng: random.Random, n: int, staff: tuple[StaffSpec, ...], office: tuple[float, float]
) -> tuple[ClientSpec, ...]:
    """Clients with needs, homes within a few km of ``office`` and contact staff."""
    kinds = ["service"] * round(n * 0.40) + ["heavy"] * round(n * 0.25)
    kinds += ["care"] * (n - len(kinds))
    rng.shuffle(kinds)
    care = [i for i, k in enumerate(kinds) if k != "service"]
    insulin = set(rng.sample(care, min(len(care), round(n * rng.uniform(0.15, 0.25)))))
    needs = {
        i: (_service_needs(rng) if k == "service" else _care_needs(rng, k == "heavy", i in insulin))
        for i, k in enumerate(kinds)
    }
    _add_double_staffing(needs, [i for i, k in enumerate(kinds) if k == "heavy"])
    contacts = [s.id for s in staff if s.role == USK and not s.substitute]
    contacts = contacts or [s.id for s in staff]
    rng.shuffle(contacts)
    out = []
    for i, cid in enumerate(_ids("c", n)):
        lat, lon = _position(rng, office)
        contact, preferred, refused = _relations(rng, i, staff, contacts)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
        out.append(
            ClientSpec(
                id=cid,
                name=f"{rng.choice(FIRST_NAMES_CLIENT)} {rng.choice(SURNAMES)}",
                address=f"{street}, 58{rng.randint(2, 7)} {rng.randint(10, 99)} Linköping",
                lat=lat,
                lon=lon,
                birth_year=rng.randint(1925, 1958),
                needs=tuple(needs[i]),
                contact_staff=contact,
                preferred_staff=preferred,
                refused_staff=refused,
            )
        )
    return tuple(out)
