"""Detector stride: every frame when affordable; otherwise chosen from the measured cost against the frame budget."""

from __future__ import annotations

from camera.stride import StrideController


def feed(ctl: StrideController, detect_cost: float, other_cost: float, frames: int) -> None:
    """Drive the controller with synthetic CPU costs (seconds per detector pass / per frame outside it)."""
    clock = [0.0]
    import camera.stride as mod

    real = mod.time.process_time
    mod.time.process_time = lambda: clock[0]  # type: ignore[assignment]
    try:
        for _ in range(frames):
            clock[0] += other_cost
            started = ctl.frame_started()
            run = ctl.passes == 0 or ctl.frames % ctl.stride == 0
            if run:
                clock[0] += detect_cost
            ctl.frame_done(started, detected=run)
    finally:
        mod.time.process_time = real  # type: ignore[assignment]


def test_every_frame_when_it_fits():
    ctl = StrideController(30.0)
    feed(ctl, detect_cost=0.012, other_cost=0.008, frames=300)  # 20 ms of a 33 ms frame
    assert ctl.stride == 1 and ctl.detect_fps == 30.0


def test_stride_grows_when_a_slow_box_cannot_keep_up():
    ctl = StrideController(30.0)
    feed(ctl, detect_cost=0.040, other_cost=0.008, frames=600)  # 40 ms a pass: cannot run on every frame
    assert ctl.stride == 3  # smallest stride with 8 + 40/s ms <= 0.8 x 33 ms
    shared = StrideController(30.0, cpu_share=0.5)  # two cameras on one core
    feed(shared, detect_cost=0.012, other_cost=0.004, frames=600)
    assert shared.stride == 2


def test_stride_is_capped_and_a_fixed_stride_is_kept():
    ctl = StrideController(30.0)
    feed(ctl, detect_cost=1.0, other_cost=0.05, frames=300)
    assert ctl.stride == ctl.max_stride == 7  # never below 4 detector passes a second
    fixed = StrideController(30.0, fixed=2)
    feed(fixed, detect_cost=0.001, other_cost=0.001, frames=300)
    assert fixed.stride == 2 and fixed.detect_fps == 15.0
