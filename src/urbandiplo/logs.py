"""Log lines as one JSON object each (or plain text), carrying the id of the request they
were written for; the same formatting for uvicorn's own loggers under `urbandiplo serve`."""

from __future__ import annotations

import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

LogFormat = Literal["json", "text"]

# Set by the HTTP middleware (api/guards.py) for the request being handled; sync routes run
# in threads that get a copy of the request's context, so their lines carry it too.
request_id: ContextVar[str | None] = ContextVar("urbandiplo_request_id", default=None)

# What every LogRecord has; anything else on a record came from `extra=` and is logged as a
# field. uvicorn adds `color_message`, the message again with terminal colours.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",
    "taskName",
    "request_id",
    "request_id_text",
}


def _request_id(record: logging.LogRecord) -> str | None:
    given: str | None = getattr(record, "request_id", None)
    return given or request_id.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id
    (while a request is handled), the record's `extra` fields, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = _request_id(record)
        if rid is not None:
            entry["request_id"] = rid
        for name, value in record.__dict__.items():
            if name not in _RECORD_ATTRIBUTES:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time level logger [request id]: message`, for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_id_text)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        rid = _request_id(record)
        record.request_id_text = f" [{rid}]" if rid else ""
        return super().format(record)


class WithoutExceptionMessages(logging.Filter):
    """A logged exception's type and traceback, not its message: a database error's message
    can hold the values written, names included (as api/problems.py logs its errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            frames = "".join(traceback.format_tb(error.__traceback__))
            kind = f"{type(error).__module__}.{type(error).__qualname__}"
            record.exc_text = f"Traceback (most recent call last):\n{frames}{kind}"
        return True


FORMATTERS: dict[str, type[logging.Formatter]] = {"json": JsonFormatter, "text": TextFormatter}


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` puts on the `urbandiplo` logger (stderr)."""


def configure(level: str, log_format: LogFormat) -> None:
    """The `urbandiplo` loggers write to stderr in the format asked for, from `level` up.
    A handler put there by someone else (an embedding application) is left alone."""
    log = logging.getLogger("urbandiplo")
    log.setLevel(level)
    ours = [handler for handler in log.handlers if isinstance(handler, _Handler)]
    if not ours and log.handlers:
        return
    handler = ours[0] if ours else _Handler()
    handler.setFormatter(FORMATTERS[log_format]())
    if not ours:
        log.addHandler(handler)


def uvicorn_log_config(log_format: LogFormat) -> dict[str, Any]:
    """uvicorn's `log_config`: its own loggers (start, stop, errors) in the same format.
    uvicorn's access log stays off; ours (api/guards.py) leaves out query strings. uvicorn
    logs an error that left the app again, with its message: here without."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": f"{__name__}.{FORMATTERS[log_format].__name__}"}},
        "filters": {"redacted": {"()": f"{__name__}.{WithoutExceptionMessages.__name__}"}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["redacted"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
