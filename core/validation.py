"""One way to name the field a pydantic error is about, for config files, CLIs and the API alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


def field_path(loc: tuple[Any, ...]) -> str:
    """('zones', 3, 'capacity') → 'zones[3].capacity'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def first_error(exc: ValidationError) -> tuple[str, str]:
    """(field path, message) of the first error, without pydantic's 'Value error, ' noise."""
    err = exc.errors()[0]
    return field_path(tuple(err["loc"])), err["msg"].removeprefix("Value error, ")


def read_yaml_or_json(path: Path, label: str) -> Any:
    """Parse a config file (JSON by suffix, else YAML); ValueError names the file and what went wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{label}: cannot read: {exc.strerror}") from None
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{label}: not valid YAML/JSON: {exc}") from None
