"""Prometheus metrics counted from the database, so they agree across all processes."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hub import log
from hub.container import Hub
from hub.db.types import utcnow
from hub.ops import repository
from hub.pipeline import tasks

IN_PIPELINE = ("received", "normalized", "correlated")  # statuses before review


class DatabaseCollector(Collector):
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        with self.hub.uow(write=False) as uow:
            session = uow.session
            by_status = repository.clues_by_status(session)
            raw = repository.raw_records_by_outcome(session)
            task_counts = tasks.counts(session)
            lag = tasks.oldest_pending_age(session, utcnow())
            pushes = repository.deliveries_by_state(session)
        total = sum(by_status.values())
        failed = by_status.get("failed", 0)
        processed = total - failed - sum(by_status.get(s, 0) for s in IN_PIPELINE)
        yield CounterMetricFamily("hub_clues_received", "Clues accepted (each counted once)", total)
        yield CounterMetricFamily("hub_clues_processed", "Clues through the pipeline", processed)
        yield CounterMetricFamily("hub_clues_failed", "Clues whose pipeline step failed for good", failed)
        status = GaugeMetricFamily("hub_clues", "Clues by status", labels=["status"])
        for name, n in sorted(by_status.items()):
            status.add_metric([name], n)
        yield status
        records = CounterMetricFamily("hub_raw_records", "Raw records kept, by outcome", labels=["outcome"])
        for name, n in sorted(raw.items()):
            records.add_metric([name], n)
        yield records
        work = GaugeMetricFamily("hub_tasks", "Pipeline tasks by stage and state", labels=["stage", "state"])
        for (stage, state), n in sorted(task_counts.items()):
            work.add_metric([stage, state], n)
        yield work
        yield GaugeMetricFamily("hub_queue_lag_seconds", "Age of the oldest unfinished task", value=lag)
        webhooks = GaugeMetricFamily("hub_webhook_deliveries",
                                     "Hand-off pushes to agencies' webhooks, by state",
                                     labels=["state"])
        for state in ("pending", "sending", "delivered", "failed"):
            webhooks.add_metric([state], pushes.get(state, 0))
        yield webhooks


class BrokerCollector(Collector):
    """What only the broker knows: messages parked in the dead-letter queue (RabbitMQ)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        try:
            dead = self.hub.bus.dead_letters()
        except Exception as exc:  # a broker outage shows in /readyz; /metrics still answers
            log.warning("hub.metrics.broker_unavailable", error=repr(exc))
            return
        if dead is not None:
            yield GaugeMetricFamily("hub_queue_dead_letters",
                                    "Messages in the dead-letter queue (poison or over the delivery limit)",
                                    value=dead)
