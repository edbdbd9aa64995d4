from django import template
from django.utils.html import format_html

from apps.core.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    """A hidden field that makes a create-form take effect once (see apps/core/idempotency.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
