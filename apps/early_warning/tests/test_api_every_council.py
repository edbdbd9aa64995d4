"""The council assessment API answers for every council at the default date: a council with a
missing data period (NaN in the frame) must not turn into a 500."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.accounts.models import ApiToken, Role
from apps.councils.models import Council

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_indicators(django_db_setup, django_db_blocker):
    from apps.indicators.models import Observation

    with django_db_blocker.unblock():
        call_command("import_indicators", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        Observation.objects.all().delete()


def test_every_current_council_answers(client, make_user, real_indicators):
    token = ApiToken.issue(make_user(role=Role.PROGRAMME_MANAGER))
    failures = []
    every = list(Council.objects.current().order_by("gss_code").values_list("gss_code", flat=True))
    for gss in every[::10]:  # a spread of types and regions; most lacked some period
        response = client.get(
            f"/api/early-warning/councils/{gss}/", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        if response.status_code != 200:
            failures.append((gss, response.status_code))
        else:
            for indicator in response.json()["indicators"]:
                assert indicator["period"] is None or isinstance(indicator["period"], str)
    assert failures == []
