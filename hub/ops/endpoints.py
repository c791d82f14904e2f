"""/healthz, /readyz, /metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.db.engine import ping
from hub.ops.metrics import BrokerCollector, DatabaseCollector

router = APIRouter(tags=["ops 运维"])


@router.get("/healthz", summary="进程存活")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="数据库与消息队列可用",
            responses={503: {"description": "数据库或消息队列不可用（checks 说明哪一个）"}})
def readyz(hub: HubDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        ping(hub.engine)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        hub.bus.ping()
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                          status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus 指标", response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(hub: HubDep) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(hub))
    registry.register(BrokerCollector(hub))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
