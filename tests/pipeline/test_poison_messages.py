"""A message no worker can handle never stops the pipeline; on RabbitMQ it is parked in the
dead-letter queue and counted in /metrics, also when it keeps killing its consumer."""

from __future__ import annotations

import time

import httpx
import pytest
from kombu import Connection, Producer

from hub.pipeline.stages import FIRST_STAGE
from hub.queue.bus import DELIVERY_LIMIT, dead_letter_queue, exchange, is_amqp, stage_queue
from tests.support import factories


def _publish_raw(hub, body, content_type: str) -> None:
    encoding = ({"serializer": "json"} if content_type == "application/json"
                else {"content_type": content_type, "content_encoding": "utf-8"})
    with Connection(hub.bus.url) as conn:
        Producer(conn.default_channel).publish(
            body, exchange=exchange(hub.bus.prefix), routing_key=FIRST_STAGE,
            declare=[stage_queue(hub.bus.prefix, FIRST_STAGE)], **encoding)


def _metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return None


def _wait(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


def test_garbage_on_a_stage_queue_is_set_aside_and_clues_keep_flowing(hub, live, agencies):
    _, key = agencies.add()
    client = agencies.client(key)
    _publish_raw(hub, "not json at all", "text/plain")
    _publish_raw(hub, {"stage": FIRST_STAGE, "task_ids": ["1; DROP TABLE clues"]}, "application/json")
    _publish_raw(hub, ["a", "list"], "application/json")

    created = client.post("/api/v1/clues", json=factories.clue()).json()
    done = _wait(lambda: (b := client.get(f"/api/v1/clues/{created['id']}").json())["status"]
                 == "pending_review" and b)
    assert done and done["status"] == "pending_review"

    metrics = httpx.get(f"{live.url}/metrics").text
    if is_amqp(hub.bus.url):
        assert _wait(lambda: _metric(httpx.get(f"{live.url}/metrics").text,
                                     "hub_queue_dead_letters") == 3)
    else:  # the embedded transports have no dead-letter queue: logged and dropped
        assert _metric(metrics, "hub_queue_dead_letters") is None
    assert _metric(metrics, "hub_clues_processed_total") == 1


def test_a_message_that_keeps_killing_its_consumer_goes_to_the_dead_letter_queue(hub):
    if not is_amqp(hub.bus.url):
        pytest.skip("delivery limits and dead-letter queues are RabbitMQ's")
    hub.bus.wake(FIRST_STAGE, [424242])
    queue = stage_queue(hub.bus.prefix, FIRST_STAGE)
    deliveries = 0
    for _ in range(DELIVERY_LIMIT + 3):
        with Connection(hub.bus.url) as conn:  # a consumer that dies before its ack
            message = queue(conn.default_channel).get(no_ack=False)
            if message is None:
                break
            deliveries += 1
    assert deliveries == DELIVERY_LIMIT + 1
    assert hub.bus.dead_letters() == 1
    with Connection(hub.bus.url) as conn:
        parked = dead_letter_queue(hub.bus.prefix)(conn.default_channel).get(no_ack=True)
    assert parked.decode() == {"stage": FIRST_STAGE, "task_ids": [424242]}
