"""The OpenAPI document: every status an operation can answer, each refusal as `ErrorOut`.

The statuses follow from what a route is, so a new route is documented without a list to
keep: credentials (401/403), a path parameter (404), parameters (400 for a NUL character,
422), a body (413, 415, 422), a change of state on the office's or the inbox's side (409),
an agency's rate limit (429). A route's own `responses=` wording is kept.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from hub.api.bodies import BODY_METHODS, api_routes, body_kind
from hub.api.errors import ErrorOut

PUBLIC = frozenset({"/healthz", "/readyz", "/metrics", "/api/v1/keys"})
WORDS = {
    400: "请求地址或查询参数含有 NUL 字符（%00）",
    401: "缺少或无效的凭据：API 密钥（Authorization: Bearer）或办公室会话",
    403: "凭据没有所需权限（权限范围、角色、来源 IP 或 CSRF 令牌）",
    404: "没有这个对象，或它不属于调用方",
    409: "对象当前状态不允许该操作（说明当前状态）",
    413: "请求体超过大小上限",
    415: "请求体类型不被接受（应为 application/json，UTF-8）",
    422: "数据有误：每个出错字段一条，含 loc 与 msg",
    429: "请求过于频繁；Retry-After 给出可重试的秒数",
}
RETRY_AFTER = {"Retry-After": {"description": "可重试前等待的秒数",
                               "schema": {"type": "integer"}}}


def statuses(path: str, methods: set[str], route: APIRoute) -> set[int]:
    """The refusals this operation can answer."""
    found: set[int] = set()
    params = route.dependant.path_params + route.dependant.query_params
    if path not in PUBLIC:
        found |= {401, 403}
    changes = bool(methods & BODY_METHODS) and path.startswith(("/api/v1/office/",
                                                                "/api/v1/handoffs/"))
    if route.dependant.path_params or (changes and not path.endswith("/session")):
        found.add(404)  # a path names an object; an office action names clues in its body
    if params:
        found |= {400, 422}
    if methods & BODY_METHODS and body_kind(route) is not None:
        found |= {413, 415, 422}
    if changes and not path.endswith("/session"):
        found.add(409)
    if path.startswith("/api/v1/") and not path.startswith("/api/v1/office") \
            and path not in PUBLIC:
        found.add(429)
    return found


def build(app: FastAPI, extra_models: tuple[type[BaseModel], ...]) -> dict:
    """The generated document, plus the request models read from raw bodies by hand."""
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes, separate_input_output_schemas=False)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in extra_models:
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(components["ErrorOut"].pop("$defs", {}))
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, methods, route in api_routes(app):
        if route.include_in_schema:
            for method in methods:
                _document(schema["paths"][path][method.lower()], statuses(path, methods, route),
                          body)
    for path in PUBLIC - {"/api/v1/keys"}:  # outside /api/: nothing to refuse but a NUL
        for operation in schema["paths"].get(path, {}).values():
            _document(operation, set(), body)
    return schema


def _document(operation: dict, refusals: set[int], body: dict) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses and 422 not in refusals:
        del responses["422"]  # FastAPI's default for any route, even one that takes nothing
    for status in sorted(refusals):
        answer = responses.setdefault(str(status), {"description": WORDS[status]})
        if status == 429:
            answer.setdefault("headers", RETRY_AFTER)
    for status, answer in responses.items():
        if status.startswith("4"):
            answer["content"] = body
