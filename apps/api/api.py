"""The JSON API: one NinjaAPI, each domain app contributes a Router from its own `api.py`."""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from apps.api.auth import BearerToken, signed_in_or_token
from apps.api.docs import ReadableDocs

api = NinjaAPI(
    title="Nowhere Left Behind API",
    version="1",
    description="Councils, early warning, engagements, peers and consultations. "
    "Send `Authorization: Bearer <token>`; `nlb create_api_token USERNAME` issues one. "
    "This schema and its docs page also need a token or a signed-in session.",
    auth=BearerToken(),
    docs_url="/docs",
    docs=ReadableDocs(),
    openapi_url="/openapi.json",
    docs_decorator=signed_in_or_token,  # both schema and docs: see signed_in_or_token
)

api.add_router("/councils/", "apps.councils.api.router")
api.add_router("/indicators/", "apps.indicators.api.router")
api.add_router("/early-warning/", "apps.early_warning.api.router")
api.add_router("/support/", "apps.support.api.router")
api.add_router("/engagements/", "apps.engagements.api.router")
api.add_router("/peers/", "apps.peers.api.router")
api.add_router("/consultations/", "apps.consultations.api.router")
api.add_router("/reports/", "apps.reports.api.router")


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    """A refused action is a 403 with the reason, as JSON, never a 500 or an HTML page."""
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)
