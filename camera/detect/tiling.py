"""Run a fixed-input detector over overlapping tiles so small, far-away people get enough pixels."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from camera.detect.base import Detections, nms, suppress_contained

Grid = tuple[int, int]


def tile_origins(width: int, height: int, grid: Grid, overlap: float) -> list[tuple[int, int, int, int]]:
    """(x0, y0, w, h) of ``grid`` = (cols, rows) tiles that cover the frame with ``overlap``."""
    nx, ny = grid
    tw = int(round(width / (nx - (nx - 1) * overlap))) if nx > 1 else width
    th = int(round(height / (ny - (ny - 1) * overlap))) if ny > 1 else height
    out = []
    for iy in range(ny):
        for ix in range(nx):
            x0 = int(round(ix * (width - tw) / (nx - 1))) if nx > 1 else 0
            y0 = int(round(iy * (height - th) / (ny - 1))) if ny > 1 else 0
            out.append((x0, y0, tw, th))
    return out


def detect_tiled(
    frame: np.ndarray,
    run: Callable[[np.ndarray], Detections],
    grid: Grid,
    overlap: float = 0.2,
    full_frame: bool = False,
    iou: float = 0.5,
) -> Detections:
    """Detect per tile (optionally also on the whole frame for big people) and merge with NMS."""
    h, w = frame.shape[:2]
    parts = []
    if full_frame or grid == (1, 1):
        parts.append(run(frame))
    if grid != (1, 1):
        for x0, y0, tw, th in tile_origins(w, h, grid, overlap):
            d = run(frame[y0 : y0 + th, x0 : x0 + tw])
            if len(d):
                parts.append(Detections(d.xyxy + np.array([x0, y0, x0, y0], np.float32), d.scores))
    merged = nms(Detections.concat(parts), iou)
    return suppress_contained(merged) if len(parts) > 1 else merged
