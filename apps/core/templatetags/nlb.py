"""Template helpers shared by every app: `{% load nlb %}`.

- `value|human_date`: "2 December 2026" (dates and datetimes; strings in ISO form too), the GOV.UK
  style, so no page shows 2026-12-02.
- `text|abbreviations`: glossary abbreviations marked up with <abbr> (apps/core/glossary.py).
- `slug|label`: "finance-peer-review" -> "Finance peer review", for codes without a label.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from apps.core.glossary import mark_abbreviations

register = template.Library()


@register.filter
def human_date(value, with_time: bool = False) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text = f"{value.day} {value:%B %Y}"
        return f"{text}, {value:%H:%M}" if with_time else text
    return f"{value.day} {value:%B %Y}"


@register.filter
def abbreviations(text) -> str:
    return mark_abbreviations("" if text is None else str(text))


@register.filter
def label(slug) -> str:
    text = str(slug or "").replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
