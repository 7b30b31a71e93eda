"""Forms for clients, their care needs and absences."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
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

from clients.models import CLIENT_ABSENCE_KINDS, MAX_CONTACT_STAFF, NEED_KINDS
from formutil import CreateForm, DayField, FloatField, IntegerField, MultiCheckboxField, options
from teams.forms import REQUIRED, choices, latitude, longitude
from teams.models import SKILLS
from timeutil import local_today
from ui import WEEKDAY_NAMES


def this_year() -> int:
    """The year in Sweden when the form is shown or checked (not when the module was loaded:
    a server started in December would refuse the new year's births until it restarted)."""
    return local_today().year


class ClientForm(CreateForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    address = StringField(_l("Address"), validators=[Length(max=200)])
    lat = FloatField(_l("Latitude"), validators=latitude())
    lon = FloatField(_l("Longitude"), validators=longitude())
    birth_year = IntegerField(
        _l("Birth year"),
        validators=[
            Optional(),
            NumberRange(1900, this_year, message=_l("Enter a year between 1900 and now.")),
        ],
    )
    active_from = DayField(_l("Client from"), validators=[InputRequired(REQUIRED)])
    active_to = DayField(_l("Client until"), validators=[Optional()])
    max_distinct_staff = IntegerField(
        _l("Most different staff in a planning period"),
        validators=[Optional(), NumberRange(1, 50, message=_l("Enter between 1 and 50."))],
    )
    contact_staff = MultiCheckboxField(_l("Contact persons (1–2)"), coerce=int)
    preferred_staff = MultiCheckboxField(_l("Preferred staff"), coerce=int)
    refused_staff = MultiCheckboxField(_l("Staff the client has refused"), coerce=int)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))

    def set_staff_choices(self, staff) -> None:
        staff_options = options((s.id, s.name) for s in staff)
        for field in (self.contact_staff, self.preferred_staff, self.refused_staff):
            field.choices = staff_options

    def validate_active_to(self, field):
        if field.data and self.active_from.data and field.data < self.active_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def validate_contact_staff(self, field):
        if not 1 <= len(field.data or []) <= MAX_CONTACT_STAFF:
            raise ValidationError(_l("Choose one or two contact persons."))

    def validate_refused_staff(self, field):
        wanted = set(self.contact_staff.data or []) | set(self.preferred_staff.data or [])
        if wanted & set(field.data or []):
            raise ValidationError(
                _l("A refused staff member cannot also be a contact person or preferred.")
            )


class CareNeedForm(CreateForm):
    kind = SelectField(_l("Kind of care"), choices=choices(NEED_KINDS))
    weekdays = MultiCheckboxField(
        _l("Weekdays"), choices=options((str(i + 1), name) for i, name in enumerate(WEEKDAY_NAMES))
    )
    interval_weeks = SelectField(
        _l("How often"),
        coerce=int,
        choices=options(
            [
                (1, _l("Every week")),
                (2, _l("Every other week")),
                (3, _l("Every third week")),
                (4, _l("Every fourth week")),
            ]
        ),
    )
    earliest = TimeField(_l("Earliest start"), validators=[InputRequired(REQUIRED)])
    latest = TimeField(_l("Latest start"), validators=[InputRequired(REQUIRED)])
    duration_min = IntegerField(
        _l("Duration (minutes)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(5, 480, message=_l("Enter between 5 and 480 minutes.")),
        ],
    )
    staff_required = SelectField(
        _l("Staff needed"), coerce=int, choices=options([(1, "1"), (2, _l("2 (double staffing)"))])
    )
    skills = MultiCheckboxField(_l("Skills and delegations needed"), choices=choices(SKILLS))
    valid_from = DayField(_l("Valid from"), validators=[InputRequired(REQUIRED)])
    valid_to = DayField(_l("Valid until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save"))

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one weekday."))

    def validate_latest(self, field):
        if self.earliest.data and field.data and field.data < self.earliest.data:
            raise ValidationError(_l("The latest start cannot be before the earliest start."))

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class ClientAbsenceForm(CreateForm):
    kind = SelectField(_l("Kind"), choices=choices(CLIENT_ABSENCE_KINDS))
    start_date = DayField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DayField(_l("To (empty if not yet known)"), validators=[Optional()])
    submit = SubmitField(_l("Save absence"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class ImportForm(FlaskForm):
    """Upload of a CSV file of clients and care needs (checked in clients/csvimport.py)."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file to import."))])
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(CreateForm):
    """The checked file goes back as base64 and is checked again before anything is written."""

    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))
