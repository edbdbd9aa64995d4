"""`{% open_engagements council %}`: a notice linking to the council's open engagements, for a
user who may see them (nothing for anyone else). Used on the council, early-warning and triage
pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("engagements/_open_engagements.html", takes_context=True)
def open_engagements(context, council) -> dict:
    from apps.engagements.models import Engagement

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"engagements": []}
    found = Engagement.objects.visible_to(user).open().for_council(council)
    return {"engagements": list(found), "council": council}
