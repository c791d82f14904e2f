"""The ASGI entry point for `hub api` (uvicorn imports it in each worker process)."""

from __future__ import annotations

from fastapi import FastAPI

from hub import log
from hub.api.app import create_app
from hub.container import Hub
from hub.settings import get_settings


def app_factory() -> FastAPI:
    settings = get_settings()
    log.configure(settings.log_level)
    return create_app(Hub.from_settings(settings))
