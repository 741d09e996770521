"""Pydantic models of the mall: zones, entrances, checkout, cameras.

The config is the single source of truth for what exists in the mall; every
other part (ingest auth, store keys, pages, staffing) looks things up here.
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
MALL_AREA = "mall"  # pseudo-zone holding whole-mall footfall from entrance cameras

Point = tuple[float, float]


def check_line(cls: type, v: tuple[Point, Point]) -> tuple[Point, Point]:
    """A counting line in normalised image coordinates (y may run a little below the frame: feet)."""
    for x, y in v:
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.2):
            raise ValueError("line points are normalised image coordinates: x in 0..1, y in 0..1.2")
    if v[0] == v[1]:
        raise ValueError("line endpoints must differ")
    return v


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MallInfo(Strict):
    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    area_m2: float = Field(gt=0)
    timezone: str = "Asia/Shanghai"
    opening_time: time = time(10, 0)
    closing_time: time = time(22, 0)

    @field_validator("timezone")
    @classmethod
    def _known_tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v


class Floor(Strict):
    id: int = Field(ge=-5, le=100)
    name_en: str
    name_zh: str
    width_m: float = Field(gt=0)
    depth_m: float = Field(gt=0)


class Entrance(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name_en: str
    name_zh: str
    floor: int
    position: Point


class Zone(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    floor: int
    category: str = Field(pattern=ID_PATTERN)
    capacity: int = Field(gt=0, le=100_000)
    polygon: list[Point] = Field(min_length=3)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, v: str) -> str:
        if v == MALL_AREA:
            raise ValueError(f"zone id {MALL_AREA!r} is reserved for whole-mall totals")
        return v

    @property
    def area_m2(self) -> float:
        """Shoelace area; used for density and the floor map legend."""
        pts = self.polygon
        s = sum(pts[i][0] * pts[(i + 1) % len(pts)][1] - pts[(i + 1) % len(pts)][0] * pts[i][1] for i in range(len(pts)))
        return abs(s) / 2.0


class Counter(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
    floor: int
    position: Point


class Checkout(Strict):
    """Checkout counters and the staffing defaults that size them."""

    zone: str | None = None
    counters: list[Counter] = Field(min_length=1)
    min_open: int = Field(default=1, ge=0)
    max_open: int | None = Field(default=None, ge=1)
    service_seconds: float = Field(default=150.0, gt=0, le=3600)
    open_lead_minutes: float = Field(default=5.0, ge=0, le=120)
    conversion: float = Field(default=0.3, gt=0, le=1)
    lag_minutes: float = Field(default=25.0, ge=0, le=240)
    target_wait_seconds: float = Field(default=120.0, gt=0)
    target_share: float = Field(default=0.8, gt=0, lt=1)
    max_mean_wait_seconds: float = Field(default=60.0, gt=0)
    close_after_low_minutes: float = Field(default=10.0, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> Checkout:
        n = len(self.counters)
        if self.max_open is not None and self.max_open > n:
            raise ValueError(f"max_open ({self.max_open}) is above the {n} counters that exist")
        if self.min_open > (self.max_open if self.max_open is not None else n):
            raise ValueError(f"min_open ({self.min_open}) is above max_open")
        ids = [c.id for c in self.counters]
        if len(set(ids)) != len(ids):
            raise ValueError("counter ids must be unique")
        return self

    @property
    def effective_max_open(self) -> int:
        return self.max_open if self.max_open is not None else len(self.counters)


class Camera(Strict):
    """A camera watches one entrance line of one zone (or of the mall)."""

    id: str = Field(pattern=ID_PATTERN)
    zone: str | None = None
    entrance: str | None = None
    line: tuple[Point, Point] = ((0.5, 0.0), (0.5, 1.0))
    in_side: Literal["left", "right"] = "left"
    detector: str = "auto"

    _line = field_validator("line")(check_line)

    @model_validator(mode="after")
    def _one_target(self) -> Camera:
        if (self.zone is None) == (self.entrance is None):
            raise ValueError("a camera watches exactly one of: zone, entrance")
        return self

    @property
    def area(self) -> str:
        """The store area this camera's counts land in."""
        return self.zone if self.zone is not None else MALL_AREA


class Mall(Strict):
    mall: MallInfo
    floors: list[Floor] = Field(min_length=1)
    entrances: list[Entrance] = Field(min_length=1)
    zones: list[Zone] = Field(min_length=1)
    checkout: Checkout
    cameras: list[Camera] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Mall:
        floors = {f.id for f in self.floors}
        _unique("zones", [z.id for z in self.zones])
        _unique("cameras", [c.id for c in self.cameras])
        _unique("entrances", [e.id for e in self.entrances])
        zone_ids = {z.id for z in self.zones}
        entrance_ids = {e.id for e in self.entrances}
        for i, z in enumerate(self.zones):
            if z.floor not in floors:
                raise ValueError(f"zones[{i}].floor: floor {z.floor} is not in floors")
        for i, c in enumerate(self.cameras):
            if c.zone is not None and c.zone not in zone_ids:
                raise ValueError(f"cameras[{i}].zone: unknown zone {c.zone!r}")
            if c.entrance is not None and c.entrance not in entrance_ids:
                raise ValueError(f"cameras[{i}].entrance: unknown entrance {c.entrance!r}")
        if self.checkout.zone is not None and self.checkout.zone not in zone_ids:
            raise ValueError(f"checkout.zone: unknown zone {self.checkout.zone!r}")
        return self

    # Lookups used on hot paths are built once.
    def model_post_init(self, __context: object) -> None:
        object.__setattr__(self, "_zones", {z.id: z for z in self.zones})
        object.__setattr__(self, "_cameras", {c.id: c for c in self.cameras})

    def zone(self, zone_id: str) -> Zone | None:
        return self._zones.get(zone_id)  # type: ignore[attr-defined]

    def camera(self, camera_id: str) -> Camera | None:
        return self._cameras.get(camera_id)  # type: ignore[attr-defined]

    @property
    def area_ids(self) -> list[str]:
        """Every store area: all zones plus the whole-mall pseudo-zone."""
        return [z.id for z in self.zones] + [MALL_AREA]


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise ValueError(f"{what}[{i}].id: duplicate id {x!r}")
        seen.add(x)
