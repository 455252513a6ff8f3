"""JSON Schema for every topic's payload and an AsyncAPI 3 document, generated from the pydantic models.

`dyadwatch schemas --check` fails when the committed files in `schemas/` drift from the models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from pydantic.json_schema import models_json_schema

from streams import topics as registry

TITLE = "Dyadwatch"


def topic_schemas() -> dict[str, dict[str, Any]]:
    """One standalone JSON Schema per topic, keyed by file name."""
    files: dict[str, dict[str, Any]] = {}
    for spec in registry.ALL:
        schema = spec.model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$comment"] = f"payload of topic {spec.name} (key: {spec.key}); generated, do not edit"
        files[f"{spec.name}.schema.json"] = schema
    return files


def asyncapi() -> dict[str, Any]:
    models = [(spec.model, "serialization") for spec in registry.ALL]
    _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in registry.ALL:
        channel = spec.name.replace(".", "_")
        model = spec.model.__name__
        messages[model] = {
            "name": model,
            "contentType": "application/json",
            "summary": (spec.model.__doc__ or model).strip().splitlines()[0],
            "payload": {"$ref": f"#/components/schemas/{model}"},
        }
        channels[channel] = {
            "address": spec.name,
            "description": f"key: {spec.key}",
            "messages": {model: {"$ref": f"#/components/messages/{model}"}},
        }
        action = "receive" if spec is registry.RAW else "send"
        operations[f"{action}_{channel}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{model}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": TITLE,
            "version": "0.1.0",
            "description": "Real-time monitor of relations between countries. Topic names may carry a "
            "configured prefix (DYADWATCH_TOPIC_PREFIX).",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": defs["$defs"], "messages": messages},
    }


def rendered() -> dict[str, bytes]:
    files = {**topic_schemas(), "asyncapi.json": asyncapi()}
    return {name: orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
            for name, doc in files.items()}


def drift(directory: Path) -> list[str]:
    """Names of the files in `directory` that are missing or differ from what the models generate."""
    return [name for name, content in rendered().items()
            if not (directory / name).exists() or (directory / name).read_bytes() != content]


def write(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    changed = drift(directory)
    for name, content in rendered().items():
        (directory / name).write_bytes(content)
    return changed
