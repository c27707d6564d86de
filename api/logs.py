"""Structured logs: one JSON object per line, with the request's fields when there is a request.

The error policy and the HTTP view log with `extra={...}` fields (request id, operation name,
duration, cost, error codes); this formatter puts them next to the message, so a log pipeline can
search by request id without parsing text.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

# The `extra` fields diplograph's log calls use; anything else on a record is logging's own.
FIELDS = ("request_id", "operation", "duration_ms", "cost", "error_codes", "path", "client")
_HANDLER_NAME = "diplograph-json"


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str) -> None:
    """Send diplograph's logs to stderr as JSON lines; later calls only change the level."""
    logger = logging.getLogger("diplograph")
    logger.setLevel(level.upper())
    if not any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
