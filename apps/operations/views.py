from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from apps.operations import health as checks


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 while this instance can serve (database and disk); 503 when it cannot."""
    body, serving = checks.report()
    return JsonResponse(body, status=200 if serving else 503)
