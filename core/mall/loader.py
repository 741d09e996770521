"""Load and validate a mall file; one clear message on any error."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from core.mall.schema import Mall
from core.validation import describe, read_yaml_or_json

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
        raise MallConfigError(describe(exc, str(p))[0]) from None
