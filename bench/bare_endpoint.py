"""The limit single pushes are compared with: validate the same body, one INSERT, answer.

Run as `uvicorn --factory bench.bare_endpoint:app_from_env` with BARE_DATABASE_URL set (same
engine, same pragmas as the hub).
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Request
from pydantic import ValidationError
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
from starlette.concurrency import run_in_threadpool

from hub.api.responses import JSONResponse
from hub.contract.v1 import ClueSubmission
from hub.db.engine import make_engine

metadata = MetaData()
bare_clues = Table(
    "bare_clues", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_ref", String(128)), Column("channel", String(32)),
    Column("title", String(200)), Column("content", Text),
)


def app_from_env() -> FastAPI:
    engine = make_engine(os.environ["BARE_DATABASE_URL"])
    metadata.create_all(engine)
    app = FastAPI()

    def _insert(item: ClueSubmission) -> None:
        with engine.begin() as conn:
            conn.execute(insert(bare_clues), {"source_ref": item.source_ref,
                                              "channel": item.channel, "title": item.title,
                                              "content": item.content})

    @app.post("/clues")
    async def post(request: Request) -> JSONResponse:
        try:
            item = ClueSubmission.model_validate_json(await request.body())
        except ValidationError as exc:
            return JSONResponse({"errors": exc.errors(include_url=False)}, 422)
        await run_in_threadpool(_insert, item)
        return JSONResponse({"source_ref": item.source_ref}, 201)

    return app
