"""The evaluator export: pseudonymised tables plus a data dictionary, zipped (DOMAIN.md §7).

No names, addresses, coordinates, ids or free text leave here: clients and staff get fresh
random pseudonyms per export, ages are bands, dates are day numbers of the window, times are
rounded down to the quarter hour, staff carry only role and substitute flag, sick leave is
per team and month with small cells suppressed.
"""

from __future__ import annotations

import calendar
import csv
import io
import zipfile
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from followup import continuity as cont
from followup import service, sickleave, workload
from followup.pseudonyms import age_band, pseudonyms, rounded_time
from followup.records import Window
from scheduling.models import Visit
from teams.models import StaffMember
from timeutil import local_today

# 2: nothing after the export time is performed; 3: times rounded down to the quarter hour;
# 4: continuity only for a 14-day window; 5: the monthly figure over the whole month
EXPORT_VERSION = "teamplan-export/5"
HSL_SKILLS = ("insulin", "medication", "wound", "stoma", "catheter")
Table = tuple[list[str], list[list]]


def pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def build_tables(data: service.TeamData) -> dict[str, Table]:
    """Every table of the export for one team and window."""
    results = {b: service.continuity_for(data, b) for b in ("planned", "performed")}
    client_names = pseudonyms([c.id for c in data.clients], "K")
    staff_names = pseudonyms([s.id for s in data.staff], "P")
    return {
        "summary": summary_table(data, results),
        "continuity_distribution": distribution_table(results, official_window(data)),
        "clients": clients_table(data, results, client_names),
        "visits": visits_table(data, client_names, staff_names),
        "staff": staff_table(data, staff_names),
        "sick_leave": sick_leave_table(data),
    }


def official_window(data: service.TeamData) -> bool:
    """The continuity figure is defined over 14 days (DOMAIN.md section 2): over another
    window (the export takes 1-366 days) it is left empty rather than counted over that
    window under the 14-day label."""
    return data.window.days == cont.WINDOW_DAYS


NOT_14_DAYS = "only for a window of 14 days"


def summary_table(data: service.TeamData, results: dict) -> Table:
    s = service.summary(data)
    rows = []
    official = official_window(data)
    for basis, r in results.items():
        figures = [
            [f"continuity_{basis}_mean", num(r.mean), "staff per client, 14 days"],
            [f"continuity_{basis}_median", num(r.median, 1), "staff per client, 14 days"],
            [f"continuity_{basis}_share_over_20_pct", pct(r.share_over_20), "%"],
            [f"continuity_{basis}_eligible_clients", r.eligible_clients, "clients"],
        ]
        rows += figures if official else [[name, "", NOT_14_DAYS] for name, *_rest in figures]
        rows.append([f"continuity_{basis}_all_clients_mean", num(r.all_clients_mean), "no filters"])
    fairness = workload.unsocial_hours(data.shifts, data.absences, data.window)
    evenings = sorted(f["evenings"] for f in fairness.values()) or [0]
    weekends = sorted(f["weekend_days"] for f in fairness.values()) or [0]
    rows += [
        ["contact_person_share_pct", pct(s["contact_share"]), "% of performed visits"],
        ["substitute_share_pct", pct(s["substitute_share"]), "% of performed visit minutes"],
        ["distinct_substitutes", s["distinct_substitutes"], "persons"],
        ["punctuality_pct", pct(s["punctuality"]), "% started inside window"],
        ["client_time_share_pct", pct(s["client_time_share"]), "% of work time"],
        ["travel_share_pct", pct(s["travel_share"]), "% of work time"],
        ["plan_changes_after_publishing", s["plan_changes"], "visits"],
        ["visits", s["visits"], "visits"],
        ["visits_planned", s["visits_planned"], "visits with staff in the plan"],
        ["visits_performed", s["visits_performed"], "visits"],
        ["evening_shifts_min_max", f"{evenings[0]}-{evenings[-1]}", "per person"],
        ["weekend_days_min_max", f"{weekends[0]}-{weekends[-1]}", "per person"],
    ]
    for kind, n in sorted(s["outcomes"].items()):
        rows.append([f"outcome_{kind}", n, "visits"])
    for (y, m), (mean, over) in monthly(data).items():
        unit = "Skönsmo variant, whole month" if over else "Skönsmo variant, month not over"
        rows.append([f"monthly_distinct_staff_mean_{y}-{m:02d}", num(mean), unit])
    return ["metric", "value", "unit"], rows


