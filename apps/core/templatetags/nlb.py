"""Template helpers shared by every app: `{% load nlb %}`.

- `value|human_date`: "2 December 2026" (dates and datetimes; strings in ISO form too), the GOV.UK
  style, so no page shows 2026-12-02.
- `text|abbreviations`: glossary abbreviations marked up with <abbr> (apps/core/glossary.py).
- `slug|label`: "finance-peer-review" -> "Finance peer review", for codes without a label.
- `{% demo_tag record %}`: the grey Demo tag after a demo record's name (anything with `is_demo`).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

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


@register.simple_tag
def demo_tag(record) -> str:
    """One Demo tag for every page that names a demo record, so demo-ness is shown the same way
    wherever the record appears (its name never carries "(demo)")."""
    if getattr(record, "is_demo", False):
        return mark_safe(' <strong class="govuk-tag govuk-tag--grey">Demo</strong>')
    return ""
