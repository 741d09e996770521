"""Batches against the real Redis: idempotent, atomic, late, out of order, gaps, occupancy never negative."""

from __future__ import annotations

import time

import pytest
import redis

from tests.helpers import auth, ev

CAM, ZONE = "cam-fridges-1", "fridges"


@pytest.fixture
def tokens(svc):  # type: ignore[no-untyped-def]
    """Camera tokens of the in-process app (its own key prefix)."""
    return svc.camera_tokens


def post(client, token, events, stream="s1", cam=CAM):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/cameras/{cam}/events", json={"stream": stream, "events": events}, headers=auth(token))


def zone_stats(client, zone=ZONE):  # type: ignore[no-untyped-def]
    return client.application.extensions["services"].reader.area_stats([zone])[zone]


def test_batch_applies_and_replay_never_counts_twice(client, tokens) -> None:
    tok = tokens.issue(CAM)
    batch = [ev(1, 2, 0), ev(2, 1, 0), ev(3, 0, 1)]
    first = post(client, tok, batch)
    assert first.status_code == 200, first.json
    assert first.json["applied"] == 3 and first.json["duplicates"] == 0 and first.json["high_water"] == 3
    again = post(client, tok, batch)
    assert again.status_code == 200 and again.json["applied"] == 0 and again.json["duplicates"] == 3
    s = zone_stats(client)
    assert (s["occupancy"], s["in_15m"], s["out_15m"], s["in_today"]) == (2, 3, 1, 3)


def test_overlapping_batches_apply_only_new_events(client, tokens) -> None:
    tok = tokens.issue(CAM)
    post(client, tok, [ev(i, 1, 0) for i in range(1, 6)])
    res = post(client, tok, [ev(i, 1, 0) for i in range(4, 9)])
    assert (res.json["applied"], res.json["duplicates"]) == (3, 2)
    assert zone_stats(client)["in_15m"] == 8


def test_out_of_order_events_fill_gaps_and_gaps_are_visible(client, tokens, svc, r: redis.Redis) -> None:
    tok = tokens.issue(CAM)
    post(client, tok, [ev(1), ev(2)])
    res = post(client, tok, [ev(5), ev(6)])
    assert res.json["high_water"] == 2 and res.json["open_gaps"] == [[3, 4]]
    status = client.get(f"/api/v1/cameras/{CAM}/status", headers=auth(tok)).json
    assert status["open_gaps"] == [[3, 4]] and status["gap_log"][0]["from"] == 3 and status["gap_log"][0]["to"] == 4
    res = post(client, tok, [ev(4), ev(3)])
    assert res.json["applied"] == 2 and res.json["high_water"] == 6 and res.json["open_gaps"] == []
    assert zone_stats(client)["in_15m"] == 6
    assert r.zcard(svc.keys.stream_pending(CAM, "s1")) == 0  # pending set drains once contiguous


