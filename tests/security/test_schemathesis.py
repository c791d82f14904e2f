"""schemathesis against the hub's own OpenAPI over a live server, with valid credentials.

Every operation gets a bounded number of generated requests (schema-valid and not); no
answer may be a 500, and every answer must match the response schema the document declares.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from hub.accounts.service import add_user
from hub.agencies.service import new_key
from hub.collect.service import connector_agency, connector_spec
from hub.container import Hub
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.security.counts import tried
from tests.support import factories
from tests.support.live import LiveHub

EXAMPLES_PER_OPERATION = 20


@pytest.fixture
def fuzzed_hub(backend, tmp_path):
    settings = make_settings(backend, tmp_path, rate_limit_per_second=0)  # not the limit's test
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    yield made
    made.close()


def _credentials(hub: Hub, base: str) -> dict[str, str]:
    agency_id = connector_agency(hub, connector_spec("hotline"))
    with hub.uow() as uow:
        key = new_key(uow.session, agency_id)
        add_user(uow.session, username="fuzz", display_name="模糊测试", role="reviewer",
                 password="fuzz-password-1")
        uow.commit()
    headers = {"Authorization": f"Bearer {key}"}
    httpx.post(f"{base}/api/v1/clues", json=factories.clue(), headers=headers)
    session = httpx.post(f"{base}/api/v1/office/session",
                         json={"username": "fuzz", "password": "fuzz-password-1"})
    return {**headers, "Cookie": f"hub_session={session.cookies['hub_session']}",
            "X-CSRF-Token": session.json()["csrf_token"]}


def fuzz(operation, base: str, headers: dict[str, str], failures: list[str]) -> None:  # noqa: ANN001
    """Up to EXAMPLES_PER_OPERATION generated requests to one operation; failures collected."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=operation.as_strategy())
    def run(case) -> None:  # noqa: ANN001
        tried("schemathesis_example")
        case.call_and_validate(base_url=base, headers=headers,
                               checks=[not_a_server_error, response_schema_conformance])

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported all at the end
        failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:1500])


def test_no_operation_answers_500_or_off_schema(fuzzed_hub):
    with LiveHub(fuzzed_hub, workers=1, with_scheduler=False) as live:
        headers = _credentials(fuzzed_hub, live.url)
        schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            fuzz(operation, live.url, headers, failures)
    assert len(operations) >= 10
    assert not failures, "\n\n".join(failures)
