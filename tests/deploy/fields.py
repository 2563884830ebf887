"""The custom resources' documented fields (deploy/crds/*.yaml, notation in deploy/crds/README.md) as JSON
Schemas, strict at every level they spell out."""

from __future__ import annotations

import shlex
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CRDS = Path(__file__).resolve().parents[2] / "deploy" / "crds"
SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "map": {"type": "object"},
    "any": {},
    "int-or-string": {"type": ["integer", "string"]},
}


def schema_of(spec: Any) -> dict[str, Any]:
    if isinstance(spec, dict):
        properties = {key.rstrip("!"): schema_of(value) for key, value in spec.items()}
        required = [key.rstrip("!") for key in spec if key.endswith("!")]
        return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    if isinstance(spec, list):
        (item,) = spec
        return {"type": "array", "items": schema_of(item)}
    words = shlex.split(spec)
    if words[0] == "enum":
        return {"enum": words[1:]}
    if spec not in SCALARS:
        raise ValueError(f"deploy/crds: unknown type {spec!r}")
    return SCALARS[spec]


@cache
def documented() -> dict[str, dict[str, Any]]:
    """``"<apiVersion> <kind>"`` (and the kafka trigger's metadata) → its JSON Schema."""
    specs: dict[str, Any] = {}
    for path in sorted(CRDS.glob("*.yaml")):
        specs.update(yaml.safe_load(path.read_text()))
    return {name: schema_of(spec) for name, spec in specs.items()}


def custom_kinds() -> set[str]:
    return {name for name in documented() if "/" in name}


def problems(document: dict[str, Any]) -> list[str]:
    """What an operator would refuse in this custom resource: each field path and why."""
    name = f"{document['apiVersion']} {document['kind']}"
    schema = documented().get(name)
    if schema is None:
        return [f"{name}: no documented fields in deploy/crds"]
    found = [f"{'.'.join(['spec', *map(str, e.absolute_path)])}: {e.message}"
             for e in jsonschema.Draft202012Validator(schema).iter_errors(document.get("spec", {}))]
    unknown_top = set(document) - {"apiVersion", "kind", "metadata", "spec"}
    return found + [f"{key}: not a field of {name}" for key in sorted(unknown_top)]


def trigger_problems(metadata: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(documented()["kafka trigger metadata"])
    return [f"{'.'.join(map(str, e.absolute_path)) or 'metadata'}: {e.message}" for e in validator.iter_errors(metadata)]