def monthly(data: service.TeamData) -> dict:
    """(year, month) -> (mean, whether the month is over) for each calendar month the window
    touches, counted over the whole month as Skönsmo did and as the dashboard's monthly
    chart does, not only over the month's days inside the window (9 days of a month are
    not its figure). A month not over by the export time counts what was performed by then."""
    last = data.window.start + timedelta(days=data.window.days - 1)
    out = {}
    for y, m in service.months_between(data.window.start, last):
        month = Window(date(y, m, 1), calendar.monthrange(y, m)[1])
        visits = service.load_visits(data.team.id, month, data.as_of)
        counts = cont.monthly_distinct_staff(visits, data.staff, y, m)
        over = data.as_of is None or data.as_of >= datetime.combine(
            service.window_end(month), time()
        )
        out[y, m] = (cont.mean_or_none(n for n in counts.values() if n), over)
    return out


def distribution_table(results: dict, official: bool = True) -> Table:
    rows = [[b, n, k] for b, r in results.items() for n, k in r.distribution.items()]
    return ["basis", "distinct_staff", "clients"], rows if official else []


def clients_table(data: service.TeamData, results: dict, names: dict) -> Table:
    planned, performed = results["planned"].per_client, results["performed"].per_client
    official = official_window(data)
    if not official:
        planned, performed = {}, {}
    rows = [
        [
            names[c.id],
            age_band(c.birth_year, data.window.start.year),
            ("yes" if c.id in performed else "no") if official else "",
            planned.get(c.id, ""),
            performed.get(c.id, ""),
        ]
        for c in sorted(data.clients, key=lambda c: names[c.id])
    ]
    header = ["client", "age_band", "eligible_performed", "staff_planned", "staff_performed"]
    return header, rows


def visits_table(data: service.TeamData, clients: dict, staff: dict) -> Table:
    skills = service.pairs(
        sa.select(Visit.id, Visit.skills).where(Visit.id.in_(v.id for v in data.visits))
    )
    rows = []
    for v in sorted(data.visits, key=lambda v: (v.day, v.earliest, clients.get(v.client, ""))):
        rows.append(
            [
                clients.get(v.client, "K?"),
                (v.day - data.window.start).days + 1,
                v.day.isoweekday(),
                v.kind,
                "yes" if set(skills.get(v.id) or ()) & set(HSL_SKILLS) else "no",
                v.duration_min,
                rounded_time(v.earliest),
                rounded_time(v.start("planned")),
                rounded_time(v.start("performed")) if v.performed() else "",
                v.outcome_kind() or ("cancelled" if v.cancelled else ""),
                " ".join(staff.get(s, "P?") for s in v.staff("planned")),
                " ".join(staff.get(s, "P?") for s in v.staff("performed")),
            ]
        )
    header = [
        "client", "day", "weekday", "kind", "hsl_task", "duration_min", "window_start",
        "planned_start", "performed_start", "outcome", "planned_staff", "performed_staff",
    ]  # fmt: skip
    return header, rows


def staff_table(data: service.TeamData, names: dict) -> Table:
    roles = service.pairs(
        sa.select(StaffMember.id, StaffMember.profession).where(StaffMember.team_id == data.team.id)
    )
    rows = [
        [names[s.id], roles.get(s.id, ""), "yes" if s.substitute else "no"]
        for s in sorted(data.staff, key=lambda s: names[s.id])
    ]
    return ["staff", "role", "substitute"], rows


def sick_leave_table(data: service.TeamData) -> Table:
    last = data.window.start + timedelta(days=data.window.days - 1)
    months = service.months_between(data.window.start, last)
    rows = []
    for m in service.sick_leave_months(data.team, months):
        rows.append(
            [
                data.team.name,
                f"{m.year}-{m.month:02d}",
                "<5" if m.suppressed else m.persons,
                "suppressed" if m.suppressed else num(m.ordinary_hours, 0),
                "suppressed" if m.suppressed else num(m.sick_hours, 0),
                "suppressed" if m.suppressed else pct(m.rate),
                "suppressed" if m.suppressed else pct(m.long_share),
                "suppressed" if m.suppressed else pct(m.short_rate),
            ]
        )
    header = ["team", "month", "persons", "ordinary_hours", "sick_hours", "sick_rate_pct",
              "long_spell_share_pct", "short_term_rate_pct"]  # fmt: skip
    return header, rows


def dictionary(data: service.TeamData, fmt: str) -> str:
    """The data dictionary: definitions, window, filters, suppression, versions."""
    w = data.window
    last = w.start + timedelta(days=w.days - 1)
    return DICTIONARY.format(
        export=EXPORT_VERSION,
        team=data.team.name,
        start=w.start.isoformat(),
        last=last.isoformat(),
        days=w.days,
        made=local_today().isoformat(),
        as_of=data.as_of.strftime("%Y-%m-%d %H:%M") if data.as_of else "",
        fmt=fmt,
        continuity=cont.CONTINUITY_DEFINITION,
        monthly=cont.MONTHLY_DEFINITION,
        filters=cont.FILTERS,
        workload=workload.WORKLOAD_DEFINITION,
        sick=sickleave.SICK_LEAVE_DEFINITION,
        min_cell=sickleave.MIN_CELL,
    )


