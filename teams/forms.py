"""Forms for login, staff, skills, shifts, absences, and the admin's teams and users."""

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from formutil import CreateForm, DayField, FloatField, IntegerField, options
from teams.models import (
    ABSENCE_KINDS,
    EDIT_RULE_POLICIES,
    PROFESSIONS,
    PUBLISH_POLICIES,
    ROLES,
    SKILLS,
)
from timeutil import local_today
from ui import LABELS

REQUIRED = _l("Please fill in this field.")


def choices(codes: tuple[str, ...]) -> list:
    """Select options for stored codes, labelled in the user's language."""
    return options((code, LABELS[code]) for code in codes)


def latitude() -> list:
    return [Optional(), NumberRange(-90, 90, message=_l("Latitude must be between -90 and 90."))]


def longitude() -> list:
    return [
        Optional(),
        NumberRange(-180, 180, message=_l("Longitude must be between -180 and 180.")),
    ]


def minutes_after(start: time, at: time) -> int:
    """Minutes from start to the next time the clock shows at (0 to 1439)."""
    return ((at.hour - start.hour) * 60 + at.minute - start.minute) % (24 * 60)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    language = SelectField(choices=options([("sv", "Svenska"), ("en", "English")]))


class StaffForm(CreateForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    profession = SelectField(_l("Profession"), choices=choices(PROFESSIONS))
    employment_rate = IntegerField(
        _l("Employment rate (%)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 100, message=_l("Enter a percentage between 1 and 100.")),
        ],
    )
    contracted_hours_week = FloatField(
        _l("Contracted hours per week"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 60, message=_l("Enter between 0 and 60 hours.")),
        ],
    )
    substitute = BooleanField(_l("Substitute (timvikarie)"))
    home_address = StringField(_l("Start address"), validators=[Length(max=200)])
    home_lat = FloatField(_l("Latitude"), validators=latitude())
    home_lon = FloatField(_l("Longitude"), validators=longitude())
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class SkillForm(CreateForm):
    code = SelectField(_l("Skill or delegation"), choices=choices(SKILLS))
    valid_until = DayField(_l("Valid until"), validators=[Optional()])
    submit = SubmitField(_l("Add"))

    def validate_valid_until(self, field):
        if field.data and field.data < local_today():
            raise ValidationError(_l("The date has already passed."))


