"""`{{ paper.body|paper }}`: a paper's text with its structure (see services.paper_text)."""

from django import template

from apps.consultations.services.paper_text import to_html

register = template.Library()


@register.filter
def paper(text: str):
    return to_html(text)
