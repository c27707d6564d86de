"""Logs: one JSON object per line (the default), or plain text lines for a person at a terminal.

The error policy and the HTTP view log with `extra={...}` fields (request id, operation name,
duration, cost, error codes); the JSON formatter puts them next to the message, so a log pipeline
can search by request id without parsing text. With JSON logs on, uvicorn's own loggers (its
error log and its access log) are formatted the same way, so that every line is JSON.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

# The `extra` fields diplograph's log calls use; anything else on a record is logging's own.
FIELDS = (
    "request_id",
    "operation",
    "duration_ms",
    "cost",
    "error_codes",
    "path",
    "client",
    "origin",
    "startup",
)
_HANDLER_NAME = "diplograph-log"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
TEXT_FORMAT = "%(levelname)-8s %(name)s: %(message)s"


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
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            entry.update(_access_fields(record.args))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def _access_fields(args: tuple[Any, ...]) -> dict[str, Any]:
    """uvicorn's access record as fields: it logs (client, method, path, HTTP version, status)."""
    if len(args) != 5:
        return {}
    client, method, path, http_version, status = args
    return {
        "client": client,
        "method": method,
        "path": path,
        "http_version": http_version,
        "status": status,
    }


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(level: str, log_format: str = "json") -> None:
    """Send diplograph's logs to stderr in `log_format`; later calls change level and format."""
    logger = logging.getLogger("diplograph")
    logger.setLevel(level.upper())
    handler = next((h for h in logger.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        logger.addHandler(handler)
    handler.setFormatter(formatter(log_format))


def uvicorn_log_config(level: str, log_format: str) -> dict[str, Any] | None:
    """uvicorn's `log_config`: its loggers formatted as diplograph's with JSON logs on, or None
    (uvicorn's own text format) with text logs."""
    if log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
            for name in UVICORN_LOGGERS
        },
    }
