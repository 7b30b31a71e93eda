"""Forms of the staff self-service pages (Min vecka, Mina pass)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from formutil import CreateForm, DayField
from teams.forms import REQUIRED, ShiftForm, choices
from teams.wishes import WISH_CODES

LATEST_NIGHT_START_HOUR = 18  # a shift starting this late may run past midnight


class MyShiftForm(ShiftForm):
    """A shift of one's own; a lead may accept a 9-11 h daily rest as a logged exception."""

    rest_exception = BooleanField(_l("Exception: daily rest of at least 9 h (team lead only)"))

    def validate_end(self, field):
        super().validate_end(field)
        start = self.start.data
        if start and field.data and field.data < start and start.hour < LATEST_NIGHT_START_HOUR:
            raise ValidationError(_l("The shift must end after it starts."))


class LeaveForm(CreateForm):
    kind = SelectField(_l("Kind"), choices=choices(("leave", "training", "sick", "other")))
    start_date = DayField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DayField(_l("To"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save absence"))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class WishForm(CreateForm):
    code = SelectField(_l("My wish"), choices=choices(WISH_CODES))
    note = StringField(_l("In your own words (optional)"), validators=[Length(max=200)])
    submit = SubmitField(_l("Save wish"))
