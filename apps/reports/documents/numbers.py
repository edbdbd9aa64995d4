"""Figures as a board paper prints them: whole counts with thousands separators, percentages
rounded to whole numbers, and nouns that agree with their count ("1 view", "23 views")."""

from __future__ import annotations

import math
from numbers import Number


def number(value: object) -> str:
    """A figure as text: a whole number never shows a decimal point ("23", not "23.0");
    other values keep at most two decimals; missing values print as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    as_float = float(value)
    if as_float.is_integer():
        return f"{int(as_float):,}"
    return f"{as_float:,.2f}".rstrip("0").rstrip(".")


def count(n: int | float, singular: str, plural: str | None = None) -> str:
    """'1 view', '23 views', '1,204 responses'."""
    whole = int(round(float(n)))
    noun = singular if whole == 1 else (plural or f"{singular}s")
    return f"{whole:,} {noun}"


def percent(part: int | float, whole: int | float) -> str:
    """A share as a whole percentage ('43%'); '–' when there is nothing to divide by."""
    if not whole:
        return "–"
    return f"{round(100 * float(part) / float(whole)):d}%"
