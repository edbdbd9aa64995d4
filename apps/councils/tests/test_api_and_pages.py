import pytest

from apps.accounts.models import ApiToken, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_user):
    return ApiToken.issue(make_user(role=Role.BOARD_MEMBER))


def test_council_detail_with_a_token(client, token):
    response = client.get("/api/councils/E08000025/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Birmingham"
    assert body["official_name"] == "Birmingham City Council"
    assert body["council_type"] == "MD"
    assert body["council_type_name"] == "Metropolitan district"
    assert body["region"] == "West Midlands"
    assert len(body["nearest_neighbours"]) == 15
    assert all(n["gss_code"].startswith("E") for n in body["nearest_neighbours"])


@pytest.mark.parametrize("header", [None, "Bearer not-a-real-token", "Token abc"])
def test_council_api_refuses_without_a_valid_token(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/councils/E08000025/", headers=headers)
    assert response.status_code == 401
    assert "Birmingham" not in response.content.decode()


def test_council_list_filters_by_type_and_region(client, token):
    auth = {"Authorization": f"Bearer {token}"}
    london = client.get("/api/councils/?type=LBO&region=London", headers=auth).json()
    assert len(london) == 32
    assert {c["council_type"] for c in london} == {"LBO"}
    former = client.get("/api/councils/?include_former=true&q=Northamptonshire", headers=auth)
    assert "E10000021" in {c["gss_code"] for c in former.json()}


def test_unknown_council_is_404(client, token):
    response = client.get("/api/councils/E99999999/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


def test_openapi_schema_and_docs_are_published(client, make_user):
    client.force_login(make_user())
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/councils/{gss_code}/" in schema.json()["paths"]
    assert "BearerToken" in schema.json()["components"]["securitySchemes"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()  # works offline: assets come from our static files


def test_create_api_token_prints_a_working_token(make_user, client):
    from io import StringIO

    from django.core.management import call_command

    make_user(role=Role.PEER, username="pat")
    out = StringIO()
    call_command("create_api_token", "pat", stdout=out)
    raw = out.getvalue().strip()
    assert (
        client.get("/api/councils/", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    )


def test_council_pages_need_sign_in(client):
    response = client.get("/councils/E08000025/")
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_council_list_search_and_filters(client, make_user):
    client.force_login(make_user(role=Role.BOARD_MEMBER))
    page = client.get("/councils/?region=London&council_type=LBO").content.decode()
    assert "32 councils" in page
    page = client.get("/councils/?q=E08000025").content.decode()
    assert "1 council" in page and "Birmingham" in page
    partial = client.get("/councils/?q=Birm", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Birmingham" in partial


def test_council_page_shows_key_facts_and_neighbours(client, make_user):
    client.force_login(make_user(role=Role.COUNCIL_USER, council="E09000008"))
    page = client.get("/councils/E10000021/").content.decode()
    assert page.count("<h1") == 1
    assert "Northamptonshire County Council" in page
    assert "abolished on 1 April 2021" in page
    assert "West Northamptonshire" in page
