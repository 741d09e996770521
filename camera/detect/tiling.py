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


def stitch_seams(
    parts: list[tuple[tuple[int, int, int, int], Detections]],
    width: int,
    height: int,
    min_span_iou: float = 0.6,
) -> list[Detections]:
    """Join the two halves of a person cut by a seam between overlapping tiles.

    A person wider than the tile overlap is cut in *both* tiles: each returns a
    box ending exactly at its inner tile edge.  Their IoU is low (each half
    covers ~half the person), so NMS keeps both and the tracker sees two
    half-people whose feet sit either side of the person's real feet -- right
    on a centre line, the seam of a 2x1 grid.  Such a pair (one box cut at the
    far edge of its tile, the other cut at the near edge of a neighbouring
    tile, overlapping across the seam, and spanning about the same rows) is
    replaced by their union.  ``parts``: (tile rect x0, y0, w, h) and its
    detections in frame coordinates.  Returns the parts with stitched boxes.
    """
    n = sum(len(d) for _, d in parts)
    if n < 2 or len(parts) < 2:
        return [d for _, d in parts]
    b = np.concatenate([d.xyxy for _, d in parts])
    scores = np.concatenate([d.scores for _, d in parts])
    tile_of = np.concatenate([np.full(len(d), k) for k, (_, d) in enumerate(parts)])
    # Cut flags per axis (0 = x, 1 = y): the box touches an inner edge of its tile, not a frame edge.
    lo_cut = np.zeros((n, 2), bool)
    hi_cut = np.zeros((n, 2), bool)
    start = 0
    for (x0, y0, tw, th), d in parts:
        sl = slice(start, start + len(d))
        start += len(d)
        for ax, (o, size, full) in enumerate(((x0, tw, width), (y0, th, height))):
            eps = max(2.0, 0.01 * size)
            lo_cut[sl, ax] = (o > 0) & (b[sl, ax] <= o + eps)
            hi_cut[sl, ax] = (o + size < full) & (b[sl, ax + 2] >= o + size - eps)
    used = np.zeros(n, bool)
    fused = []
    cands = []
    for ax in (0, 1):  # only cut boxes take part: usually none or a few, even in crowds
        for i in np.flatnonzero(hi_cut[:, ax]):
            for j in np.flatnonzero(lo_cut[:, ax]):
                if tile_of[i] == tile_of[j]:
                    continue
                # i extends before the seam, j after it, and they overlap across it.
                if not (b[i, ax] < b[j, ax] < b[i, ax + 2] < b[j, ax + 2]):
                    continue
                o = 1 - ax  # the other axis must agree (same person)
                inter = min(b[i, o + 2], b[j, o + 2]) - max(b[i, o], b[j, o])
                union = max(b[i, o + 2], b[j, o + 2]) - min(b[i, o], b[j, o])
                span_iou = inter / max(union, 1e-6)
                if span_iou >= min_span_iou:
                    cands.append((span_iou, i, j, ax))
    for _, i, j, _ax in sorted(cands, reverse=True):
        if used[i] or used[j]:
            continue
        used[i] = used[j] = True
        u = np.minimum(b[i], b[j])
        u[2:] = np.maximum(b[i, 2:], b[j, 2:])
        fused.append((u, max(float(scores[i]), float(scores[j]))))
    out = []
    start = 0
    for _, d in parts:
        keep = ~used[start : start + len(d)]
        start += len(d)
        out.append(d.select(keep))
    if fused:
        out.append(Detections(np.stack([f[0] for f in fused]), np.array([f[1] for f in fused], np.float32)))
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
        tiles = []
        for x0, y0, tw, th in rects:
            d = run(frame[y0 : y0 + th, x0 : x0 + tw])
            if len(d):
                tiles.append(((x0, y0, tw, th), Detections(d.xyxy + np.array([x0, y0, x0, y0], np.float32), d.scores)))
        parts.extend(stitch_seams(tiles, w, h) if len(rects) > 1 else [d for _, d in tiles])
    merged = nms(Detections.concat(parts), iou)
    return suppress_contained(merged) if len(parts) > 1 else merged
