"""What kiosks and managers receive for a zone; kiosks get only the public part."""

from __future__ import annotations

from core.mall.schema import MALL_AREA, Mall


def crowd_level(pct: float) -> str:
    if pct >= 100:
        return "full"
    if pct >= 80:
        return "busy"
    if pct >= 50:
        return "moderate"
    return "quiet"


def public_zone(mall: Mall, area: str, stats: dict[str, int]) -> dict[str, object]:
    z = mall.zone(area)
    cap = z.capacity if z else 0
    occ = stats["occupancy"]
    pct = round(100.0 * occ / cap, 1) if cap else 0.0
    return {"zone": area, "occupancy": occ, "capacity": cap, "pct": pct, "level": crowd_level(pct)}


def manager_zone(mall: Mall, area: str, stats: dict[str, int]) -> dict[str, object]:
    body = public_zone(mall, area, stats) if area != MALL_AREA else {"zone": area, "occupancy": stats["occupancy"]}
    body.update({k: stats[k] for k in ("in_15m", "out_15m", "in_today", "out_today")})
    return body


def camera_summaries(status: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for cam, s in status.items():
        hb = s["heartbeat"] or {}
        out.append({"camera": cam, "online": s["online"], "last_seen": hb.get("ts"), "fps": hb.get("fps"),
                    "spool_depth": hb.get("spool_depth"), "open_gaps": len(s["open_gaps"])})  # type: ignore[arg-type]
    return out
