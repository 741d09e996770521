"""One way to name the field a pydantic error is about, for config files, CLIs and the API alike."""

from __future__ import annotations

from typing import Any

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
