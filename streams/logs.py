"""Logs as JSON lines when DYADWATCH_LOG_FORMAT=json, each with the article id, stage and partition it is about.

An agent says what it is working on, and every line logged meanwhile (by our code, Faust's or aiokafka's, in
that task) carries it; a line logged outside any work carries nulls, so every line has the same keys:

    with logs.context(article_id=raw.id, stage="clean", partition=event.message.partition):
        ...

    faust.Worker(app, **logs.worker_options(loglevel)).execute_from_commandline()

Without JSON asked for, the options are Faust's defaults (its coloured format). With it, Faust's banner and
spinner, which it prints past logging, are off too, so that stdout is JSON lines only. The context is a contextvar:
each asyncio task (each agent) has its own, so two agents never tag each other's lines.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

LogFormat = Literal["text", "json"]
ENV = "DYADWATCH_LOG_FORMAT"
FIELDS = ("article_id", "stage", "partition")
_UNSET: dict[str, Any] = dict.fromkeys(FIELDS)

_context: ContextVar[dict[str, Any]] = ContextVar("dyadwatch_log_context", default=_UNSET)


def log_format(environ: Mapping[str, str] | None = None) -> LogFormat:
    value = (environ if environ is not None else os.environ).get(ENV, "text").strip().lower() or "text"
    if value not in ("text", "json"):
        raise ValueError(f"{ENV} must be 'text' or 'json', not {value!r}")
    return "json" if value == "json" else "text"


@contextmanager
def context(
    *, article_id: str | None = None, stage: str | None = None, partition: int | None = None
) -> Iterator[None]:
    """Tag the lines logged inside the block; fields not given keep the enclosing block's values."""
    given = {"article_id": article_id, "stage": stage, "partition": partition}
    token = _context.set({**_context.get(), **{k: v for k, v in given.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Puts the current context on each record (a field given through `extra=` wins). On a handler, so that it
    sees the records of every logger that propagates to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, the context fields, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            line[name] = getattr(record, name, None)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()


def logging_config(loglevel: str | int = "info", fmt: LogFormat | None = None) -> dict[str, Any] | None:
    """A `logging.config.dictConfig` for the worker (Faust's `logging_config=`) that writes JSON lines to stdout,
    or None when the format is text."""
    if (fmt or log_format()) != "json":
        return None
    level = logging.getLevelName(loglevel.upper()) if isinstance(loglevel, str) else loglevel
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"context": {"()": ContextFilter}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["context"],
                "level": level,
            }
        },
        "root": {"level": level, "handlers": ["default"]},
    }


def worker_options(loglevel: str = "info", fmt: LogFormat | None = None) -> dict[str, Any]:
    """Keyword arguments for `faust.Worker`: the log level, and for JSON the logging config and `quiet`."""
    config = logging_config(loglevel, fmt)
    if config is None:
        return {"loglevel": loglevel}
    return {"loglevel": loglevel, "logging_config": config, "quiet": True}
