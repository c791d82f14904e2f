"""Each connector against its simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
import pytest

from connectors.base import (
    ConnectorSpec,
    MappingError,
    PartnerProtocolError,
    PartnerRejected,
    PartnerUnavailable,
    RetryPolicy,
    make_client,
)
from connectors.registry import CONNECTORS, get

SEED, TOTAL, PAGE = 1, 300, 50


def pull(spec: ConnectorSpec, http: httpx.Client, cursor: str | None = None,
         retry: RetryPolicy | None = None) -> tuple[list[dict[str, Any]], str | None, int]:
    """Page until caught up: the records, the cursor to resume from, the pages fetched."""
    records: list[dict[str, Any]] = []
    pages = 0
    while True:
        page = spec.fetch_page(http, cursor, PAGE, retry=retry)
        pages += 1
        records += page.records
        if page.next_cursor is None:
            return records, cursor, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_a_full_pull_sees_every_record_and_new_ones_after_the_last_cursor(name, serve):
    spec = get(name)
    with serve(spec.simulator(seed=SEED, total=TOTAL, page_size=PAGE)) as url, \
            make_client(url, timeout=5) as http:
        records, cursor, pages = pull(spec, http)
        assert records == spec.generate_records(SEED, TOTAL)
        assert pages == TOTAL // PAGE + 1  # the last, empty page says "caught up"

        planted = spec.generate_records(SEED, TOTAL, with_truth=True)
        repeated = {truth.repeat_of for _, truth in planted if truth.repeat_of is not None}
        ids = Counter(str(record.get(spec.source_ref_field)).strip() for record in records)
        for position in repeated:
            original = planted[position][0]
            assert ids[str(original.get(spec.source_ref_field)).strip()] >= 2
            later = [i for i, r in enumerate(records) if r == original]
            assert len(later) == 2 and later[0] // PAGE != later[1] // PAGE  # on two pages

        assert http.post("/_grow", json={"count": 20}).json() == {"records": TOTAL + 20}
        grown, resumed_from, _ = pull(spec, http, cursor)
        assert grown == spec.generate_records(SEED, TOTAL + 20)[TOTAL:]
        assert resumed_from is not None and resumed_from != cursor
        assert pull(spec, http, resumed_from)[0] == []


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_pulled_records_map_as_the_generator_planted(name, serve):
    spec = get(name)
    with serve(spec.simulator(seed=SEED, total=TOTAL)) as url, make_client(url) as http:
        records, _, _ = pull(spec, http)
    outcomes = Counter()
    for record, (_, truth) in zip(records, spec.generate_records(SEED, TOTAL, with_truth=True),
                                  strict=True):
        try:
            kind = "clue" if spec.to_clue(record) else "not_clue"
        except MappingError:
            kind = "refused"
        assert kind == truth.outcome
        outcomes[kind] += 1
    assert outcomes["clue"] and outcomes["not_clue"] and outcomes["refused"]


@pytest.fixture
def hotline(serve):
    """A client of a fresh hotline simulator."""
    app = CONNECTORS["hotline"].simulator(seed=SEED, total=120, page_size=PAGE)
    with serve(app) as url, make_client(url, timeout=5) as http:
        yield http


def requests_served(http: httpx.Client) -> int:
    """Requests to /records so far (faults included)."""
    return http.get("/_stats").json()["requests"]


def test_503_three_times_with_retry_after_then_success(hotline, sleeper):
    retry = RetryPolicy(max_attempts=5, base_delay=5, sleep=sleeper)  # back-off would be slow
    hotline.post("/_faults", json={"status": 503, "count": 3, "retry_after": 0.2})
    before, started = requests_served(hotline), time.monotonic()
    page = CONNECTORS["hotline"].fetch_page(hotline, None, PAGE, retry=retry)
    elapsed = time.monotonic() - started
    assert len(page.records) == PAGE
    assert sleeper.waits == [0.2, 0.2, 0.2]
    assert 0.6 <= elapsed < 2.0
    assert requests_served(hotline) - before == 4  # 3 faults, then the page


def test_429_is_waited_out(hotline, quick_retry, sleeper):
    hotline.post("/_faults", json={"status": 429, "count": 2, "retry_after": "0.1"})
    page = CONNECTORS["hotline"].fetch_page(hotline, None, 10, retry=quick_retry)
    assert len(page.records) == 10 and sleeper.waits == [0.1, 0.1]


def test_5xx_without_retry_after_backs_off(hotline, quick_retry, sleeper):
    hotline.post("/_faults", json={"status": 502, "count": 2})
    CONNECTORS["hotline"].fetch_page(hotline, None, 10, retry=quick_retry)
    assert len(sleeper.waits) == 2 and all(0.02 <= wait <= 0.1 * 1.5 for wait in sleeper.waits)
    assert sleeper.waits[1] > sleeper.waits[0] / 1.5  # doubled, give or take the jitter


def test_404_is_rejected_without_retry(hotline, quick_retry, sleeper):
    hotline.post("/_faults", json={"status": 404, "count": 1})
    before = requests_served(hotline)
    with pytest.raises(PartnerRejected) as caught:
        CONNECTORS["hotline"].fetch_page(hotline, None, 10, retry=quick_retry)
    assert caught.value.status == 404 and sleeper.waits == []
    assert requests_served(hotline) - before == 1


def test_retries_exhausted_is_unavailable(hotline, quick_retry):
    hotline.post("/_faults", json={"status": 503, "count": 50, "retry_after": 0.05})
    before = requests_served(hotline)
    with pytest.raises(PartnerUnavailable) as caught:
        CONNECTORS["hotline"].fetch_page(hotline, None, 10, retry=quick_retry)
    assert caught.value.attempts == quick_retry.max_attempts and caught.value.status == 503
    assert requests_served(hotline) - before == quick_retry.max_attempts


def test_a_proxy_error_page_is_a_protocol_error(hotline, quick_retry):
    hotline.post("/_faults", json={"status": 200, "count": 1, "body": "<html>维护中</html>"})
    with pytest.raises(PartnerProtocolError):
        CONNECTORS["hotline"].fetch_page(hotline, None, 10, retry=quick_retry)


def test_a_cursor_the_partner_does_not_know_is_rejected(hotline, quick_retry):
    with pytest.raises(PartnerRejected) as caught:
        CONNECTORS["hotline"].fetch_page(hotline, "not-a-cursor", 10, retry=quick_retry)
    assert caught.value.status == 400 and "cursor" in caught.value.detail
    court_cursor = "Y291cnQ6MTA"  # another simulator's cursor ("court:10")
    with pytest.raises(PartnerRejected):
        CONNECTORS["hotline"].fetch_page(hotline, court_cursor, 10, retry=quick_retry)


def test_a_partner_that_is_down_is_unavailable(quick_retry, unused_port):
    with make_client(f"http://127.0.0.1:{unused_port}", timeout=1) as http, \
            pytest.raises(PartnerUnavailable) as caught:
        CONNECTORS["hotline"].fetch_page(http, None, 10, retry=quick_retry)
    assert caught.value.status is None and caught.value.attempts == quick_retry.max_attempts
