"""One-time tokens of the create forms (formutil.CreateForm): a form sent a second time, after
Back or by a double click, creates nothing new; the user is taken to what the first send made.

The token is taken in the same transaction as the record the form creates, under a primary key:
of two sends at once, one commits and the other finds the token taken. After the response,
settle() stores where the first send redirected to, for the second to go there too. Tokens
older than KEEP are cleared by a daily job (clear_old), not in the request that saves a form.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Response, g
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from extensions import db
from timeutil import utcnow

KEEP = timedelta(days=7)  # a form sent again after a week is a new form
WAIT_S = 3.0  # how long a second send waits for the first one's answer
REDIRECTS = (301, 302, 303, 307, 308)


class FormToken(db.Model):
    """A create form's token once a send of it has created something."""

    __tablename__ = "form_tokens"

    token: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    url: so.Mapped[str | None] = so.mapped_column(sa.String(500))  # where the send led
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def install(app: Flask) -> None:
    app.after_request(settle)


def clear_old() -> None:
    """Forget the tokens older than KEEP (the caller commits)."""
    db.session.execute(sa.delete(FormToken).where(FormToken.created_at < utcnow() - KEEP))


def clear_job(app: Flask) -> None:
    with app.app_context():
        clear_old()
        db.session.commit()


def register(scheduler, app: Flask) -> None:
    """Add the daily clearing (03:00) to the deployment's one APScheduler."""
    scheduler.add_job(clear_job, "cron", hour=3, args=[app], id="form-tokens-clear")


def sent_before(token: str) -> FormToken | None:
    """The earlier send with this token, once it has answered (or WAIT_S has passed)."""
    row = db.session.get(FormToken, token)
    deadline = time.monotonic() + WAIT_S
    while row is not None and row.url is None and time.monotonic() < deadline:
        time.sleep(0.05)
        row = db.session.get(FormToken, token, populate_existing=True)
    return row


def claim(token: str) -> FormToken | None:
    """Take the token for this send (the view's commit keeps it); if another send of the
    same form took it first, that one, and this send's transaction is rolled back."""
    db.session.add(FormToken(token=token, user_id=current_user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # this send must not go on: its view's objects are gone
        return sent_before(token) or FormToken(token=token, user_id=current_user.id)
    g.form_token = token
    return None


def settle(response: Response) -> Response:
    """After a send that took a token: remember where it redirected to. A send that did not
    end in a redirect (the form came back with an error) gives its token back."""
    token = g.pop("form_token", None)
    if token is None:
        return response
    db.session.rollback()  # what the view left uncommitted; teardown would roll it back anyway
    row = db.session.get(FormToken, token)
    if row is not None and row.url is None:
        if response.status_code in REDIRECTS and response.location:
            row.url = response.location[:500]
        else:
            db.session.delete(row)
        db.session.commit()
    return response
