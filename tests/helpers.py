"""Small factories shared by tests."""

from __future__ import annotations

import time
from typing import Any


def ev(seq: int, cin: int = 1, cout: int = 0, t: float | None = None, **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "time": time.time() if t is None else t, "in": cin, "out": cout, **extra}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
