"""One way to name the field a pydantic error is about, for config files, CLIs and the API alike."""

from __future__ import annotations

import json
import re
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
    loc = tuple(x for x in err["loc"] if not str(x).startswith("function-"))  # pydantic's wrapper-validator steps
    return field_path(loc), err["msg"].removeprefix("Value error, ")


# a model validator's own path at the head of its message: "zones[3].floor: ...", "products[1].specs.hdmi-2: ..."
CROSS_REF = re.compile(r"[A-Za-z_][\w-]*(\[[\w-]+\])*(\.[\w-]+(\[[\w-]+\])*)*")


def describe(exc: ValidationError, source: str) -> tuple[str, str | None]:
    """("source: field: problem (and N more)", field path or None for the whole document) of a failed
    validation, so every config file and CLI names the field the same way.  An error raised by a model-level
    validator names the field at the head of its message, relative to the model it checks (the document, or a
    nested model such as one zone's content): that path is the field, below the model's own location."""
    loc, msg = first_error(exc)
    head = msg.split(": ", 1)[0]
    if ": " in msg and CROSS_REF.fullmatch(head):
        msg = msg.split(": ", 1)[1]
        loc = f"{loc}.{head}" if loc else head
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{source}: {loc or '(top level)'}: {msg}{more}", loc or None


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
