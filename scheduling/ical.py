"""A staff member's published visits as an iCalendar feed (RFC 5545), at a secret URL.

Privacy: a calendar feed leaves the municipality's systems (phones sync it to cloud
calendars) and its URL can leak, while everything about a client is covered by
social-services secrecy. So each event holds only the time and the kind of visit
("Morgonhjälp"), never the client's name, address or care details; the staff member sees
those in Teamplan itself. A new token (the "new link" button) revokes the old URL.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from extensions import db
from formutil import ConfirmForm
from scheduling.models import Assignment, CalendarToken
from scheduling.plans import current_assignments
from teams.access import TEAM_MEMBERS, roles
from teams.models import StaffMember
from timeutil import local_today, utcnow
from ui import label

bp = Blueprint("ical", __name__)

PAST_DAYS = 7
AHEAD_DAYS = 28
# Europe/Stockholm with the EU summer-time rule, for DTSTART;TZID=Europe/Stockholm.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)


def calendar_token(staff: StaffMember, renew: bool = False) -> CalendarToken:
    """The member's feed token, created on first use; `renew` replaces it (old URL dies)."""
    token = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.staff_id == staff.id))
    if token is None:
        token = CalendarToken(staff_id=staff.id, token=secrets.token_urlsafe(32))
        db.session.add(token)
    elif renew:
        token.token = secrets.token_urlsafe(32)
        token.created_at = utcnow()
    db.session.flush()
    return token


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _event(a: Assignment, stamp: str, version: int) -> list[str]:
    end = a.start + timedelta(minutes=a.visit.duration_min)
    return [
        "BEGIN:VEVENT",
        f"UID:visit-{a.visit_id}-staff-{a.staff_id}@teamplan",
        f"DTSTAMP:{stamp}",
        f"SEQUENCE:{version}",
        f"DTSTART;TZID=Europe/Stockholm:{_local(a.start)}",
        f"DTEND;TZID=Europe/Stockholm:{_local(end)}",
        f"SUMMARY:{escape(label(a.visit.kind))}",
        f"DESCRIPTION:{escape(_('Open Teamplan for the client and the address.'))}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def staff_calendar(staff: StaffMember, today: date | None = None) -> str:
    """The member's published visits from a week ago to four weeks ahead, as iCalendar."""
    today = today or local_today()
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)
    mine = [
        a
        for assignments in current_assignments(staff.team_id, start, end, "published").values()
        for a in assignments
        if a.staff_id == staff.id and not a.visit.cancelled
    ]
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Teamplan//Teamplan//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(_('My visits'))}",
        *VTIMEZONE,
    ]
    for a in sorted(mine, key=lambda a: a.start):
        lines += _event(a, stamp, a.plan.version)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


@bp.get("/ical/<token>.ics")
def feed(token: str):
    """Public (the token is the secret): calendar apps fetch it without logging in."""
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.token == token))
    if row is None or not row.staff.active:
        abort(404)
    user = row.staff.user
    with force_locale((user.language if user else None) or "sv"):
        body = staff_calendar(row.staff)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": "inline; filename=teamplan.ics",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/me/calendar", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def my_calendar():
    """The member's feed URL, and a button that makes a new one (revoking the old)."""
    staff = current_user.staff_member
    if staff is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        calendar_token(staff, renew=True)
        db.session.commit()
        flash(_("You have a new calendar link. The old one no longer works."))
        return redirect(url_for(".my_calendar"))
    token = calendar_token(staff)
    db.session.commit()
    url = url_for(".feed", token=token.token, _external=True)
    return render_template("scheduling/calendar.html", url=url, form=form)
