"""Load and validate a mall file; one clear message on any error."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from core.mall.schema import Mall
from core.validation import first_error, read_yaml_or_json

DEFAULT_MALL_FILE = Path(__file__).with_name("default_mall.yaml")


class MallConfigError(Exception):
    """Raised with a message naming the file, the field path and the problem."""


def load_mall(path: str | Path | None = None) -> Mall:
    p = Path(path) if path else DEFAULT_MALL_FILE
    try:
        data = read_yaml_or_json(p, f"{p}: mall config")
    except ValueError as exc:
        raise MallConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise MallConfigError(f"{p}: (top level): expected a mapping with mall, floors, zones, ...")
    try:
        return Mall.model_validate(data)
    except ValidationError as exc:
        loc, msg = first_error(exc)
        loc = loc or "(top level)"
        # Cross-reference errors carry their own path at the start of the message.
        head = msg.split(": ", 1)[0]
        if loc == "(top level)" and ": " in msg and re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[a-z_]+)*", head):
            loc, msg = msg.split(": ", 1)
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise MallConfigError(f"{p}: {loc}: {msg}{more}") from None
