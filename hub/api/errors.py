"""Every error leaves the API in one shape: {"error", "message", "errors"?}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError

from hub.api.responses import JSONResponse
from hub.contract.messages import field_errors
from hub.errors import FieldError, HubError, InvalidInput, TooManyRequests, Unauthorized


def error_body(code: str, message: str, errors: list[FieldError] | None = None) -> dict:
    body: dict = {"error": code, "message": message}
    if errors is not None:
        body["errors"] = [e.as_dict() for e in errors]
    return body


def install(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        errors = exc.errors if isinstance(exc, InvalidInput) else None
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(error_body(exc.code, exc.message, errors), exc.status_code,
                              headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()), ())
        return JSONResponse(error_body("invalid_input", "请求参数有误", errors), 422)
