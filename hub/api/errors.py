"""Every error leaves the API in one shape: {"error", "message", "errors"?}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

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


# Starlette's and FastAPI's own refusals (no route, wrong method, a body it could not read),
# in the hub's shape and words.
HTTP_ANSWERS = {
    400: ("bad_request", "请求无法解析，请检查请求体与请求头"),
    404: ("not_found", "没有这个接口地址"),
    405: ("method_not_allowed", "该地址不支持这种请求方法"),
    406: ("not_acceptable", "无法以请求的格式答复"),
    413: ("payload_too_large", "请求体超过上限"),
    415: ("unsupported_media_type", "请求体的类型不被接受"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()), ())
        return JSONResponse(error_body("invalid_input", "请求参数有误", errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_ANSWERS.get(exc.status_code, ("http_error", "请求未能完成"))
        return JSONResponse(error_body(code, message), exc.status_code, headers=exc.headers)
