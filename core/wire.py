"""The wire contract between a camera node and the ingest API: count events, batches, heartbeats, error replies.

The camera's spool and pusher build these bodies and the server's ingest validates them with the same models, so
the format is written once. The OpenAPI document is generated from them too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, ValidationError

from core.validation import field_path

MAX_SEQ = 2**53 - 1
MAX_PEOPLE_PER_EVENT = 10_000
STREAM_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def _whole(v: Any) -> Any:
    """A JSON number without a fraction (131 or 131.0: both are integers in JSON Schema); never a string or bool."""
    if isinstance(v, float) and v.is_integer() and abs(v) <= MAX_SEQ:
        return int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError("must be a whole number")
    return v


WholeNumber = Annotated[int, BeforeValidator(_whole)]
MAX_SPOOL_DEPTH = 10**9
MAX_FRAME_LAG_MS = 86_400_000.0  # a day


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CountEvent(Strict):
    """People counted crossing the camera's line since its previous event."""

    seq: StrictInt = Field(ge=1, le=MAX_SEQ, description="Per-camera sequence number, increasing by 1 per event.")
    time: float = Field(strict=True, allow_inf_nan=False, description="Event time, Unix epoch seconds.")
    count_in: StrictInt = Field(alias="in", ge=0, le=MAX_PEOPLE_PER_EVENT)
    count_out: StrictInt = Field(alias="out", ge=0, le=MAX_PEOPLE_PER_EVENT)
    occupancy: StrictInt | None = Field(default=None, ge=0, le=100_000, description="Optional people seen inside the zone.")
    zone: str | None = Field(default=None, max_length=64, description="Optional; must be the camera's own zone.")

    @classmethod
    def of(cls, seq: int, time: float, count_in: int, count_out: int, occupancy: int | None = None) -> CountEvent:
        return cls(seq=seq, time=time, count_in=count_in, count_out=count_out, occupancy=occupancy)

    def body(self) -> dict[str, object]:
        """The JSON object a camera sends (aliases `in`/`out`, optional fields left out)."""
        return self.model_dump(by_alias=True, exclude_none=True)


class Batch(Strict):
    stream: str = Field(
        default="default", pattern=STREAM_PATTERN,
        description="Identifies the camera's spool; a new spool (reinstall) starts a new sequence.",
    )
    events: list[CountEvent] = Field(min_length=1)

    def body(self) -> dict[str, object]:
        return {"stream": self.stream, "events": [e.body() for e in self.events]}


class BatchResult(Strict):
    applied: int
    duplicates: int
    high_water: int = Field(description="Every seq up to this one has been applied.")
    max_seq: int
    open_gaps: list[list[int]]
    occupancy: int
    quarantined: int = Field(default=0, description="Events held back as implausible: received, not counted.")


class Heartbeat(Strict):
    fps: float = Field(strict=True, ge=0, le=1000, allow_inf_nan=False, description="Frames read per second.")
    dropped_frames: WholeNumber = Field(ge=0, le=MAX_SEQ)
    spool_depth: WholeNumber = Field(ge=0, le=MAX_SPOOL_DEPTH)
    dead_letters: WholeNumber | None = Field(default=None, ge=0, le=MAX_SPOOL_DEPTH,
                                             description="Events the server refused, kept aside on the node.")
    version: str = Field(min_length=1, max_length=64)
    frame_lag_ms: float | None = Field(default=None, strict=True, ge=0, le=MAX_FRAME_LAG_MS, allow_inf_nan=False)
    detect_fps: float | None = Field(default=None, strict=True, ge=0, le=1000, allow_inf_nan=False,
                                     description="Detector passes per second.")
    detect_stride: StrictInt | None = Field(default=None, ge=1, le=1000,
                                            description="The detector runs on every Nth frame (1 = every frame).")


class ErrorBody(Strict):
    """Every 4xx/5xx reply: `field` names the bad field as text, `path` as data (keys and list indexes)."""

    error: str
    detail: str
    field: str | None
    path: list[str | int] | None = None


WIRE_ALIASES = {"count_in": "in", "count_out": "out"}


def error_location(exc: ValidationError) -> tuple[list[str | int], str]:
    """(path as data, message) of the first error, with the wire names (`in`, `out`) rather than Python's."""
    err = exc.errors()[0]
    path = [WIRE_ALIASES.get(p, p) if isinstance(p, str) else p for p in err["loc"]]
    return path, err["msg"].removeprefix("Value error, ")


def event_index(path: list[str | int] | None) -> int | None:
    """The index of the event an error reply is about (`["events", 3, "in"]` → 3), or None."""
    if path and len(path) >= 2 and path[0] == "events" and isinstance(path[1], int):
        return path[1]
    return None


__all__ = ["MAX_SEQ", "Batch", "BatchResult", "CountEvent", "ErrorBody", "Heartbeat", "error_location", "event_index",
           "field_path"]
