"""Daily rest and the working day in real hours (teams/shiftrules.py): across the nights the
clocks change, the wall clock shows an hour more or less than passes."""

from datetime import datetime

import pytest

from teams.shiftrules import Period, rest_issue


@pytest.fixture
def swedish(app):
    """The issue texts are worded for a request (Swedish by default)."""
    with app.test_request_context():
        yield


def rest(a_start, a_end, b_start, b_end):
    a, b = Period(a_start, a_end), Period(b_start, b_end)
    return rest_issue(a, b, [a, b])


def test_an_ordinary_night_counts_the_hours_the_clock_shows(swedish):
    issue = rest(datetime(2026, 11, 14, 7), datetime(2026, 11, 14, 22),
                 datetime(2026, 11, 15, 8), datetime(2026, 11, 15, 15))  # fmt: skip
    assert issue.code == "short_rest" and "Bara 10 h vila" in issue.text
    assert rest(datetime(2026, 11, 14, 7), datetime(2026, 11, 14, 22),
                datetime(2026, 11, 15, 9), datetime(2026, 11, 15, 15)) is None  # fmt: skip


def test_the_night_summer_time_starts_has_an_hour_less(swedish):
    """22:00 to 09:00 over 27-28 March 2027 shows 11 h but is 10 h of rest."""
    issue = rest(datetime(2027, 3, 27, 7), datetime(2027, 3, 27, 22),
                 datetime(2027, 3, 28, 9), datetime(2027, 3, 28, 15))  # fmt: skip
    assert issue.code == "short_rest" and "Bara 10 h vila" in issue.text
    assert issue.exception_allowed  # 10 h: a lead may accept it


def test_the_night_summer_time_ends_has_an_hour_more(swedish):
    """22:00 to 08:00 over 24-25 October 2026 shows 10 h but is 11 h of rest."""
    assert rest(datetime(2026, 10, 24, 7), datetime(2026, 10, 24, 22),
                datetime(2026, 10, 25, 8), datetime(2026, 10, 25, 15)) is None  # fmt: skip


def test_a_split_working_day_is_measured_in_real_hours(swedish):
    """01:00-05:00 and 09:00-13:30 on 25 October 2026 span 12.5 h on the clock, 13.5 h in
    fact: more than 13 h leaves no 11 h of daily rest. The same shifts on an ordinary day
    are allowed."""
    issue = rest(datetime(2026, 10, 25, 1), datetime(2026, 10, 25, 5),
                 datetime(2026, 10, 25, 9), datetime(2026, 10, 25, 13, 30))  # fmt: skip
    assert issue.code == "long_day" and "13 h 30 min" in issue.text
    assert rest(datetime(2026, 11, 1, 1), datetime(2026, 11, 1, 5),
                datetime(2026, 11, 1, 9), datetime(2026, 11, 1, 13, 30)) is None  # fmt: skip
