"""What the dashboards show: figures from snapshots and live windows, turned into charts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from extensions import db
from followup import charts, jobs, service, workload
from followup.records import Window
from scheduling.models import Visit
from teams.models import StaffMember, Team
from timeutil import local_today, monday_of

NO_UNSOCIAL = {"evenings": 0, "weekend_days": 0}
CONT = "continuity_performed.mean"
# (key in a snapshot, scale, digits): the rows of the tables (labels: followup/_fig.html).
INDICATORS = (
    ("continuity_performed.mean", 1, 1),
    ("continuity_planned.mean", 1, 1),
    ("continuity_performed.median", 1, 1),
    ("continuity_performed.share_over_20", 100, 1),
    ("continuity_performed.eligible_clients", 1, 0),
    ("continuity_performed.all_clients_mean", 1, 1),
    ("contact_share", 100, 0),
    ("substitute_share", 100, 0),
    ("distinct_substitutes", 1, 0),
    ("punctuality", 100, 0),
    ("client_time_share", 100, 0),
    ("travel_share", 100, 0),
    ("plan_changes", 1, 0),
)


def pick(data: dict, key: str):
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def mean_of(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def scaled(value, scale: float):
    return None if value is None else value * scale


@dataclass
class Period:
    label: str
    values: dict  # indicator key -> mean over the period's weekly snapshots


def evaluation_teams() -> list[Team]:
    return list(
        db.session.scalars(
            sa.select(Team)
            .where(sa.or_(Team.is_pilot, Team.is_comparison))
            .order_by(Team.is_comparison, Team.name)
        )
    )


def pilot_start(teams: list[Team]) -> date | None:
    starts = [t.pilot_start for t in teams if t.is_pilot and t.pilot_start]
    return min(starts) if starts else None


def before_after(snaps: list, start: date | None) -> tuple[Period, Period]:
    """Means of the weekly figures whose window lies wholly before / after the pilot start."""
    if start is None:
        return Period(_("Before"), {}), Period(_("After"), {})
    before = [s.data for s in snaps if s.week_start + timedelta(days=7) <= start]
    after = [s.data for s in snaps if jobs.snapshot_window(s.week_start).start >= start]
    return tuple(
        Period(label, {k: mean_of(pick(d, k) for d in rows) for k, *_rest in INDICATORS})
        for label, rows in ((_("Before"), before), (_("After"), after))
    )


def week_label(day: date) -> str:
    return _("w. %(week)s", week=day.isocalendar().week)


def evaluator_view() -> dict:
    """Pilot against comparison: weekly trends, before/after, sick leave (no client data)."""
    teams = evaluation_teams()
    start = pilot_start(teams)
    trends = {t.id: jobs.trend(t.id) for t in teams}
    weeks = sorted({s.week_start for snaps in trends.values() for s in snaps})
    marker = (
        next((i for i, w in enumerate(weeks) if w >= monday_of(start)), None) if start else None
    )
    labels = [week_label(w) for w in weeks]

    def series(key: str, scale: float = 1) -> list[charts.Series]:
        out = []
        for t in teams:
            by_week = {s.week_start: scaled(pick(s.data, key), scale) for s in trends[t.id]}
            out.append(charts.Series(t.name, [by_week.get(w) for w in weeks]))
        return out

    start_label = _("Pilot start")
    periods = {t.id: before_after(trends[t.id], start) for t in teams}
    return {
        "teams": teams,
        "pilot_start": start,
        "weeks": len(weeks),
        "continuity_chart": charts.line_chart(
            _("Continuity per week: mean different staff per client (14 days, performed)"),
            labels,
            series("continuity_performed.mean"),
            marker,
            start_label,
        ),
        "share20_chart": charts.line_chart(
            _("Clients meeting more than 20 staff (%)"),
            labels,
            series("continuity_performed.share_over_20", 100),
            marker,
            start_label,
            0,
        ),
        "substitute_chart": charts.line_chart(
            _("Visit time by substitutes (%)"),
            labels,
            series("substitute_share", 100),
            marker,
            start_label,
            0,
        ),
        "contact_chart": charts.line_chart(
            _("Visits with the contact person (%)"),
            labels,
            series("contact_share", 100),
            marker,
            start_label,
            0,
        ),
        "before_after_chart": charts.bar_chart(
            _("Continuity before and after the pilot start (mean of weekly figures)"),
            [t.name for t in teams],
            [
                charts.Series(p, [periods[t.id][i].values.get(CONT) for t in teams])
                for i, p in enumerate((_("Before"), _("After")))
            ],
        ),
        "monthly_chart": monthly_chart(teams),
        "periods": periods,
        "indicators": INDICATORS,
        "sick_leave": sick_leave_rows(teams),
        "default_start": local_today() - timedelta(days=14),
    }


def monthly_chart(teams: list[Team]):
    """Skönsmo's own view: different staff per client per calendar month (None: no months)."""
    rows = {
        t.id: {s.week_start: s.data.get("mean") for s in jobs.trend(t.id, jobs.MONTH_DEFINITION)}
        for t in teams
    }
    months = sorted({m for r in rows.values() for m in r})
    if not months:
        return None
    return charts.bar_chart(
        _("Different staff per client and calendar month (Skönsmo's measure, performed)"),
        [m.strftime("%Y-%m") for m in months],
        [charts.Series(t.name, [rows[t.id].get(m) for m in months]) for t in teams],
    )