def test_late_events_land_in_their_own_time_bucket(client, tokens) -> None:
    tok = tokens.issue(CAM)
    reader = client.application.extensions["services"].reader
    three_hours_ago = time.time() - 3 * 3600
    res = post(client, tok, [ev(1, 4, 0, t=three_hours_ago)])
    assert res.status_code == 200 and res.json["applied"] == 1
    start = int(three_hours_ago // 60 * 60)
    minutes = reader.minutes_of(ZONE, start - 120, start + 120)
    assert [m for m in minutes if m[1]] == [(start, 4, 0)]
    assert zone_stats(client)["in_15m"] == 0  # not in the last 15 minutes


def test_events_older_than_24h_are_refused_and_nothing_is_stored(client, tokens) -> None:
    tok = tokens.issue(CAM)
    res = post(client, tok, [ev(1), ev(2, t=time.time() - 25 * 3600)])
    assert res.status_code == 422 and res.json["field"] == "events[1].time"
    assert zone_stats(client)["occupancy"] == 0
    assert post(client, tok, [ev(1)]).json["applied"] == 1  # seq 1 was not consumed by the refused batch


def test_occupancy_never_negative_and_clamp_is_recorded(client, tokens) -> None:
    tok = tokens.issue(CAM)
    post(client, tok, [ev(1, 1, 0), ev(2, 0, 3)])
    assert zone_stats(client)["occupancy"] == 0
    corr = client.application.extensions["services"].reader.corrections()
    assert corr and corr[0]["area"] == ZONE and corr[0]["reason"] == "negative-clamp" and corr[0]["before"] == -2
    post(client, tok, [ev(3, 2, 0)])
    assert zone_stats(client)["occupancy"] == 2


def test_daily_reset_at_opening_time_is_recorded(client, tokens, svc, r: redis.Redis) -> None:
    tok = tokens.issue(CAM)
    post(client, tok, [ev(1, 5, 0)])
    assert zone_stats(client)["occupancy"] == 5
    r.set(svc.keys.occupancy_day, "19990101")  # as if the stored day were yesterday's
    store = client.application.extensions["services"].counts
    assert store.reset_if_new_day() is True
    assert zone_stats(client)["occupancy"] == 0
    corr = client.application.extensions["services"].reader.corrections()
    assert corr[0] == {**corr[0], "area": ZONE, "before": 5, "after": 0, "reason": "daily-reset"}
    assert store.reset_if_new_day() is False


def test_events_of_previous_business_day_do_not_move_todays_occupancy(client, tokens) -> None:
    from server.store.clock import business_day

    app = client.application
    mall = app.extensions["services"].mall
    tok = tokens.issue(CAM)
    now = time.time()
    t = now - 23 * 3600
    while business_day(t, mall.mall.timezone, mall.mall.opening_time) == business_day(now, mall.mall.timezone, mall.mall.opening_time):
        t -= 600  # find a moment within 24 h that belongs to the previous trading day
    assert now - t < 24 * 3600
    post(client, tok, [ev(1, 3, 0, t=t)])
    assert zone_stats(client)["occupancy"] == 0


def test_a_new_spool_stream_starts_a_new_sequence(client, tokens) -> None:
    tok = tokens.issue(CAM)
    post(client, tok, [ev(1), ev(2)], stream="spool-a")
    res = post(client, tok, [ev(1), ev(2)], stream="spool-b")  # camera reinstalled: seq restarts
    assert res.json["applied"] == 2
    assert zone_stats(client)["in_15m"] == 4


def test_entrance_cameras_count_whole_mall_footfall(client, tokens) -> None:
    tok = tokens.issue("cam-north-gate")
    res = post(client, tok, [ev(1, 7, 2)], cam="cam-north-gate")
    assert res.status_code == 200
    s = zone_stats(client, "mall")
    assert (s["occupancy"], s["in_today"], s["out_today"]) == (5, 7, 2)


def test_heartbeat_marks_camera_online_and_silence_offline(client, tokens) -> None:
    tok = tokens.issue(CAM)
    hb = {"fps": 12.5, "dropped_frames": 3, "spool_depth": 0, "version": "1.0.0", "frame_lag_ms": 40}
    assert client.post(f"/api/v1/cameras/{CAM}/heartbeat", json=hb, headers=auth(tok)).status_code == 200
    reader = client.application.extensions["services"].reader
    assert reader.cameras([CAM], 30)[CAM]["online"] is True
    assert reader.cameras([CAM], 30, now=time.time() + 31)[CAM]["online"] is False
    assert reader.cameras([CAM], 30)[CAM]["heartbeat"]["dropped_frames"] == 3


def test_camera_config_comes_from_the_mall_file(client, tokens) -> None:
    tok = tokens.issue(CAM)
    cfg = client.get(f"/api/v1/cameras/{CAM}/config", headers=auth(tok)).json
    assert cfg["zone"] == ZONE and cfg["in_side"] in ("left", "right") and len(cfg["line"]) == 2
