"""The range of "as at" dates the service answers for, shared by web forms and the API."""

from __future__ import annotations

import datetime as dt

from django import forms

# Data begin in the 2000s: an earlier date is refused with a message, never a failure deep inside.
EARLIEST_DATE = dt.date(2000, 1, 1)


def check_as_at(value: dt.date | None) -> None:
    """A ValidationError naming the problem, for a date outside 2000-01-01 .. today."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise forms.ValidationError(f"The date must be on or after {EARLIEST_DATE:%-d %B %Y}")
    if value > dt.date.today():
        raise forms.ValidationError("The date cannot be in the future")