DICTIONARY = """Teamplan evaluator export - data dictionary
Export format: {export}   File format: {fmt}   Made: {made}
Team: {team}
Window: {start} to {last} ({days} whole days); "day" 1 = {start}.
Performed as of: {as_of} (local time). Visits and shifts after it are planned, not performed.

PRIVACY
- Clients (K...) and staff (P...) carry random pseudonyms made for this export only; no key is kept.
- No names, addresses, coordinates, phone numbers, ids or free text.
- Ages as bands (<65, 65-79, 80+).
- Times of day rounded down to the quarter hour (07:53 -> 07:45), so a rounded start is
  on the same side of 07:00 and 22:00 as the real one. Staff: role and substitute flag only.
- Delegated health-care tasks only as hsl_task yes/no.
- Sick leave only per team and month; a cell with fewer than {min_cell} persons is suppressed.

DEFINITIONS
continuity ({continuity}):
  distinct staff a client met in a 14-day window; reported as mean (official) and median,
  share of clients with more than 20, distribution, and the number of eligible clients.
  Filters: {filters}.
  Given only for a window of exactly 14 days, the definition's period: for another length
  the continuity figures, the distribution and the clients' eligible_performed,
  staff_planned and staff_performed are left empty (all_clients_mean is still given).
  "planned" counts the published plan in force for each day; "performed" applies what
  staff recorded (cancelled and not done visits drop out; done by someone else counts the
  other person; a visit without a record counts as performed as published) and only counts
  visits whose (performed) start time has come by the "performed as of" time: a visit
  still to come is never performed, whatever was recorded for it.
  all_clients_mean: the mean over every client with a visit, without any filter (the
  figure the planner shows for a plan); not comparable with the official figure.
monthly_distinct_staff_mean ({monthly}): different staff per client per calendar month,
  for each month the window touches, over the whole month (its days outside the window
  too), same visit filters, every client with a visit counted; a month not over by the
  "performed as of" time counts what was performed by then ("month not over").
contact_person_share: share of performed visits with one of the client's contact persons.
substitute_share: substitute minutes / all performed visit minutes, per staff place.
punctuality: share of performed visits started inside their agreed start window.
client_time_share, travel_share ({workload}): visit minutes and travel minutes between
  consecutive visits (solver travel formula) / worked minutes (shifts less breaks, days
  without absence).
plan_changes_after_publishing: visits whose staff or start differ between the first and the
  last published plan version that hold them.
evening shifts: shifts ending after 19:00; weekend days: Saturdays and Sundays worked.
sick leave ({sick}): sick hours / ordinary hours (contracted hours spread
  over Monday-Friday); long_spell_share: share of sick hours in spells of 60 days or more;
  short_term_rate: sick hours on days 1-14 of a spell / ordinary hours. No sex or age
  breakdown (not stored).

FILES
summary: the window's figures. continuity_distribution: clients per distinct-staff count.
clients: per pseudonymous client. visits: one row per visit; performed_start and
performed_staff stay empty for a visit not performed (cancelled, not done, or still to come);
planned_start and planned_staff are always from the plan. staff: pseudonym, role,
substitute. sick_leave: per team and month.
"""


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table[0])
    writer.writerows(table[1])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(tables: dict[str, Table], text: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "data_dictionary"
    for line in text.splitlines():
        sheet.append([line])
    for name, (header, rows) in tables.items():
        ws = book.create_sheet(name[:31])
        ws.append(header)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def build_zip(data: service.TeamData, fmt: str) -> bytes:
    """The export zip: the dictionary plus the tables as CSV files or one XLSX workbook."""
    tables = build_tables(data)
    text = dictionary(data, fmt)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data_dictionary.txt", text)
        if fmt == "xlsx":
            z.writestr("followup.xlsx", xlsx_bytes(tables, text))
        else:
            for name, table in tables.items():
                z.writestr(f"{name}.csv", csv_bytes(table))
    return buf.getvalue()


def filename(data: service.TeamData, fmt: str) -> str:
    return f"teamplan-followup-team{data.team.id}-{data.window.start.isoformat()}-{fmt}.zip"


def export_window(team, start: date, days: int) -> service.TeamData:
    return service.load_team(team, Window(start, days))
