"""The JSON API: one NinjaAPI, each domain app contributes a Router from its own `api.py`.

Every operation may refuse: 400 (bad input, e.g. a NUL byte), 401 (no or bad token), 403 (your
role may not), 404 (no such record, or one you may not see: the same answer), 409 (conflict,
where declared), 422 (a malformed request). `NlbApi` documents these on every operation with the
shared `Error` body, so a client and schemathesis know them.
"""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from apps.api.auth import BearerToken, signed_in_or_token
from apps.api.docs import ReadableDocs
from apps.api.schemas import Error

REFUSALS = {
    400: "Bad input: the message says which parameter and why",
    401: "No valid bearer token",
    403: "Your role may not do this",
    404: "No such record, or one you may not see",
    422: "The request does not match this operation's parameters or body",
}


class NlbApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = Error.model_json_schema(ref_template="#/components/schemas/{model}")
        components.setdefault("Error", body)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in REFUSALS.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": error}
        return schema


api = NlbApi(
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
