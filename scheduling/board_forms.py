"""Forms of the week board's edits (claim, give away, swap, move)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TimeField
from wtforms.validators import InputRequired

REQUIRED = _l("Please fill in this field.")


class EditForm(FlaskForm):
    """Every edit carries the visit's version the user saw (optimistic locking)."""

    version = HiddenField(validators=[InputRequired()])
    next = HiddenField()

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class ClaimForm(EditForm):
    staff_id = SelectField(_l("Who takes it"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Claim the visit"))


class GiveForm(EditForm):
    giver_id = SelectField(_l("Who gives it away"), coerce=int, validate_choice=False)
    to_id = SelectField(_l("Give to"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Give away"))


class SwapForm(EditForm):
    me_id = SelectField(_l("Who swaps"), coerce=int, validate_choice=False)
    other = SelectField(
        _l("Swap with"), validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    submit = SubmitField(_l("Swap"))


class MoveForm(EditForm):
    # A text field: a time input shows "02:30 PM" in browsers set to English.
    start = TimeField(
        _l("New start time (HH:MM)"),
        validators=[InputRequired(REQUIRED)],
        render_kw={
            "type": "text",
            "inputmode": "numeric",
            "pattern": "[0-2][0-9]:[0-5][0-9]",
            "autocomplete": "off",
        },
    )
    submit = SubmitField(_l("Move"))
