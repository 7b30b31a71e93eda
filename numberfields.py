"""Number fields that answer bad input with one plain message.

WTForms' own FloatField and IntegerField add "Not a valid float value" ("Inte ett giltigt
flyttal") and then run the validators too, so a range message follows it: two messages run
together, one of them jargon. These fields give one message per field: the field's range
message if it has one (it says what to enter), else a plain sentence. A Swedish decimal
comma ("58,41") is read as a decimal point.
"""

from flask_babel import lazy_gettext as _l
from wtforms import fields
from wtforms.validators import NumberRange, StopValidation

NOT_A_NUMBER = _l("Enter a number.")
NOT_A_WHOLE_NUMBER = _l("Enter a whole number, without decimals.")


def _range_message(field: fields.Field) -> str | None:
    return next(
        (v.message for v in field.validators if isinstance(v, NumberRange) and v.message), None
    )


class _OneMessage:
    """Mixin: a value that could not be read stops validation with one message."""

    not_a_number = NOT_A_NUMBER

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if not self.process_errors:
            return
        self.errors.clear()
        if not (self.raw_data and str(self.raw_data[0]).strip()):
            return  # empty: Optional or InputRequired says what to do
        raise StopValidation(str(self.unreadable_message()))

    def unreadable_message(self):
        return _range_message(self) or self.not_a_number


class FloatField(_OneMessage, fields.FloatField):
    pass


class IntegerField(_OneMessage, fields.IntegerField):
    def unreadable_message(self):
        try:
            float(self.raw_data[0].strip().replace(",", "."))
        except ValueError:
            return super().unreadable_message()
        return NOT_A_WHOLE_NUMBER  # a number, but with decimals
