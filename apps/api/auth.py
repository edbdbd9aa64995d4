from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer

from apps.accounts.models import ApiToken


class BearerToken(HttpBearer):
    """Authenticates a request by its bearer token and sets request.user to its owner."""

    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user", "user__council")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
        request.user = found.user
        return found.user


def signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's schema and docs are for its users (a signed-in session or a bearer token), as
    the schema names every confidential resource the service holds: others are sent to sign in
    (the docs page) or refused with 401 (the JSON)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and BearerToken().authenticate(request, token.strip()):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "Sign in or send an API token."}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped
