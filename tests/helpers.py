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


def enrol_kiosk(r: Any, prefix: str, kiosk: str, zone: str, mall: Any = None) -> str:
    """Enrol `kiosk` for `zone` under `prefix` (as `flask kiosks enrol` does) and return its secret; send it as
    `{X-Kiosk-Token: secret}` on HTTP or `auth={"kiosk_token": secret}` on a socket."""
    from core.mall.loader import load_mall
    from server.kiosk.enrol import KioskEnrolment
    from server.store.keys import Keys

    return KioskEnrolment(r, Keys(prefix), mall if mall is not None else load_mall(None)).enrol(kiosk, zone, by="test")

