"""A served API process coalesces its queue wake-ups: pushes committed one by one within the
window reach the workers as one message naming all their tasks; a steady stream is gathered
until it pauses, but never longer than the longest wait; closing the bus publishes what is
still waiting (on both transports)."""

from __future__ import annotations

import time

import pytest
from kombu import Connection

from hub.pipeline.stages import FIRST_STAGE
from hub.queue.bus import (
    Bus,
    connect,
    dead_letter_exchange,
    dead_letter_queue,
    exchange,
    is_amqp,
    stage_queue,
)


def _drain(url: str, prefix: str) -> list[dict]:
    bodies: list[dict] = []
    with connect(url) as conn:
        queue = stage_queue(prefix, FIRST_STAGE)(conn.default_channel)
        queue.declare()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is None:
                if bodies:
                    break
                time.sleep(0.05)
                continue
            bodies.append(message.decode())
    return bodies


def _drain_all(url: str, prefix: str, expected: int) -> list[dict]:
    """Every message until `expected` task ids came (or 20 s)."""
    bodies: list[dict] = []
    with connect(url) as conn:
        queue = stage_queue(prefix, FIRST_STAGE)(conn.default_channel)
        deadline = time.monotonic() + 20
        while sum(len(b["task_ids"]) for b in bodies) < expected and time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                bodies.append(message.decode())
    return bodies


@pytest.fixture
def bus(settings):
    prefix = f"{settings.queue_prefix}-coalesce"
    bus = Bus(settings.broker_url, prefix)
    with Connection(settings.broker_url) as conn:  # the queue exists before anything is sent
        stage_queue(prefix, FIRST_STAGE)(conn.default_channel).declare()
    try:
        yield bus
    finally:
        bus.close()
        if is_amqp(settings.broker_url):  # nothing of ours left on the shared broker
            with Connection(settings.broker_url) as conn:
                channel = conn.default_channel
                stage_queue(prefix, FIRST_STAGE)(channel).delete()
                dead_letter_queue(prefix)(channel).delete()
                exchange(prefix)(channel).delete()
                dead_letter_exchange(prefix)(channel).delete()


def test_a_stream_of_wakeups_is_gathered_until_it_pauses(bus, settings):
    bus.coalesce(1.0, 30.0)
    for task_id in range(1, 11):  # 0.05 s apart: never a pause of 1 s
        bus.wake(FIRST_STAGE, [task_id])
        time.sleep(0.05)
    last = time.monotonic()
    bodies = _drain_all(settings.broker_url, bus.prefix, 10)
    assert bodies == [{"stage": FIRST_STAGE, "task_ids": list(range(1, 11))}]
    assert time.monotonic() - last < 15  # published after the pause, not at the 30 s limit


def test_a_stream_longer_than_the_longest_wait_is_published_in_parts(bus, settings):
    bus.coalesce(1.0, 1.2)
    for task_id in range(1, 61):  # 3 s of wake-ups 0.05 s apart
        bus.wake(FIRST_STAGE, [task_id])
        time.sleep(0.05)
    bodies = _drain_all(settings.broker_url, bus.prefix, 60)
    assert len(bodies) >= 2
    assert [i for body in bodies for i in body["task_ids"]] == list(range(1, 61))


def test_wakeups_within_the_window_are_one_message_and_close_publishes_the_rest(bus, settings):
    bus.coalesce(0.3)
    for task_id in range(1, 21):
        bus.wake(FIRST_STAGE, [task_id])
    first = _drain(settings.broker_url, bus.prefix)
    assert first == [{"stage": FIRST_STAGE, "task_ids": list(range(1, 21))}]
    bus.coalesce(0.3)  # a second call changes nothing
    bus.wake(FIRST_STAGE, [21, 22])
    bus.close()  # published at once, not lost with the process
    assert _drain(settings.broker_url, bus.prefix) == [{"stage": FIRST_STAGE, "task_ids": [21, 22]}]
