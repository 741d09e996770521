"""The public read routes' entries in the OpenAPI document: the floor plan and every zone's crowd level."""

from __future__ import annotations

from typing import Any

from server.api_doc.parts import BILINGUAL, INT, NUM, OBJ, PUBLIC, STR, Schema, array, map_of, obj, ok, operation, ref

LEVEL = {"type": "string", "enum": ["quiet", "moderate", "busy", "full"]}


def schemas() -> dict[str, Schema]:
    zone = obj({"zone": STR, "occupancy": {"type": "integer", "minimum": 0}, "capacity": INT, "pct": NUM,
                "level": LEVEL})
    return {"PublicZone": zone, "ZoneList": obj({"zones": array(ref("PublicZone"))})}


def paths() -> dict[str, Any]:
    return {
        "/api/v1/zones": {"get": operation("Public crowd level of every zone", PUBLIC, ok(ref("ZoneList")))},
        "/api/v1/mall": {"get": operation(
            "The public floor plan: floors, entrances, zones and category names (no cameras)", PUBLIC,
            ok(obj({"mall": OBJ, "floors": array(OBJ), "entrances": array(OBJ),
                    "zones": array(obj({"id": STR, "floor": INT, "category": STR, "capacity": INT})),
                    "categories": map_of(BILINGUAL)})))},
    }
