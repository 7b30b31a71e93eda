"""Clients, their absences and recurring care needs (insatser)."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from extensions import db
from teams.models import StaffMember, Team
from timeutil import utcnow

# Visit kinds. Alarm call-outs and meal deliveries are left out of continuity (DOMAIN.md 2).
NEED_KINDS = (
    "morning",
    "lunch",
    "dinner",
    "evening",
    "night_check",
    "check_in",
    "shower",
    "medication",
    "shopping",
    "cleaning",
    "laundry",
    "walk",
    "alarm",
    "meal_delivery",
    "other",
)
CONTINUITY_EXCLUDED_KINDS = ("alarm", "meal_delivery")
CLIENT_ABSENCE_KINDS = ("hospital", "short_stay")
MAX_CONTACT_STAFF = 2


def _staff_link(name: str) -> sa.Table:
    return sa.Table(
        name,
        db.metadata,
        sa.Column("client_id", sa.ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("staff_id", sa.ForeignKey("staff_members.id"), primary_key=True),
    )


client_contact_staff = _staff_link("client_contact_staff")
client_preferred_staff = _staff_link("client_preferred_staff")
client_refused_staff = _staff_link("client_refused_staff")


class Client(db.Model):
    """A person the team cares for (brukare). Sensitive: visible to own team only."""

    __tablename__ = "clients"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    address: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    lat: so.Mapped[float | None]
    lon: so.Mapped[float | None]
    birth_year: so.Mapped[int | None]
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    active_from: so.Mapped[date]
    active_to: so.Mapped[date | None]
    max_distinct_staff: so.Mapped[int | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    team: so.Mapped[Team] = so.relationship()
    contact_staff: so.Mapped[list[StaffMember]] = so.relationship(
        secondary=client_contact_staff, order_by="StaffMember.name"
    )
    preferred_staff: so.Mapped[list[StaffMember]] = so.relationship(
        secondary=client_preferred_staff, order_by="StaffMember.name"
    )
    refused_staff: so.Mapped[list[StaffMember]] = so.relationship(
        secondary=client_refused_staff, order_by="StaffMember.name"
    )
    needs: so.Mapped[list[CareNeed]] = so.relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="CareNeed.earliest"
    )
    absences: so.Mapped[list[ClientAbsence]] = so.relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientAbsence.start_date"
    )

    def is_active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year

    def __repr__(self) -> str:
        return f"<Client {self.name}>"


class ClientAbsence(db.Model):
    """Days the client is not at home (hospital, short stay): no visits, out of continuity."""

    __tablename__ = "client_absences"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    client_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    start_date: so.Mapped[date]
    end_date: so.Mapped[date | None]  # open-ended until known

    client: so.Mapped[Client] = so.relationship(back_populates="absences")

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class CareNeed(db.Model):
    """A recurring care task (insats): which weekdays, every N weeks, start window, duration.

    `weekdays` holds ISO weekday digits ("12345" = Monday to Friday). With
    `interval_weeks` N > 1 the need occurs in weeks 0, N, 2N, ... where weeks are whole
    7-day blocks counted from `valid_from` (the same rule as the generator's `occurrences`).
    """

    __tablename__ = "care_needs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    client_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    weekdays: so.Mapped[str] = so.mapped_column(sa.String(7), default="1234567")
    interval_weeks: so.Mapped[int] = so.mapped_column(default=1)
    earliest: so.Mapped[time]  # earliest start, local time
    latest: so.Mapped[time]  # latest start, local time
    duration_min: so.Mapped[int]
    staff_required: so.Mapped[int] = so.mapped_column(default=1)
    skills: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    valid_from: so.Mapped[date]
    valid_to: so.Mapped[date | None]
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    client: so.Mapped[Client] = so.relationship(back_populates="needs")

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(c) for c in self.weekdays)

    def occurs_on(self, day: date) -> bool:
        """True if this need gives a visit on the day (before client absences are applied)."""
        if day < self.valid_from or (self.valid_to is not None and day > self.valid_to):
            return False
        if day.isoweekday() not in self.weekday_numbers:
            return False
        return ((day - self.valid_from).days // 7) % self.interval_weeks == 0
