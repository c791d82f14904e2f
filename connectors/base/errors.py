"""The errors a connector raises. Two roots, handled at two different places::

    ConnectorError            the partner system failed us: the run ends as failed
    ├── PartnerUnavailable    5xx, 408, 429 or network errors, still so after the retries
    ├── PartnerRejected       4xx other than 408/429: our request is wrong, retrying won't help
    └── PartnerProtocolError  an answer that is not the JSON shape agreed on

    MappingError              one native record cannot become a clue: it goes to the dead
                              letters with the field and the reason, the run goes on

Messages are plain Chinese: they end up on the office's pages.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """A partner system could not be read."""


class PartnerUnavailable(ConnectorError):
    """The partner kept failing (or asked us to wait longer than we will)."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status  # the last HTTP status, None for a network error
        self.retry_after = retry_after  # what the partner last asked for, in seconds


class PartnerRejected(ConnectorError):
    """The partner refused the request itself (4xx other than 408/429)."""

    def __init__(self, message: str, *, status: int, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail  # the start of the partner's answer, for the operator


class PartnerProtocolError(ConnectorError):
    """The partner answered, but not with what the protocol says."""


class MappingError(Exception):
    """A native record that cannot be mapped; `field` is the native field at fault."""

    def __init__(self, field: str, message_zh: str) -> None:
        super().__init__(f"{field}：{message_zh}")
        self.field = field
        self.message_zh = message_zh
