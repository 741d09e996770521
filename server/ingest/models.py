"""Ingest API bodies beyond the wire contract (`core.wire`); the OpenAPI document is generated from both."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Ok(Strict):
    ok: bool


class CameraConfig(Strict):
    camera_id: str
    zone: str | None
    entrance: str | None
    line: list[list[float]]
    in_side: str
    detector: str


class CameraStatus(Strict):
    online: bool
    heartbeat: dict | None
    stream: str | None
    high_water: int
    max_seq: int
    applied: int
    duplicates: int
    open_gaps: list[list[int]]
    gap_log: list[dict]
