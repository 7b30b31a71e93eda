"""Imports every model so metadata is complete (for Alembic and create_all)."""

from audit import AuditEvent
from clients.models import CareNeed, Client, ClientAbsence
from formtokens import FormToken
from scheduling.models import Assignment, Plan, Visit
from teams.models import Absence, LoginAttempt, Shift, StaffMember, StaffSkill, Team, User
from teams.wishes import Wish

__all__ = [
    "Absence",
    "Assignment",
    "AuditEvent",
    "CareNeed",
    "Client",
    "ClientAbsence",
    "FormToken",
    "LoginAttempt",
    "Plan",
    "Shift",
    "StaffMember",
    "StaffSkill",
    "Team",
    "User",
    "Visit",
    "Wish",
]
