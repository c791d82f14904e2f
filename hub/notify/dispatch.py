"""Sending deliveries: claim due rows, post them concurrently, record every attempt.

A slow or dead receiver never holds up the others: each post has a short timeout and runs in
a thread pool, and the rows are claimed in the database (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite has one writer), so several dispatchers in several processes share the
work without sending one delivery twice at once. A claim left by a process that died expires
after `CLAIM_SECONDS` (`HUB_WEBHOOK_CLAIM_SECONDS`) and the row is sent again (receivers dedupe on `X-Hub-Delivery`).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import orjson
from sqlalchemy.orm import Session

from hub import log
from hub.container import Hub
from hub.db.types import utcnow
from hub.notify import repository
from hub.notify.models import WebhookAttempt, WebhookDelivery
from hub.notify.signature import signature_headers
from hub.notify.webhooks import delivery_subject, events_waiting, fill_outbox
from hub.review import models as _review_models  # noqa: F401  (hand-offs point at decisions)
from hub.settings import Settings

PENDING, SENDING, DELIVERED, FAILED = (repository.PENDING, repository.SENDING,
                                      repository.DELIVERED, repository.FAILED)
CLAIM_LIMIT = 100
CLAIM_SECONDS = 120.0  # far above the timeout: a claim this old belongs to a dead process
# (the default of settings.webhook_claim_seconds)


@dataclass(frozen=True)
class Claimed:
    id: int
    delivery_id: str
    event: str
    payload: dict
    attempts: int
    url: str | None


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait before the next try, after `attempts` tries: base × 2^(attempts-1), capped."""
    seconds = settings.webhook_backoff_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.webhook_backoff_max_seconds))


def anything_due(session: Session, now: datetime, claim_seconds: float = CLAIM_SECONDS) -> bool:
    stale = now - timedelta(seconds=claim_seconds)
    return repository.any_delivery_due(session, now, stale)


def claim(session: Session, now: datetime, limit: int = CLAIM_LIMIT,
          claim_seconds: float = CLAIM_SECONDS) -> list[Claimed]:
    """Take due deliveries for this process, in one statement (a write first, so SQLite holds
    its write lock throughout; PostgreSQL skips rows another dispatcher has locked)."""
    stale = now - timedelta(seconds=claim_seconds)
    rows = repository.claim_due(session, now, stale, limit)
    if not rows:
        return []
    urls = repository.webhook_urls_of(session, {r[5] for r in rows})
    # A ticket reply goes to the partner's record (target_url), the rest to the agency's webhook.
    return [Claimed(r[0], r[1], r[2], r[3], r[4], r[6] or urls.get(r[5])) for r in rows]