class ShiftForm(CreateForm):
    day = DayField(_l("Date"), validators=[InputRequired(REQUIRED)])
    start = TimeField(_l("Start"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("End"), validators=[InputRequired(REQUIRED)])
    break_earliest = TimeField(_l("Break from"), validators=[Optional()])
    break_latest = TimeField(_l("Break until"), validators=[Optional()])
    break_minutes = IntegerField(
        _l("Break minutes"),
        default=30,
        validators=[
            Optional(),
            NumberRange(0, 120, message=_l("Enter between 0 and 120 minutes.")),
        ],
    )
    submit = SubmitField(_l("Save shift"))

    def validate_end(self, field):
        if self.start.data and field.data and field.data == self.start.data:
            raise ValidationError(_l("The shift must end after it starts."))

    def validate_break_latest(self, field):
        if (self.break_earliest.data is None) != (field.data is None):
            raise ValidationError(_l("Give both ends of the break window, or neither."))

    def validate_break_minutes(self, field):
        times = (self.start.data, self.end.data, self.break_earliest.data, self.break_latest.data)
        if None in times:
            return
        # Minutes after the shift start, so shifts past midnight work too.
        end, earliest, latest = (minutes_after(times[0], t) for t in times[1:])
        end = end or 24 * 60
        if not earliest <= latest <= end or earliest == latest:
            raise ValidationError(_l("The break window must lie within the shift."))
        if (field.data or 0) > latest - earliest:
            raise ValidationError(_l("The break is longer than its window."))


class AbsenceForm(CreateForm):
    kind = SelectField(_l("Kind"), choices=choices(ABSENCE_KINDS))
    start_date = DayField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DayField(_l("To"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save absence"))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class TeamForm(CreateForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    area = StringField(_l("Area"), validators=[Length(max=120)])
    office_address = StringField(_l("Office address"), validators=[Length(max=200)])
    office_lat = FloatField(_l("Latitude"), validators=latitude())
    office_lon = FloatField(_l("Longitude"), validators=longitude())
    travel_speed_kmh = FloatField(
        _l("Travel speed (km/h)"),
        default=15.0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 120, message=_l("Enter a speed between 1 and 120 km/h.")),
        ],
    )
    travel_detour_factor = FloatField(
        _l("Detour factor (road distance / straight line)"),
        default=1.3,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 3, message=_l("Enter a factor between 1 and 3.")),
        ],
    )
    travel_minimum_minutes = IntegerField(
        _l("Shortest travel time between two addresses (minutes)"),
        default=2,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 30, message=_l("Enter between 0 and 30 minutes.")),
        ],
    )
    horizon_days = IntegerField(
        _l("Planning horizon (days)"),
        default=14,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 28, message=_l("Enter between 1 and 28 days.")),
        ],
    )
    publish_policy = SelectField(_l("Who may publish a plan"), choices=choices(PUBLISH_POLICIES))
    edit_rule_policy = SelectField(
        _l("A plan edit that breaks a rule"), choices=choices(EDIT_RULE_POLICIES), default="refuse"
    )
    is_pilot = BooleanField(_l("Pilot team"))
    pilot_start = DayField(_l("Pilot start date"), validators=[Optional()])
    is_comparison = BooleanField(_l("Comparison team"))
    submit = SubmitField(_l("Save"))

    def validate_is_comparison(self, field):
        if field.data and self.is_pilot.data:
            raise ValidationError(_l("A team cannot be both pilot and comparison team."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_pilot.data and not self.pilot_start.data:
            self.pilot_start.errors.append(_l("A pilot team needs a pilot start date."))
            return False
        return valid


PASSWORD_MIN_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {"1234567890", "0123456789", "password123", "lösenord123", "losenord123", "qwertyuiop",
     "sommar2024", "sommar2025", "sommar2026", "vinter2025", "vinter2026", "hemtjänst1"}
)  # fmt: skip


def guessable_password(username: str, password: str) -> bool:
    """The password policy beyond its length (the admin page and `flask create-user`): it
    must not hold the username, nor be a common one."""
    password, username = password.strip().lower(), username.strip().lower()
    return username in password or password in COMMON_PASSWORDS


class UserForm(CreateForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(3, 80)])
    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(
                min=PASSWORD_MIN_LENGTH,
                message=_l("A password needs at least %(min)d characters."),
            ),
        ],
    )
    role = SelectField(_l("Role"), choices=choices(ROLES))
    staff_member_id = SelectField(_l("Staff member"), coerce=int, default=0)
    # A new team has no staff yet, and only its lead can add them: the admin creates the
    # lead's (or anyone's) staff member together with the user.
    new_staff_team_id = SelectField(_l("Or a new staff member in team"), coerce=int, default=0)
    new_staff_name = StringField(_l("Name of the new staff member"), validators=[Length(max=120)])
    language = SelectField(
        _l("Language"), choices=options([("", _l("Default")), ("sv", "Svenska"), ("en", "English")])
    )
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def validate_password(self, field):
        """Password policy for every new or changed password (the demo's own are exempt)."""
        if field.data and guessable_password(self.username.data or "", field.data):
            raise ValidationError(_l("Choose a password that is not the username or a common one."))

    def validate_staff_member_id(self, field):
        new_staff = self.new_staff_team_id.data
        if self.role.data in ("staff", "lead") and not field.data and not new_staff:
            raise ValidationError(_l("Staff and team leads must be linked to a staff member."))
        if self.role.data in ("evaluator", "admin") and (field.data or new_staff):
            raise ValidationError(_l("Evaluators and administrators have no staff member."))
        if field.data and new_staff:
            raise ValidationError(_l("Choose an existing staff member or a new one, not both."))

    def validate_new_staff_name(self, field):
        if self.new_staff_team_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the new staff member's name."))
