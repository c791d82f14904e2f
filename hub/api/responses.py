"""JSON answers serialized with orjson (the hub builds its response dicts itself)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse


class JSONResponse(StarletteJSONResponse):
    """A JSON answer. Subclassing Starlette's JSONResponse is what makes FastAPI publish each
    route's response model in the OpenAPI document (not a bare "string")."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