def post(client: httpx.Client, hub: Hub, item: Claimed) -> Outcome:
    if item.url is None:
        return Outcome(None, "协作单位已删除回调地址", 0.0)
    body = orjson.dumps(item.payload)
    headers = signature_headers(hub.signing_key, delivery_id=item.delivery_id, event=item.event,
                                body=body, timestamp=int(time.time()))
    started = time.perf_counter()
    try:
        response = client.post(item.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], _ms(started))
    error = None if 200 <= response.status_code < 300 else response.text[:300]
    return Outcome(response.status_code, error, _ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def record(session: Session, settings: Settings, item: Claimed, outcome: Outcome,
           now: datetime) -> str:
    session.add(WebhookAttempt(delivery_id=item.id, at=now, url=item.url or "", status=outcome.status,
                               error=outcome.error, duration_ms=outcome.duration_ms))
    values: dict = {"last_status": outcome.status, "last_error": outcome.error, "claimed_at": None}
    if outcome.ok:
        values.update(state=DELIVERED, delivered_at=now)
    elif item.attempts >= settings.webhook_max_attempts:
        values.update(state=FAILED)
        _tell_the_office(session, item, outcome, now)
    else:
        values.update(state=PENDING, next_attempt_at=now + backoff(settings, item.attempts))
    repository.set_delivery(session, item.id, values)
    return values["state"]


def _tell_the_office(session: Session, item: Claimed, outcome: Outcome, now: datetime) -> None:
    """A failed push is the office's to see: administrators and section heads are notified."""
    from hub.notify.office import notify

    name = repository.delivery_agency_name(session, item.id)
    users = repository.active_users_with_roles(session, ["admin", "section_head"])
    subject = delivery_subject(item.payload) or ""
    what = {"clue.updated": f"线索 {subject} 的办理情况",
            "ticket.reply": f"线索 {subject} 的办理结果回复"}.get(item.event, f"移交 {subject} 的变更")
    why = f"HTTP {outcome.status}" if outcome.status else "无应答"
    notify(session, users, kind="webhook_failed", title=f"推送失败：{name} {subject}",
           body=f"向{name}推送{what}，{item.attempts} 次尝试均未成功（{why}）。"
                f"对方恢复后可在“推送失败”页面重新推送。",
           handoff_id=None, now=now, link="/office/webhooks")


class Dispatcher:
    """The periodic job: fill the outbox, then send what is due, several at once."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        settings = hub.settings
        self.pool = ThreadPoolExecutor(max_workers=settings.webhook_concurrency,
                                       thread_name_prefix="webhook")
        timeout = settings.webhook_timeout_seconds
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
                                   follow_redirects=False, trust_env=False)

    def tick(self) -> dict[str, int]:
        with self.hub.uow(write=False) as uow:  # an idle tick only reads
            fill, send = events_waiting(uow.session), anything_due(
                uow.session, utcnow(), self.hub.settings.webhook_claim_seconds)
        filled, claimed = 0, []
        if fill:
            with self.hub.uow() as uow:
                filled = fill_outbox(uow.session, utcnow())
                uow.commit()
        if send or filled:
            with self.hub.uow() as uow:
                claimed = claim(uow.session, utcnow(),
                                claim_seconds=self.hub.settings.webhook_claim_seconds)
                uow.commit()
        results = list(self.pool.map(self._send, claimed))
        counts = {"filled": filled, "sent": len(claimed)}
        for state in results:
            counts[state] = counts.get(state, 0) + 1
        if claimed:
            log.event("hub.notify.webhooks_sent", **counts)
        return counts

    def _send(self, item: Claimed) -> str:
        outcome = post(self.client, self.hub, item)
        with self.hub.uow() as uow:
            state = record(uow.session, self.hub.settings, item, outcome, utcnow())
            uow.commit()
        if state == FAILED:
            log.warning("hub.notify.webhook_failed", delivery=item.delivery_id,
                        attempts=item.attempts, status=outcome.status)
        return state

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()


WEBHOOK_ROLES = frozenset({"admin", "section_head", "leader"})  # who sees and resends failures


def count_failed(session: Session) -> int:
    """Deliveries that gave up (webhooks and write-backs alike): the overview's figure."""
    return repository.count_failed_deliveries(session)


def list_failed(session: Session, limit: int = 200) -> list[tuple[WebhookDelivery, str]]:
    """Failed deliveries, newest first, with the agency's name."""
    return repository.failed_deliveries(session, limit)


def retry(session: Session, now: datetime, ids: list[int] | None = None) -> int:
    """Failed deliveries back to pending, with a fresh count of attempts."""
    return repository.retry_failed(session, now, ids)


def attempts_of(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    return repository.attempts_of(session, delivery_id)


TEST_EVENT = "webhook.test"


def send_test(hub: Hub, agency_id: int, url: str) -> Outcome:
    """Post one signed `webhook.test` event to `url` now (the administrator's "send test"):
    signed exactly as hand-offs are, never stored in the outbox, never retried."""
    import uuid

    payload = {"event": TEST_EVENT, "agency_id": agency_id, "sent_at": utcnow().isoformat(),
               "message": "这是问题线索共享协作平台发送的测试事件，无需处理"}
    item = Claimed(0, str(uuid.uuid4()), TEST_EVENT, payload, 0, url)
    timeout = hub.settings.webhook_timeout_seconds
    with httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
                      follow_redirects=False, trust_env=False) as client:
        return post(client, hub, item)
