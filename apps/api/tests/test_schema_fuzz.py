"""Schemathesis over the whole API, bounded, as a programme manager and as a council user: no
server error, no response that breaks the published schema, no undocumented status code."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.models import ApiToken, Role
from apps.engagements.tests.conftest import cases, offers, people  # noqa: F401 (fixtures)

EXAMPLES = int(os.environ.get("NLB_FUZZ_EXAMPLES", "8"))  # per operation and role
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(headers: dict) -> list[str]:
    from nlb.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, headers=headers)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
            failures.append(f"{operation.label}: {_summary(exc)}")
    return failures


def _summary(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " | ".join(lines[:12])[:900]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # each request commits, as in production
@pytest.mark.parametrize(
    "role,extra",
    [(Role.PROGRAMME_MANAGER, {}), (Role.COUNCIL_USER, {"council": "E09000008"})],
)
def test_api_survives_schemathesis(councils_loaded, make_user, cases, role, extra):  # noqa: F811
    """Valid and invalid requests, over a few real engagements (ids 1-4 are often drawn)."""
    user = make_user(role=role, **extra)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    failures = fuzz(headers)
    print("\n".join(failures))
    assert not failures, "\n\n".join(failures)
