"""The camera node's own config (line, in side, detector, optional occupancy polygon).

It comes from the server (`GET /api/v1/cameras/<id>/config`) or a local YAML/JSON file; either way it is
validated here, and errors name the field.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.mall.schema import Point, check_line
from core.validation import describe, read_yaml_or_json

log = logging.getLogger(__name__)
REMOVED_DETECTORS = ("ssdlite", "yolo_tiny", "hog", "bgsub")  # replaced by person-detection-0201 on OpenVINO


class NodeConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    line: tuple[Point, Point]
    in_side: Literal["left", "right"] = "left"
    detector: str | dict[str, Any] = "auto"
    polygon: list[Point] | None = Field(default=None, min_length=3)
    tracker: dict[str, float | int] | None = None
    stride: Literal["auto"] | int = Field(default="auto", description="detector every N-th frame; auto = measured")
    cpu_share: float = Field(default=1.0, gt=0.0, le=8.0, description="share of a core this camera may use")

    _line = field_validator("line")(check_line)

    @field_validator("detector")
    @classmethod
    def _detector(cls, v: str | dict[str, Any]) -> str | dict[str, Any]:
        from camera.detect import DETECTORS

        name = v.get("name", "openvino") if isinstance(v, dict) else v
        if name in REMOVED_DETECTORS:
            # A server config written before the upgrade must not stop a node: count with the default.
            log.warning("detector %r was removed (docs/camera.md); using the default person detector", name)
            return "auto"
        if name not in ("auto", "", *DETECTORS):
            raise ValueError(f"unknown detector {name!r}; choose one of {', '.join(DETECTORS)}")
        return v

    @field_validator("tracker")
    @classmethod
    def _tracker(cls, v: dict[str, float | int] | None) -> dict[str, float | int] | None:
        from dataclasses import fields

        from camera.track import TrackerConfig

        known = {f.name for f in fields(TrackerConfig)}
        for key in v or {}:
            if key not in known:
                raise ValueError(f"unknown tracker setting {key!r}; known: {', '.join(sorted(known))}")
        return v

    @field_validator("stride")
    @classmethod
    def _stride(cls, v: str | int) -> str | int:
        if isinstance(v, int) and v < 1:
            raise ValueError("stride must be 'auto' or a whole number >= 1")
        return v

    def pipeline_config(self) -> dict[str, Any]:
        """The dict `camera.pipeline.build_pipeline` takes."""
        cfg: dict[str, Any] = {"line": {"p1": list(self.line[0]), "p2": list(self.line[1]), "in_side": self.in_side}}
        if isinstance(self.detector, dict):
            cfg["detector"] = dict(self.detector)
        elif self.detector not in ("auto", ""):
            cfg["detector"] = {"name": self.detector}
        if self.polygon:
            cfg["zone"] = [list(p) for p in self.polygon]
        if self.tracker:
            cfg["tracker"] = dict(self.tracker)
        cfg["stride"] = self.stride
        cfg["cpu_share"] = self.cpu_share
        return cfg


class ConfigError(Exception):
    """Message names the source and the field; ``field`` holds the field path alone (None: the whole file)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def parse(data: Any, source: str) -> NodeConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with line, in_side, detector")
    try:
        return NodeConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(*describe(exc, source)) from None


def load_file(path: str | Path) -> NodeConfig:
    p = Path(path)
    try:
        data = read_yaml_or_json(p, f"--config {p}")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return parse(data, f"--config {p}")


def save_line(path: str | Path, line: Any, in_side: Any) -> NodeConfig:
    """Set the line and in side in the node's config file, keeping its other keys; validated before writing.

    The file keeps its format (JSON by suffix, else YAML) and is replaced atomically, so a node that
    reads it at start never sees half a file.  A missing file is created.  ConfigError names the field.
    """
    p = Path(path)
    data: dict[str, Any] = {}
    if p.exists():
        try:
            loaded = read_yaml_or_json(p, f"--config {p}")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if isinstance(loaded, dict):
            data = dict(loaded)
    data["line"], data["in_side"] = line, in_side
    cfg = parse(data, f"--config {p}")
    data["line"] = [list(cfg.line[0]), list(cfg.line[1])]
    data["in_side"] = cfg.in_side
    text = json.dumps(data, indent=2) + "\n" if p.suffix == ".json" else yaml.safe_dump(data, sort_keys=False)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
    return cfg
