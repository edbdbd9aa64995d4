"""Schemas every part of the API shares: the error body and bounded query values.

Each schema name in the OpenAPI document must be unique (`apps/api/tests/test_openapi.py` checks),
so apps name their schemas after their own domain (SoftIntelligenceOut, CaseNoteOut, ...) and use
these for what is common.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Schema
from pydantic import Field

from apps.core.dates import EARLIEST_DATE

MAX_PAGE = 1000

AsAt = Annotated[
    dt.date,
    Field(ge=EARLIEST_DATE, le=dt.date(2999, 12, 31), description="A date from 2000-01-01 on"),
]
# Text fields: short ones match their column; long ones stop far below what breaks storage.
LONG_TEXT = 20_000
Code = Annotated[str, Field(max_length=40)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}")]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]


class Error(Schema):
    """Every refusal: `detail` says why (a list of field problems for a malformed request)."""

    detail: str | list[dict[str, Any]]
    errors: dict[str, str] = {}


__all__ = [
    "AsAt",
    "Code",
    "EARLIEST_DATE",
    "Error",
    "Limit",
    "LongText",
    "Offset",
    "Query",
    "ShortText",
]
