"""Per-agency rate limits over a live server: 429 with Retry-After, other agencies unaffected."""

from __future__ import annotations

import httpx
import pytest

from hub.agencies.ratelimit import RateLimiter
from hub.container import Hub
from hub.errors import TooManyRequests
from tests.conftest import make_settings
from tests.security.support import agency_with
from tests.support import factories
from tests.support.live import LiveHub


@pytest.fixture
def slow_hub(backend, tmp_path):
    from hub.security.keyring import create_keyring

    # Refill so slow that no token comes back during the test: the outcome never depends on
    # how fast the machine is.
    settings = make_settings(backend, tmp_path, rate_limit_per_second=0.01, rate_limit_burst=3)
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    yield made
    made.close()


def test_an_agency_over_its_burst_gets_429_with_retry_after(slow_hub):
    _, busy = agency_with(slow_hub, "十堰市12345热线", channel="hotline")
    _, quiet = agency_with(slow_hub, "十堰市中级人民法院")
    with LiveHub(slow_hub, workers=0, with_scheduler=False) as live:
        busy_client = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {busy}"})
        statuses = [busy_client.post("/api/v1/clues", json=factories.clue()).status_code
                    for _ in range(3)]
        refused = busy_client.post("/api/v1/clues", json=factories.clue())
        other = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                           headers={"Authorization": f"Bearer {quiet}"})
        busy_client.close()
    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "请求过于频繁" in refused.json()["message"] and "十堰市12345热线" in refused.json()["message"]
    assert other.status_code == 201


def test_the_bucket_refills_at_the_rate_and_says_when():
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=2, clock=lambda: now[0])
    limiter.take(1, "甲")
    limiter.take(1, "甲")
    with pytest.raises(TooManyRequests) as refused:
        limiter.take(1, "甲")
    assert refused.value.retry_after == 1
    now[0] = 0.5  # one token back after half a second at 2/s
    limiter.take(1, "甲")
    with pytest.raises(TooManyRequests):
        limiter.take(1, "甲")
    now[0] = 100.0  # never more than the burst
    limiter.take(1, "甲")
    limiter.take(1, "甲")
    with pytest.raises(TooManyRequests):
        limiter.take(1, "甲")


def test_a_rate_of_zero_turns_the_limit_off():
    limiter = RateLimiter(rate=0, burst=1)
    for _ in range(1000):
        limiter.take(1, "甲")
