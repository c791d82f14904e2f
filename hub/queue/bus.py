"""The one place that publishes.

A message says "these tasks of this stage are ready"; it carries task ids only, never
clue data. Publishing failures are logged, not raised: the tasks are already committed
and the sweeper will publish them again.
"""

from __future__ import annotations

from kombu import Connection, Exchange, Queue
from kombu.pools import ProducerPool

from hub import log

WAKEUP_CHUNK = 500


def exchange(prefix: str) -> Exchange:
    return Exchange(prefix, type="direct", durable=True)


def stage_queue(prefix: str, stage: str) -> Queue:
    return Queue(f"{prefix}.{stage}", exchange(prefix), routing_key=stage, durable=True)


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

    def wake(self, stage: str, task_ids: list[int]) -> None:
        for start in range(0, len(task_ids), WAKEUP_CHUNK):
            self._publish(stage, {"stage": stage, "task_ids": task_ids[start : start + WAKEUP_CHUNK]})

    def _publish(self, stage: str, body: dict) -> None:
        queue = stage_queue(self.prefix, stage)
        try:
            with self._producers.acquire(block=True, timeout=10) as producer:
                producer.publish(
                    body,
                    exchange=self._exchange,
                    routing_key=stage,
                    declare=[queue],
                    serializer="json",
                    delivery_mode=2,
                    retry=True,
                    retry_policy={"max_retries": 3, "interval_start": 0.1, "interval_step": 0.5},
                )
        except Exception as exc:  # the sweeper re-publishes; never fail a committed request
            log.warning("hub.queue.publish_failed", stage=stage, error=repr(exc))

    def ping(self) -> None:
        """Raise if the broker cannot be reached (for /readyz)."""
        with connect(self.url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    def close(self) -> None:
        self._producers.force_close_all()
        self._connections.force_close_all()
