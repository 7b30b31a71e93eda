"""Form pieces shared by the blueprints (among them the create forms' one-time token), and the
one way views read a date or a week from the address."""

import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import DateField, SelectChoice, SelectMultipleField, StringField, fields
from wtforms.validators import NumberRange, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

import formtokens
from timeutil import date_bounds, in_bounds, local_today, monday_of, parse_day, parse_week


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of large checkboxes (easier on a tablet)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DayField(DateField):
    """A date within timeutil.date_bounds(); every date field of the app is one."""

    def __call__(self, **kwargs):
        first, last = date_bounds()
        kwargs.setdefault("min", first.isoformat())
        kwargs.setdefault("max", last.isoformat())
        return super().__call__(**kwargs)

    def pre_validate(self, form) -> None:
        if self.data is not None and not in_bounds(self.data):
            raise ValidationError(bounds_message())


class Refused(BadRequest):
    """A 400 whose description is the app's own translated words for what was wrong: the
    error page shows it (Werkzeug's own 400s keep the page's general text, being English)."""


def bounds_message() -> str:
    first, last = date_bounds()
    return _(
        "Enter a date from %(first)s to %(last)s.", first=first.isoformat(), last=last.isoformat()
    )


class ConfirmForm(FlaskForm):
    """An empty form: a delete or other one-click button still carries a CSRF token."""


# What formtokens.new_token() and static/js/app.js make; anything else is ignored.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}", re.ASCII)


class TokenInput(HiddenInput):
    """The one-time token goes out with the hidden fields (hidden_tag), but as a hidden text
    input: every page is no-store, so Back loads the form anew with a new token in the HTML.
    A value set by a script, though, the browser restores, so static/js/app.js replaces the
    token with one of its own ([data-once]) and the form saved again carries the first one."""

    def __call__(self, field, **kwargs):
        return super().__call__(field, type="text", hidden=True, data_once=True, **kwargs)


class CreateForm(FlaskForm):
    """A form that creates a record. Sent a second time with the same one-time token, it
    creates nothing: validate_on_submit() takes the user to what the first send created,
    with a notice (formtokens.py). Given an obj, the form edits it and has no token."""

    form_token = StringField(widget=TokenInput(), default=formtokens.new_token)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if kwargs.get("obj") is not None:
            del self.form_token

    def validate_on_submit(self, extra_validators=None) -> bool:
        token = self._sent_token() if self.is_submitted() else None
        if token:
            _already_saved(formtokens.sent_before(token))
        valid = super().validate_on_submit(extra_validators)
        if valid and token:
            _already_saved(formtokens.claim(token))
        return valid

    def _sent_token(self) -> str | None:
        """The token as sent (none when the field is missing or not a token we made)."""
        sent = self.form_token.raw_data if self.form_token else None
        token = sent[0] if sent else ""
        return token if TOKEN.fullmatch(token) else None


def _already_saved(earlier: formtokens.FormToken | None) -> None:
    """Leave the request for where the earlier send led, saying it was saved already."""
    if earlier is None:
        return
    if earlier.user_id != current_user.id:
        abort(400)
    flash(_("This form had already been saved. It was not saved a second time."), "warning")
    abort(redirect(earlier.url or url_for("auth.home")))  # no url: the first send is not done


def form_page(form: FlaskForm, title: str, cancel_url: str):
    """Render a create/edit form; 400 when it came back with errors, so tests can tell."""
    status = 400 if form.errors else 200
    return render_template("form.html", form=form, title=title, cancel_url=cancel_url), status


def day_or_404(text: str | None) -> date:
    """A day from the address (YYYY-MM-DD within timeutil.date_bounds()), or 404."""
    day = parse_day(text)
    if day is None:
        abort(404)
    return day


def day_arg(name: str = "day") -> date:
    """?day=YYYY-MM-DD; today when the page is asked for without one."""
    text = request.args.get(name)
    return day_or_404(text) if text else local_today()


def week_arg(name: str = "week") -> date:
    """?week=YYYY-Www as its Monday; this week without one. A week that is no week or lies
    outside timeutil.date_bounds() redirects to this week's page with a message."""
    text = request.args.get(name)
    monday = parse_week(text)
    if monday is not None:
        return monday
    if text:
        first, last = date_bounds()
        message = _(
            "That week cannot be shown (only weeks from %(first)s to %(last)s). "
            "This is the current week.",
            first=first.year,
            last=last.year,
        )
        flash(message, "warning")
        args = {**(request.view_args or {}), **request.args}
        args.pop(name)
        abort(redirect(url_for(request.endpoint, **args)))
    return monday_of(local_today())


# -- number fields ---------------------------------------------------------------------
# Number fields that answer bad input with one plain message.
#
# WTForms' own FloatField and IntegerField add "Not a valid float value" ("Inte ett giltigt
# flyttal") and then run the validators too, so a range message follows it: two messages run
# together, one of them jargon. These fields give one message per field: the field's range
# message if it has one (it says what to enter), else a plain sentence. A Swedish decimal
# comma ("58,41") is read as a decimal point.

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
