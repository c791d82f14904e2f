"""schemathesis against the hub's own OpenAPI over a live server, with valid credentials.

Every operation (the agency API and the office API) gets a bounded number of generated
requests, schema-valid and not, under every check schemathesis has: no 500, every status and
content type documented, every answer matching its declared schema and headers, data that
breaks the schema refused, methods an operation lacks answered 405.

Schema-valid data may still be refused with 422 or 400 where a rule lies beyond JSON Schema
(a reported_at in the future, a cc hand-off without its target, a NUL character, a month
"0"): those refusals are documented and in the hub's error shape, so the positive-data
check accepts them.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

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
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]}}})


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
        case.call_and_validate(base_url=base, headers=headers)  # every check enabled

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported all at the end
        failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:1500])


def test_no_operation_answers_500_or_off_schema(fuzzed_hub):
    with LiveHub(fuzzed_hub, workers=1, with_scheduler=False) as live:
        headers = _credentials(fuzzed_hub, live.url)
        schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", config=CONFIG)
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            fuzz(operation, live.url, headers, failures)
    assert len(operations) >= 10
    assert not failures, "\n\n".join(failures)
