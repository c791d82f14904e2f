"""Every error leaves the API in one shape: {"error", "message", "errors"?}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from hub.api.responses import JSONResponse
from hub.contract.messages import field_errors
from hub.errors import FieldError, HubError, InvalidInput, TooManyRequests, Unauthorized


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every refusal the API gives: a code, a plain Chinese message, and for bad input one
    entry per field."""

    error: str
    message: str
    errors: list[FieldErrorOut] | None = None


def document_errors(schema: dict) -> None:
    """Declares ErrorOut as the body of every 4xx answer in the OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
                      .pop("$defs", {}))
    components["ErrorOut"] = ErrorOut.model_json_schema(
        ref_template="#/components/schemas/{model}")
    components["ErrorOut"].pop("$defs", None)
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            for status, answer in responses.items():
                if str(status).startswith("4"):
                    answer["content"] = body
            if any(p.get("in") in ("query", "path") for p in operation.get("parameters", [])) \
                    or "requestBody" in operation:
                responses.setdefault("422", {"description": "请求参数有误", "content": body})


def error_body(code: str, message: str, errors: list[FieldError] | None = None) -> dict:
    body: dict = {"error": code, "message": message}
    if errors is not None:
        body["errors"] = [e.as_dict() for e in errors]
    return body


def error_response(exc: HubError) -> JSONResponse:
    errors = exc.errors if isinstance(exc, InvalidInput) else None
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(error_body(exc.code, exc.message, errors), exc.status_code,
                        headers=headers)


def error_text(exc: HubError) -> str:
    """The error in one Chinese sentence (each field's message for invalid input)."""
    if isinstance(exc, InvalidInput) and exc.errors:
        return "；".join(e.msg for e in exc.errors)
    return exc.message


def validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = field_errors(list(exc.errors()), ())
    return JSONResponse(error_body("invalid_input", "请求参数有误", errors), 422)


def install(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()), ())
        return JSONResponse(error_body("invalid_input", "请求参数有误", errors), 422)
