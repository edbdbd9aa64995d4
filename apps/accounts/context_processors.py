from django.conf import settings
from django.http import HttpRequest

from apps.accounts import permissions
from apps.core.navigation import nav_items_for


def service(request: HttpRequest) -> dict:
    user = request.user
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav_items_for(request),
        "user_is_staff_role": permissions.is_staff_role(user),
        "user_sees_case_detail": permissions.can_see_case_detail(user),
    }
