"""The HTTP face every simulator shares: paged records, fault injection, growth, counters.

    GET  /records?cursor=&limit=   {"records": [...], "next_cursor": "..." | null}
    POST /_faults                  {"status": 503, "count": 3, "retry_after": 1, "body": null}
    POST /_grow                    {"count": 20}: new records, after every cursor given so far
    GET  /_stats                   how many requests were served, and how

Partners that take replies on their records (办理结果回复: 12345, 信访, 建议提案) also serve

    POST /records/{ref}/replies    a reply (JSON object with 回复内容); the `X-Hub-Delivery`
                                   header makes it idempotent: the same delivery again is
                                   answered 200 with the reply kept, never kept twice
    GET  /records/{ref}/replies    {"replies": [...]} the replies the record holds
"""

from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Body, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .generate import Profile, generate

MAX_LIMIT = 1000


class FaultPlan(BaseModel):
    status: int = Field(503, ge=200, le=599)
    count: int = Field(1, ge=0, le=100_000)  # 0 clears the plan
    retry_after: float | str | None = None  # seconds, or an HTTP date, sent as Retry-After
    body: str | None = None  # a raw body instead of JSON, e.g. a proxy's HTML error page


class Growth(BaseModel):
    count: int = Field(20, ge=1, le=100_000)


@dataclass
class _Counters:
    requests: int = 0
    faults_served: int = 0
    pages_served: int = 0
    records_served: int = 0


class _Simulator:
    """The partner's records, generated as pages reach them so a big `total` starts at once."""

    def __init__(self, profile: Profile, seed: int, total: int) -> None:
        self.profile, self.seed, self.size = profile, seed, total
        self.rows: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.fault: FaultPlan | None = None
        self.counters = _Counters()
        self.replies: dict[str, list[dict[str, Any]]] = {}

    def take_fault(self) -> FaultPlan | None:
        with self.lock:
            self.counters.requests += 1
            plan = self.fault
            if plan is None or plan.count <= 0:
                return None
            self.fault = plan.model_copy(update={"count": plan.count - 1})
            self.counters.faults_served += 1
            return plan

    def page(self, start: int, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            end = min(start + limit, self.size)
            if end > len(self.rows):
                self.rows += generate(self.profile, self.seed, end - len(self.rows),
                                      start=len(self.rows))
            rows = self.rows[start:end]
            self.counters.pages_served += 1
            self.counters.records_served += len(rows)
            return rows

    def fill(self) -> None:
        """Every record up to `total` made now, as a partner holds its records before anyone
        reads them (`hub simulate`); pages then serve them without generating any."""
        with self.lock:
            if self.size > len(self.rows):
                self.rows += generate(self.profile, self.seed, self.size - len(self.rows),
                                      start=len(self.rows))

    def knows(self, ref: str) -> bool:
        """Whether `ref` names a record served so far (replies come for pulled records)."""
        field = self.profile.reply_to
        with self.lock:
            return any(str(row.get(field, "")).strip() == ref for row in self.rows)

    def grow(self, count: int) -> int:
        with self.lock:
            self.size += count
            return self.size

    def encode(self, position: int) -> str:
        raw = f"{self.profile.name}:{position}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str | None) -> int:
        if not cursor:
            return 0
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            name, _, position = raw.partition(":")
            if name == self.profile.name and position.isdigit():
                return int(position)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
        raise HTTPException(400, detail="cursor 无效：请使用上一页返回的 next_cursor")


def _fault_response(plan: FaultPlan) -> Response:
    headers = {}
    if plan.retry_after is not None:
        value = plan.retry_after
        headers["Retry-After"] = (f"{value:g}" if isinstance(value, float) else str(value))
    if plan.body is not None:
        return Response(plan.body, status_code=plan.status, headers=headers,
                        media_type="text/html; charset=utf-8")
    return JSONResponse({"detail": "模拟故障"}, status_code=plan.status, headers=headers)


def _reply_routes(app: FastAPI, sim: _Simulator) -> None:
    @app.post("/records/{ref}/replies")
    def reply(ref: str, request: Request, body: dict[str, Any] = Body(...)) -> Any:
        plan = sim.take_fault()
        if plan is not None:
            return _fault_response(plan)
        if not sim.knows(ref):
            raise HTTPException(404, detail=f"没有编号为 {ref} 的记录")
        text = body.get("回复内容")
        if not isinstance(text, str) or not text.strip():
            raise HTTPException(422, detail="回复内容不能为空")
        key = request.headers.get("x-hub-delivery")
        with sim.lock:
            held = sim.replies.setdefault(ref, [])
            for kept in held:
                if key and kept["delivery"] == key:
                    return JSONResponse(kept, status_code=200)
            kept = {"seq": len(held) + 1, "delivery": key, "body": body}
            held.append(kept)
        return JSONResponse(kept, status_code=201)

    @app.get("/records/{ref}/replies")
    def replies(ref: str) -> dict[str, Any]:
        with sim.lock:
            return {"replies": list(sim.replies.get(ref, []))}


def create_simulator_app(
    profile: Profile, seed: int = 1, total: int = 500, page_size: int = 50
) -> FastAPI:
    """A FastAPI app serving `total` native records of `profile`, `page_size` per page."""
    sim = _Simulator(profile, seed, total)
    app = FastAPI(title=f"{profile.display_name_zh}（模拟）", version="1")
    app.state.simulator = sim

    @app.get("/")
    def about() -> dict[str, Any]:
        return {"system": profile.display_name_zh, "connector": profile.name, "seed": seed,
                "records": sim.size, "page_size": page_size}

    @app.get("/records")
    def records(
        cursor: str | None = None,
        limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT)] = None,
    ) -> Any:
        plan = sim.take_fault()
        if plan is not None:
            return _fault_response(plan)
        start = sim.decode(cursor)
        rows = sim.page(start, limit or page_size)
        next_cursor = sim.encode(start + len(rows)) if rows else None
        # Serialized here (the records are text, numbers and nulls, the same bytes either
        # way): FastAPI's encoder walks every value of a page first, the partner's CPU
        # that a pull bench on this machine pays for.
        return Response(orjson.dumps({"records": rows, "next_cursor": next_cursor}),
                        media_type="application/json")

    if profile.reply_to:
        _reply_routes(app, sim)

    @app.post("/_faults")
    def faults(plan: FaultPlan) -> dict[str, Any]:
        with sim.lock:
            sim.fault = plan if plan.count > 0 else None
        return {"planned": plan.model_dump()}

    @app.post("/_grow")
    def grow(growth: Growth) -> dict[str, int]:
        return {"records": sim.grow(growth.count)}

    @app.get("/_stats")
    def stats() -> dict[str, int]:
        with sim.lock:
            return {**vars(sim.counters), "records": sim.size}

    return app
