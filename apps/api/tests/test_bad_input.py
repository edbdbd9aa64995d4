"""Bad input is a 4xx with a message that names the problem, never a 500 (issue 14, finding 5)."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import ApiToken, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm_api(make_user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(make_user(Role.PROGRAMME_MANAGER))}"}


def test_nul_bytes_in_the_query_or_path_are_refused_even_signed_out():
    got = Client().get("/api/support/offers", {"q": "\x00"})
    assert got.status_code == 400
    assert "'q' contains a NUL byte" in got.json()["detail"]
    page = Client().get("/consultations/confirmation/%00/")
    assert page.status_code == 400
    assert b"NUL byte" in page.content


def test_nul_in_a_json_body_is_refused(pm_api):
    got = Client().post(
        "/api/engagements/",
        '{"council_gss": "E09000008", "title": "a\\u0000b"}',
        content_type="application/json",
        **pm_api,
    )
    assert got.status_code == 400 and "NUL" in got.json()["detail"]


def test_nul_in_a_web_form_is_refused(make_user):
    client = Client()
    client.force_login(make_user(Role.PROGRAMME_MANAGER))
    got = client.post("/early-warning/councils/E09000008/notes/new/", {"summary": "x\x00"})
    assert got.status_code == 400 and b"summary&#x27; contains a NUL byte" in got.content


def test_negative_limit_and_ancient_dates_are_422_with_the_reason(pm_api):
    got = Client().get("/api/peers/", {"limit": -1}, **pm_api)
    assert got.status_code == 422 and "limit" in str(got.json()["detail"])
    got = Client().get("/api/early-warning/watchlist/", {"as_at": "0001-01-01"}, **pm_api)
    assert got.status_code == 422 and "as_at" in str(got.json()["detail"])


@pytest.mark.parametrize(
    "path", ["/early-warning/", "/early-warning/map/", "/early-warning/compare/"]
)
def test_early_warning_pages_explain_an_ancient_date(make_user, path):
    client = Client()
    client.force_login(make_user(Role.PROGRAMME_MANAGER))
    got = client.get(path, {"as_at": "0001-01-01"})
    assert got.status_code == 200
    assert b"The date must be on or after 1 January 2000" in got.content


def test_permission_denied_in_the_api_is_403_json(make_user, pm_api):
    from apps.councils.models import Council
    from apps.engagements import services
    from apps.engagements.tests.conftest import walk

    pm = make_user(Role.PROGRAMME_MANAGER)
    case = services.create_engagement(
        council=Council.objects.get(gss_code="E09000008"), title="Case", by=pm
    )
    walk(case, pm, "start_conversation", "acknowledge_need")
    council = make_user(Role.COUNCIL_USER, council="E09000008")
    got = Client().post(
        f"/api/engagements/{case.pk}/notes",
        {"text": "Mine", "staff_only": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(council)}",
    )
    assert got.status_code == 403
    assert got.json() == {"detail": "Only improvement staff may mark a note staff-only."}


def test_every_operation_documents_its_refusals_and_schema_names_are_unique(pm_api):
    import ninja

    from apps.api.api import api

    schema = Client().get("/api/openapi.json", **pm_api).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "422"):
                assert status in operation["responses"], (method, path, status)
    # one class per schema name: two apps' "NoteOut" would overwrite each other silently
    seen: dict[str, str] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("apps."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                assert seen.setdefault(sub.__name__, where) == where, (sub.__name__, where)
            walk(sub)

    assert api.urls  # every router imported
    walk(ninja.Schema)
    assert "EngagementIn" in schema["components"]["schemas"]
    body = schema["paths"]["/api/engagements/"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/EngagementIn")
