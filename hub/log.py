"""Structured logging: one JSON line per event, named like `hub.intake.accepted`.

No personal data is ever passed here: callers log ids and counts, never reporter fields.
"""

from __future__ import annotations

import logging
import sys
import time

import orjson

_logger = logging.getLogger("hub")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter())
    root = logging.getLogger("hub")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def event(name: str, level: int = logging.INFO, exc_info: bool = False, **fields: object) -> None:
    _logger.log(level, name, extra={"fields": fields}, exc_info=exc_info)


def warning(name: str, **fields: object) -> None:
    event(name, logging.WARNING, **fields)


def error(name: str, exc_info: bool = True, **fields: object) -> None:
    event(name, logging.ERROR, exc_info=exc_info, **fields)
