"""Template helpers: Swedish dates and times, labels for stored codes, flashing form errors."""

from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

# One label per stored code (roles, professions, kinds ...), translated at render time.
LABELS = {
    "staff": _l("Staff member"),
    "lead": _l("Team lead"),
    "evaluator": _l("Evaluator"),
    "admin": _l("Administrator"),
    "any_member": _l("Any team member"),
    "refuse": _l("is refused"),
    "flag": _l("is saved with a visible flag"),
    "underskoterska": _l("Assistant nurse (undersköterska)"),
    "vardbitrade": _l("Care aide (vårdbiträde)"),
    "sjukskoterska": _l("Nurse (sjuksköterska)"),
    "arbetsterapeut": _l("Occupational therapist"),
    "fysioterapeut": _l("Physiotherapist"),
    "sick": _l("Sick"),
    "leave": _l("Leave"),
    "training": _l("Training"),
    "other": _l("Other"),
    "insulin": _l("Insulin (delegation)"),
    "medication": _l("Medication (delegation)"),
    "lift": _l("Lift and transfer"),
    "wound": _l("Wound care (delegation)"),
    "stoma": _l("Stoma care (delegation)"),
    "catheter": _l("Catheter care (delegation)"),
    "dementia": _l("Dementia care"),
    "driving": _l("Driving licence"),
    "morning": _l("Morning help"),
    "lunch": _l("Lunch"),
    "dinner": _l("Dinner"),
    "evening": _l("Evening help"),
    "night_check": _l("Night check"),
    "check_in": _l("Check-in"),
    "check": _l("Check"),
    "late_check": _l("Late check"),
    "shower": _l("Shower"),
    "shopping": _l("Shopping"),
    "cleaning": _l("Cleaning"),
    "laundry": _l("Laundry"),
    "walk": _l("Walk and social time"),
    "alarm": _l("Alarm call-out"),
    "meal_delivery": _l("Meal delivery"),
    "hospital": _l("Hospital"),
    "short_stay": _l("Short-term stay"),
    "no_evenings": _l("Rather no evenings"),
    "no_mornings": _l("Rather no mornings"),
    "no_weekends": _l("Rather no weekends"),
    "prefer_evenings": _l("Rather evenings"),
    "more_hours": _l("I would like more hours"),
    "fewer_hours": _l("I would like fewer hours"),
    "draft": _l("Draft"),
    "published": _l("Published"),
}


def label(code: str | None) -> str:
    """The translated label of a stored code, or the code itself if it has none."""
    if code is None:
        return ""
    return str(LABELS.get(code, code))


def day(value: date | None) -> str:
    """A date as Swedish readers expect it, e.g. 'mån 23 nov. 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # wall-clock time: no time-zone shift
        value = value.date()
    return format_date(value, "EEE d MMM y")


def clock(value: time | datetime | None) -> str:
    """24-hour clock."""
    return "" if value is None else value.strftime("%H:%M")


def stamp(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "d MMM y HH:mm")


def iso_week(value: date) -> int:
    return value.isocalendar().week


EVERY_DAY = _l("every day")
WEEKDAY_NAMES = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


def number(value: float | None) -> str:
    """A number with the locale's decimal comma ('15,5')."""
    return "" if value is None else format_decimal(value, "#,##0.##")


def continuity(value: float | None) -> str:
    """A plan's continuity, or '–' when it has none: 0 means no client met any staff."""
    return number(value) if value else "–"


def weekdays(digits: str) -> str:
    """ISO weekday digits ('135') as short names ('mån, ons, fre')."""
    if len(set(digits)) == 7:
        return str(EVERY_DAY)
    return ", ".join(str(WEEKDAY_NAMES[int(d) - 1]) for d in sorted(digits))


def language_next() -> str:
    """Where the language switch returns to: this page; on a page that answered a form (a
    board conflict, the import check) the page the form was sent from, since the answer's own
    address only takes the form (opened again it is a 405)."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    sent_from = urlsplit(request.referrer or "")
    if sent_from.netloc != request.host or not sent_from.path.startswith("/"):
        return ""  # the start page
    return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")


def register(app: Flask) -> None:
    app.jinja_env.globals["language_next"] = language_next
    app.jinja_env.filters.update(
        label=label,
        number=number,
        continuity=continuity,
        day=day,
        clock=clock,
        stamp=stamp,
        iso_week=iso_week,
        weekdays=weekdays,
    )
