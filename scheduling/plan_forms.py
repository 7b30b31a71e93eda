"""Forms of the plan pages: ask for a proposal, report a sick call."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from formutil import CreateForm, DayField, IntegerField, options

REQUIRED = _l("Please fill in this field.")


class ProposeForm(CreateForm):
    start = DayField(_l("First day"), validators=[InputRequired(REQUIRED)])
    days = IntegerField(
        _l("Number of days"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 28, message=_l("Choose between 1 and 28 days.")),
        ],
    )
    submit = SubmitField(_l("Propose plan"))


class SickCallForm(CreateForm):
    staff_id = SelectField(_l("Who is sick?"), coerce=int, validators=[InputRequired(REQUIRED)])
    day = DayField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DayField(_l("To (if known)"), validators=[Optional()])
    submit = SubmitField(_l("Record sick call and re-plan"))

    def set_staff_choices(self, staff) -> None:
        self.staff_id.choices = options((s.id, s.name) for s in staff)

    def validate_end_date(self, field):
        if field.data and self.day.data and field.data < self.day.data:
            raise ValidationError(_l("The end date cannot be before the start date."))
