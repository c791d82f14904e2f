"""The one place that publishes.

A message says "these tasks of this stage are ready"; it carries task ids only, never
clue data. Publishing failures are logged, not raised: the tasks are already committed
and the sweeper will publish them again.

On RabbitMQ the stage queues are quorum queues (replicated, and they redeliver what a dead
consumer held), and a message that cannot be handled - a body that is not a wake-up, or one
delivered DELIVERY_LIMIT times without an ack because it keeps killing its consumer - goes to
the dead-letter exchange `<prefix>.dlx` and waits in `<prefix>.dead-letters` for a person to
look (its count is `hub_queue_dead_letters` in /metrics). Nothing is lost by that: the tasks a
wake-up names are rows in the database, and the sweeper wakes them again. The embedded
transports (memory://, sqla+...) ignore queue arguments; there a poison message is logged and
dropped.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from kombu import Connection, Exchange, Queue
from kombu.pools import ProducerPool

from hub import log

WAKEUP_CHUNK = 500
# Deliveries of one message without an ack before RabbitMQ dead-letters it (quorum queues).
DELIVERY_LIMIT = 5
DEAD_LETTERS = "dead-letters"


def exchange(prefix: str) -> Exchange:
    return Exchange(prefix, type="direct", durable=True)


def dead_letter_exchange(prefix: str) -> Exchange:
    return Exchange(f"{prefix}.dlx", type="fanout", durable=True)


def dead_letter_queue(prefix: str) -> Queue:
    return Queue(f"{prefix}.{DEAD_LETTERS}", dead_letter_exchange(prefix), durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def stage_queue(prefix: str, stage: str) -> Queue:
    """One stage's queue. Publisher and consumers must declare it alike (RabbitMQ refuses a
    redeclaration with other arguments), so the arguments live here only."""
    return Queue(f"{prefix}.{stage}", exchange(prefix), routing_key=stage, durable=True,
                 queue_arguments={
                     "x-queue-type": "quorum",
                     "x-dead-letter-exchange": dead_letter_exchange(prefix).name,
                     "x-delivery-limit": DELIVERY_LIMIT,
                 })


def is_amqp(url: str) -> bool:
    return url.split("://", 1)[0] in ("amqp", "amqps", "pyamqp")


def declare_dead_letters(conn: Connection, prefix: str) -> None:
    """Consumers call this before consuming: a message rejected while the dead-letter queue
    does not exist yet would be dropped by RabbitMQ."""
    if conn.transport.driver_type == "amqp":
        dead_letter_queue(prefix)(conn.default_channel).declare()


POLLING_SECONDS = 0.01


def connect(url: str) -> Connection:
    """A broker connection. The embedded transports poll; a short interval keeps waits short."""
    if url.startswith("sqla+"):
        # kombu hands this transport's options to create_engine, so set the interval directly.
        conn = Connection(url, heartbeat=0)
        conn.transport.polling_interval = POLLING_SECONDS * 5
        return conn
    return Connection(url, transport_options={"polling_interval": POLLING_SECONDS}, heartbeat=0)


class Bus:
    def __init__(self, url: str, prefix: str = "hub") -> None:
        self.url = url
        self.prefix = prefix
        self._exchange = exchange(prefix)
        # A pool of our own: kombu's global pools are keyed by URL, so two buses on the same
        # URL would share (and one's close would break) the other's.
        self._connections = connect(url).Pool(limit=32)
        self._producers = ProducerPool(self._connections, limit=32)
        self._later: dict[str, list[int]] = defaultdict(list)  # coalesced wake-ups, by stage
        self._later_lock = threading.Lock()
        self._later_ready = threading.Event()
        self._publisher: threading.Thread | None = None
        self._coalesce_seconds = self._coalesce_max_seconds = 0.0
        self._closing = threading.Event()

    def coalesce(self, seconds: float, max_seconds: float | None = None) -> None:
        """From now on, `wake` publishes from a thread of its own: once no task was woken for
        `seconds` (at most `max_seconds` after the first), one message per stage naming every
        task woken meanwhile: many pushes committed one by one become one wake-up, and
        consumers get batches of many. A lone push is published `seconds` after its commit;
        a steady stream of them every `max_seconds`.

        Nothing is lost by the wait: the tasks are committed rows before they are woken, and
        a wake-up lost with the process (killed within `max_seconds`) is published again by
        the sweeper (HUB_TASK_UNCLAIMED_SECONDS). `close` publishes what is still waiting."""
        if seconds <= 0 or self._publisher is not None:
            return
        self._coalesce_seconds = seconds
        self._coalesce_max_seconds = max(seconds, max_seconds or seconds)
        self._publisher = threading.Thread(target=self._publish_later, name="queue-publisher",
                                           daemon=True)
        self._publisher.start()

    def wake(self, stage: str, task_ids: list[int]) -> None:
        if self._publisher is not None and not self._closing.is_set():
            if task_ids:
                with self._later_lock:
                    self._later[stage].extend(task_ids)
                self._later_ready.set()
            return
        self._wake_now(stage, task_ids)

    def _wake_now(self, stage: str, task_ids: list[int]) -> None:
        for start in range(0, len(task_ids), WAKEUP_CHUNK):
            self._publish(stage, {"stage": stage, "task_ids": task_ids[start : start + WAKEUP_CHUNK]})

    def _publish_later(self) -> None:
        while not self._closing.is_set():
            self._later_ready.wait()
            last_call = time.monotonic() + self._coalesce_max_seconds
            while True:  # gather until a quiet `_coalesce_seconds`; `close` cuts it short
                self._later_ready.clear()
                wait = min(self._coalesce_seconds, last_call - time.monotonic())
                if wait <= 0 or self._closing.wait(wait) or not self._later_ready.is_set():
                    break
            self._flush_later()

    def flush(self) -> None:
        """Publish the coalesced wake-ups waiting now (a server about to stop)."""
        self._flush_later()

    def _flush_later(self) -> None:
        with self._later_lock:
            waiting, self._later = self._later, defaultdict(list)
        for stage, ids in waiting.items():
            self._wake_now(stage, ids)

    def _publish(self, stage: str, body: dict) -> None:
        queue = stage_queue(self.prefix, stage)
        declare = [queue, dead_letter_queue(self.prefix)] if is_amqp(self.url) else [queue]
        try:
            with self._producers.acquire(block=True, timeout=10) as producer:
                producer.publish(
                    body,
                    exchange=self._exchange,
                    routing_key=stage,
                    declare=declare,
                    serializer="json",
                    delivery_mode=2,
                    retry=True,
                    retry_policy={"max_retries": 3, "interval_start": 0.1, "interval_step": 0.5},
                )
        except Exception as exc:  # the sweeper re-publishes; never fail a committed request
            log.warning("hub.queue.publish_failed", stage=stage, error=repr(exc))

    def dead_letters(self) -> int | None:
        """Messages waiting in the dead-letter queue, or None where the transport has none."""
        if not is_amqp(self.url):
            return None
        with self._connections.acquire(block=True, timeout=5) as conn:
            channel = conn.default_channel
            declared = dead_letter_queue(self.prefix)(channel)
            declared.declare()
            _, count, _ = channel.queue_declare(declared.name, passive=True)
            return count

    def ping(self) -> None:
        """Raise if the broker cannot be reached (for /readyz)."""
        with connect(self.url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    def close(self) -> None:
        self._closing.set()  # wake-ups from now on are published at once
        if self._publisher is not None:  # publish what is still waiting, then stop the thread
            self._later_ready.set()
            self._publisher.join(10)
        self._flush_later()
        self._producers.force_close_all()
        self._connections.force_close_all()
