"""The hub's error tree. Each error carries its HTTP status and a plain Chinese message.

HubError
 ├── NotFound            404
 ├── Conflict            409
 ├── Unauthorized        401
 ├── Forbidden           403
 ├── PayloadTooLarge     413
 ├── TooManyRequests     429  (carries retry_after, sent as Retry-After)
 └── InvalidInput        422  (carries one entry per bad field)
      └── UnsupportedMediaType  415  (an attachment's type is not allowed, or not its bytes')
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    loc: list[str | int]
    msg: str
    type: str = "value_error"

    def as_dict(self) -> dict:
        return {"loc": self.loc, "msg": self.msg, "type": self.type}


class HubError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(HubError):
    status_code = 404
    code = "not_found"


class Conflict(HubError):
    status_code = 409
    code = "conflict"


class Unauthorized(HubError):
    status_code = 401
    code = "unauthorized"


class Forbidden(HubError):
    status_code = 403
    code = "forbidden"


class PayloadTooLarge(HubError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(HubError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidInput(HubError):
    status_code = 422
    code = "invalid_input"

    def __init__(self, errors: list[FieldError], message: str = "提交的数据有误") -> None:
        super().__init__(message)
        self.errors = errors


class UnsupportedMediaType(InvalidInput):
    status_code = 415
    code = "unsupported_media_type"


@dataclass
class ConfigError(Exception):
    """The hub refuses to start: a setting or key file is wrong."""

    message: str
    hints: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message
