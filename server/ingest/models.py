"""Request and response bodies of the ingest API; the OpenAPI document is generated from these."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

MAX_SEQ = 2**53 - 1


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CountEvent(Strict):
    """People counted crossing the camera's line since its previous event."""

    seq: StrictInt = Field(ge=1, le=MAX_SEQ, description="Per-camera sequence number, increasing by 1 per event.")
    time: float = Field(strict=True, allow_inf_nan=False, description="Event time, Unix epoch seconds.")
    count_in: StrictInt = Field(alias="in", ge=0, le=10_000)
    count_out: StrictInt = Field(alias="out", ge=0, le=10_000)
    occupancy: StrictInt | None = Field(default=None, ge=0, le=100_000, description="Optional people seen inside the zone.")
    zone: str | None = Field(default=None, max_length=64, description="Optional; must be the camera's own zone.")


class Batch(Strict):
    stream: str = Field(
        default="default", pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Identifies the camera's spool; a new spool (reinstall) starts a new sequence.",
    )
    events: list[CountEvent] = Field(min_length=1)


class BatchResult(Strict):
    applied: int
    duplicates: int
    high_water: int = Field(description="Every seq up to this one has been applied.")
    max_seq: int
    open_gaps: list[list[int]]
    occupancy: int


class Heartbeat(Strict):
    fps: float = Field(strict=True, ge=0, le=1000, allow_inf_nan=False)
    dropped_frames: StrictInt = Field(ge=0)
    spool_depth: StrictInt = Field(ge=0)
    version: str = Field(min_length=1, max_length=64)
    frame_lag_ms: float | None = Field(default=None, strict=True, ge=0, allow_inf_nan=False)


class Ok(Strict):
    ok: bool


class ErrorBody(Strict):
    error: str
    detail: str
    field: str | None


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
