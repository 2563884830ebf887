"""Log lines as JSON, one object a line, with the ids of the work in hand (``context``) and, when tracing is
on, the trace and span ids: a log collector can then find every line about one settlement or one request."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from shared.observability import context, tracing

#: ``logging.LogRecord`` attributes that are not extras passed by the caller.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName",
                                                                          "color_message"}  # uvicorn's


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "service", "message", <ids>, <extras>, "exc"}``; ids given as ``extra=``
    win over the ones in the context (the consumer names the event a dead letter came from that way)."""

    def __init__(self, service: str = "") -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if self._service:
            line["service"] = self._service
        line["message"] = record.getMessage()
        line.update(context.current())
        line.update(tracing.current_ids())
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a person at a terminal (``make run``): the classic line, with the ids at its end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = context.current()
        text = super().format(record)
        return f"{text} [{' '.join(f'{k}={v}' for k, v in ids.items())}]" if ids else text


def configure_logging(level: str, *, fmt: str = "json", service: str = "") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if fmt == "json" else TextFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
