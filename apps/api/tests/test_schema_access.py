"""The API's schema and docs are for its users: a signed-in session or a bearer token."""

import pytest

from apps.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_schema_and_docs_need_sign_in_or_a_token(client, make_user):
    assert client.get("/api/openapi.json").status_code == 401
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and docs.url.startswith("/accounts/sign-in/?next=/api/docs")
    wrong = client.get("/api/openapi.json", headers={"authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    raw = ApiToken.issue(make_user())
    schema = client.get("/api/openapi.json", headers={"authorization": f"Bearer {raw}"})
    assert schema.status_code == 200 and "/api/councils/" in schema.json()["paths"]
    client.force_login(make_user())
    assert client.get("/api/docs").status_code == 200
