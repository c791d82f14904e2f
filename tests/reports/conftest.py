from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.container import Hub
from hub.reports.build import build
from hub.reports.scope import Scope
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.reports.month import insert_month
from tests.support import backends

AS_OF = datetime(2026, 11, 5, tzinfo=UTC)  # October is over
OFFICE = "十堰市委依法治市办"


def october(region: str | None = None) -> Scope:
    return Scope(2026, 10, region, as_of=AS_OF)


@pytest.fixture(scope="module", params=backends.backend_names())
def month_hub(request, tmp_path_factory):
    """One hub per module and backend holding the month (read-only tests share it)."""
    tmp = tmp_path_factory.mktemp("month")
    backend = (backends.sqlite_backend(tmp) if request.param == "embedded"
               else backends.postgres_backend())
    settings = make_settings(backend, tmp)
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    with made.uow() as uow:
        made.month_ids = insert_month(uow.session)  # type: ignore[attr-defined]
        uow.commit()
    yield made
    made.close()
    backend.drop()


@pytest.fixture(scope="module")
def month(month_hub):
    return month_hub.month_ids


@pytest.fixture(scope="module")
def report(month_hub):
    with month_hub.uow(write=False) as uow:
        return build(uow.session, october(), office_name=OFFICE)


@pytest.fixture(scope="module")
def county_report(month_hub):
    with month_hub.uow(write=False) as uow:
        return build(uow.session, october("420322"), office_name=OFFICE)