def sick_leave_rows(teams: list[Team], months: int = 6) -> dict:
    today = local_today()
    first = date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    # Months before any recorded work would read as 0 % sick leave: start at the first visit.
    first_visit = db.session.scalar(
        sa.select(sa.func.min(Visit.date)).where(Visit.team_id.in_([t.id for t in teams]))
    )
    if first_visit is not None:
        first = max(first, first_visit.replace(day=1))
    span = service.months_between(first, today)
    return {"months": span, "teams": {t.id: service.sick_leave_months(t, span) for t in teams}}


def lead_view(team: Team) -> dict:
    """The lead's own team: the last 14 whole days (up to yesterday: today has not happened
    yet) against the 14 before, clients, workload per person."""
    today = local_today()
    now = service.load_team(team, Window(today - timedelta(days=14), 14))
    before = service.load_team(team, Window(today - timedelta(days=28), 14))
    names = service.pairs(
        sa.select(StaffMember.id, StaffMember.name).where(StaffMember.team_id == team.id)
    )
    load = workload.workload(now.visits, now.shifts, now.absences, now.staff, now.window)
    unsocial = workload.unsocial_hours(now.shifts, now.absences, now.window)
    people = sorted(load.items(), key=lambda kv: names.get(kv[0], ""))
    performed = service.continuity_for(now, "performed")
    snaps = jobs.trend(team.id)
    return {
        "team": team,
        "now": now.window,
        "before": before.window,
        "summary_now": service.summary(now),
        "summary_before": service.summary(before),
        "indicators": INDICATORS,
        "clients": client_ranking(now, performed),
        "workload": [(names.get(s, "?"), row, unsocial.get(s, NO_UNSOCIAL)) for s, row in people],
        "workload_chart": charts.hbar_chart(
            _("Hours worked in the last 14 days against the contract (orange line)"),
            [
                (names.get(s, "?"), r["work_minutes"] / 60, r["contracted_minutes"] / 60)
                for s, r in people
            ],
            " h",
        ),
        "trend_chart": charts.line_chart(
            _("Continuity per week: mean different staff per client (14 days, performed)"),
            [week_label(s.week_start) for s in snaps],
            [charts.Series(team.name, [pick(s.data, "continuity_performed.mean") for s in snaps])],
        )
        if snaps  # a new team has no weeks yet: the page says so instead of an empty chart
        else None,
    }


def client_ranking(data: service.TeamData, result) -> list[dict]:
    """Clients with the most different staff first (all clients with a performed visit)."""
    from clients.models import Client

    names = service.pairs(sa.select(Client.id, Client.name).where(Client.team_id == data.team.id))
    rows = [
        {
            "name": names.get(c, "?"),
            "client_id": c,
            "distinct_staff": n,
            "eligible": c in result.per_client,
        }
        for c, n in result.all_clients.items()
        if n
    ]
    return sorted(rows, key=lambda r: (-r["distinct_staff"], r["name"]))
