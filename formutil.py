"""Form pieces shared by the blueprints."""

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of large checkboxes (easier on a tablet)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """An empty form: a delete or other one-click button still carries a CSRF token."""


def form_page(form: FlaskForm, title: str, cancel_url: str):
    """Render a create/edit form; 400 when it came back with errors, so tests can tell."""
    status = 400 if form.errors else 200
    return render_template("form.html", form=form, title=title, cancel_url=cancel_url), status
