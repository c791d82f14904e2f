"""Hand-offs inserted directly (the hand-off service is another domain's), and receivers."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from fastapi import FastAPI, Request, Response

from hub.container import Hub
from hub.db.models import Clue, RawRecord
from hub.db.types import utcnow
from hub.handoffs.models import Handoff, HandoffEvent
from hub.notify.signature import verify_request

_numbers = itertools.count(1)


def make_handoff(hub: Hub, agency_id: int | None, *, state: str = "sent",
                 reply_due_on: date | None = None, due_on: date | None = None,
                 created_by: int | None = None, receiver: str = "郧西县自然资源和规划局",
                 returned_by: str | None = None, now: datetime | None = None) -> int:
    now = now or utcnow()
    n = next(_numbers)
    with hub.uow() as uow:
        raw = RawRecord(origin="api", received_at=now, sha256=hashlib.sha256(b"x").hexdigest(),
                        size=1, body_enc=b"x", outcome="accepted", agency_id=agency_id)
        uow.session.add(raw)
        uow.session.flush()
        clue = Clue(agency_id=agency_id or 1, source_ref=f"T-{n}-{time.time_ns()}",
                    raw_record_id=raw.id, received_at=now, status="assigned", updated_at=now,
                    channel="court", reported_at=now, title="郧西县自然资源和规划局行政处罚被判决撤销",
                    content="判决撤销被诉行政处罚决定。")
        uow.session.add(clue)
        uow.session.flush()
        handoff = Handoff(number=f"tmp-{n}-{time.time_ns()}", clue_id=clue.id, kind="assign",
                          role="lead", agency_id=agency_id, receiver_name=receiver, state=state,
                          returned_by=returned_by, instructions="请依法整改并反馈",
                          reply_due_on=reply_due_on, due_on=due_on, created_by=created_by,
                          created_at=now, updated_at=now, sent_at=now, version=1)
        uow.session.add(handoff)
        uow.session.flush()
        handoff.number = f"JB-2026-{handoff.id:06d}"
        uow.session.add(HandoffEvent(handoff_id=handoff.id, at=now, actor="user:1", via="page",
                                     action="create", from_state=None, to_state=state, detail={}))
        uow.commit()
        return handoff.id


def add_event(hub: Hub, handoff_id: int, action: str, *, actor: str = "user:1",
              to_state: str | None = None) -> None:
    with hub.uow() as uow:
        handoff = uow.session.get(Handoff, handoff_id)
        before = handoff.state
        if to_state:
            handoff.state = to_state
        handoff.version += 1
        handoff.updated_at = utcnow()
        uow.session.add(HandoffEvent(handoff_id=handoff_id, at=utcnow(), actor=actor, via="api",
                                     action=action, from_state=before, to_state=handoff.state,
                                     detail={}))
        uow.commit()


@dataclass
class Receiver:
    """A partner's webhook endpoint: records what came, checks the signature, answers."""

    public_raw_b64: str | None = None
    status: int = 200
    delay: float = 0.0
    received: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            if self.delay:
                import asyncio

                await asyncio.sleep(self.delay)
            problem = (verify_request(self.public_raw_b64, request.headers, body, now=time.time())
                       if self.public_raw_b64 else None)
            with self.lock:
                self.received.append({"headers": dict(request.headers), "body": body,
                                      "problem": problem})
            return Response(status_code=401 if problem else self.status)

        return app

    def deliveries(self) -> list[str]:
        with self.lock:
            return [r["headers"]["x-hub-delivery"] for r in self.received]


def cli(settings, *args: str):
    """The real `hub` command, in this process (a subprocess pays seconds of imports)."""
    from click.testing import CliRunner

    from hub.cli import main
    from hub.settings import reset_settings_cache

    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_BROKER_URL": settings.broker_url,
           "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_QUEUE_PREFIX": settings.queue_prefix}
    reset_settings_cache()
    try:
        return CliRunner(env=env).invoke(main, list(args))
    finally:
        reset_settings_cache()
