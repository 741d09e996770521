"""Run a fixed-input detector over overlapping tiles so small, far-away people get enough pixels."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from camera.detect.base import Detections, nms, suppress_contained

Grid = tuple[int, int]


def tile_origins(width: int, height: int, grid: Grid, overlap: float) -> list[tuple[int, int, int, int]]:
    """(x0, y0, w, h) of ``grid`` = (cols, rows) tiles that cover the frame with ``overlap``."""
    nx, ny = grid
    tw = round(width / (nx - (nx - 1) * overlap)) if nx > 1 else width
    th = round(height / (ny - (ny - 1) * overlap)) if ny > 1 else height
    out = []
    for iy in range(ny):
        for ix in range(nx):
            x0 = round(ix * (width - tw) / (nx - 1)) if nx > 1 else 0
            y0 = round(iy * (height - th) / (ny - 1)) if ny > 1 else 0
            out.append((x0, y0, tw, th))
    return out


def roi_rects(width: int, height: int, rois: list) -> list[tuple[int, int, int, int]]:
    """Normalized [x0, y0, x1, y1] regions -> pixel (x0, y0, w, h), clipped to the frame."""
    out = []
    for x0, y0, x1, y1 in rois:
        a, b = round(max(0.0, x0) * width), round(max(0.0, y0) * height)
        c, d = round(min(1.0, x1) * width), round(min(1.0, y1) * height)
        if c - a >= 8 and d - b >= 8:
            out.append((a, b, c - a, d - b))
    return out


def detect_tiled(
    frame: np.ndarray,
    run: Callable[[np.ndarray], Detections],
    grid: Grid,
    overlap: float = 0.2,
    full_frame: bool = False,
    iou: float = 0.5,
    rois: list | None = None,
) -> Detections:
    """Detect per tile / region of interest (optionally also on the whole frame) and merge with NMS.

    ``rois`` (normalized rects) replace the grid when given: the pipeline puts
    them around the counting line, where resolution matters most.
    """
    h, w = frame.shape[:2]
    parts = []
    if rois:
        rects = roi_rects(w, h, rois)
    elif grid != (1, 1):
        rects = tile_origins(w, h, grid, overlap)
    else:
        rects = []
    if full_frame or not rects:
        parts.append(run(frame))
    if rects:
        for x0, y0, tw, th in rects:
            d = run(frame[y0 : y0 + th, x0 : x0 + tw])
            if len(d):
                parts.append(Detections(d.xyxy + np.array([x0, y0, x0, y0], np.float32), d.scores))
    merged = nms(Detections.concat(parts), iou)
    return suppress_contained(merged) if len(parts) > 1 else merged
