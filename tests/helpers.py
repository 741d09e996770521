"""Small factories shared by tests."""

from __future__ import annotations

import time
from typing import Any


def ev(seq: int, cin: int = 1, cout: int = 0, t: float | None = None, **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "time": time.time() if t is None else t, "in": cin, "out": cout, **extra}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(condition: Any, timeout: float = 10.0, interval: float = 0.05, what: str = "condition") -> Any:
    """Poll `condition()` until it returns something truthy (returned) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
