"""The shared HTTP layer on httpx.MockTransport: Retry-After, back-off, and the error tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.base import (
    ConnectorError,
    PartnerProtocolError,
    PartnerRejected,
    PartnerUnavailable,
    RetryPolicy,
    get_json,
    make_client,
)
from connectors.base.http import parse_retry_after
from connectors.hotline.client import fetch_page

NOW = datetime(2026, 10, 8, 1, 30, tzinfo=UTC)


@given(st.text(max_size=60))
def test_any_retry_after_gives_none_or_a_wait_of_zero_or_more(text):
    wait = parse_retry_after(text, NOW)
    assert wait is None or wait >= 0


@given(st.integers(min_value=0, max_value=10**9))
def test_retry_after_seconds_round_trip(seconds):
    assert parse_retry_after(str(seconds), NOW) == seconds
    assert parse_retry_after(f" {seconds} ", NOW) == seconds


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_retry_after_http_dates_give_the_seconds_until_then(moment):
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    expected = max(0.0, (moment - NOW).total_seconds())
    assert parse_retry_after(format_datetime(moment, usegmt=True), NOW) == expected


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1e3", "Wed, 99 Foo 2026 10:00:00 GMT"])
def test_unreadable_retry_after_is_ignored(value):
    assert parse_retry_after(value, NOW) is None


class Script:
    """A partner that answers from a list of (status, headers, body) and counts the calls."""

    def __init__(self, *answers: tuple[int, dict[str, str], object]) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        status, headers, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(body, Exception):
            raise body
        if isinstance(body, str):
            return httpx.Response(status, headers=headers, text=body)
        return httpx.Response(status, headers=headers, json=body)


def client(script: Script) -> httpx.Client:
    return make_client("http://partner.test", transport=httpx.MockTransport(script))


def policy(waits: list[float], **overrides: float) -> RetryPolicy:
    values = {"max_attempts": 5, "base_delay": 1.0, "max_delay": 4.0, "jitter": 0.5,
              "max_retry_after": 60.0, **overrides}
    return RetryPolicy(**values, sleep=waits.append, random=lambda: 1.0)


OK = (200, {}, {"records": [], "next_cursor": None})


def test_back_off_doubles_with_jitter_up_to_the_cap():
    waits: list[float] = []
    script = Script((503, {}, {}), (500, {}, {}), (502, {}, {}), (504, {}, {}), OK)
    assert get_json(client(script), "/records", retry=policy(waits)) == OK[2]
    assert waits == [1.5, 3.0, 6.0, 6.0]  # 1, 2, 4, 4 (cap) plus 50 % jitter
    assert script.calls == 5


def test_retry_after_is_honoured_in_seconds_and_as_a_date():
    waits: list[float] = []
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = Script((429, {"Retry-After": "7"}, {}), (503, {"Retry-After": later}, {}), OK)
    get_json(client(script), "/records", retry=policy(waits))
    assert waits[0] == 7 and 28 <= waits[1] <= 30


def test_a_retry_after_beyond_the_limit_gives_up_at_once():
    waits: list[float] = []
    script = Script((503, {"Retry-After": "3600"}, {}))
    with pytest.raises(PartnerUnavailable) as caught:
        get_json(client(script), "/records", retry=policy(waits))
    assert caught.value.retry_after == 3600 and script.calls == 1 and waits == []


def test_network_errors_are_retried_then_reported_as_unavailable():
    waits: list[float] = []
    script = Script((0, {}, httpx.ConnectError("refused")))
    with pytest.raises(PartnerUnavailable) as caught:
        get_json(client(script), "/records", retry=policy(waits, max_attempts=3))
    assert caught.value.status is None and caught.value.attempts == 3
    assert script.calls == 3 and len(waits) == 2
    assert "网络错误" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_rejected_without_retry(status):
    script = Script((status, {}, "无此接口"))
    with pytest.raises(PartnerRejected) as caught:
        get_json(client(script), "/records", retry=policy([]))
    assert caught.value.status == status and caught.value.detail == "无此接口"
    assert script.calls == 1


def test_a_server_error_retrying_cannot_fix_is_unavailable_at_once():
    script = Script((501, {}, {}))
    with pytest.raises(PartnerUnavailable):
        get_json(client(script), "/records", retry=policy([]))
    assert script.calls == 1


@pytest.mark.parametrize(("answer", "words"), [
    ((200, {}, "<html>网关错误</html>"), "JSON"),
    ((200, {}, {"items": []}), "records"),
    ((200, {}, {"records": [1], "next_cursor": "x"}), "不是对象"),
    ((200, {}, {"records": [{}], "next_cursor": None}), "next_cursor"),
    ((200, {}, {"records": [], "next_cursor": 5}), "next_cursor"),
    ((302, {"Location": "/login"}, ""), "302"),
])
def test_answers_off_the_protocol_are_protocol_errors(answer, words):
    with pytest.raises(PartnerProtocolError, match=words):
        fetch_page(client(Script(answer)), None, 10, retry=policy([]))


def test_every_partner_error_is_a_connector_error():
    for error in (PartnerUnavailable, PartnerRejected, PartnerProtocolError):
        assert issubclass(error, ConnectorError)


def test_the_client_sends_the_cursor_and_limit_and_identifies_itself():
    seen: list[httpx.Request] = []

    def partner(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"records": [{"a": 1}], "next_cursor": "abc"})

    http = make_client("http://partner.test", headers={"Authorization": "Bearer k"},
                       transport=httpx.MockTransport(partner))
    page = fetch_page(http, "xyz", 25)
    assert page.records == [{"a": 1}] and page.next_cursor == "abc"
    assert seen[0].url.params["cursor"] == "xyz" and seen[0].url.params["limit"] == "25"
    assert seen[0].headers["Authorization"] == "Bearer k"
    assert seen[0].headers["User-Agent"].startswith("clue-hub-connector")
    fetch_page(http, None, 25)
    assert "cursor" not in seen[1].url.params
