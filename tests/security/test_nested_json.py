"""Deeply nested JSON is a 400 naming the body on every route that takes a body, for whoever may call it."""

from __future__ import annotations

import json

import pytest

from server.jsonbody import MAX_DEPTH, nesting_depth_exceeds
from tests.conftest import make_user
from tests.reliability.test_authorization import CAM_A, _url


def _nested(depth: int) -> str:
    return '{"zone": "fridges", "x": ' + "[" * depth + "]" * depth + "}"


@pytest.fixture
def callers(app, r):  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    cam = app.test_client(), {"Authorization": f"Bearer {svc.camera_tokens.issue(CAM_A)}"}
    user, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    mgr = app.test_client()
    assert mgr.post("/login", data={"username": user, "password": pw}).status_code == 302
    return cam, (mgr, {"X-CSRF-Token": mgr.get("/api/v1/session").json["csrf"]})


def _body_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((rule.rule, m) for rule in app.url_map.iter_rules() for m in rule.methods & {"POST", "PUT", "PATCH"}
                  if rule.rule not in ("/login", "/logout"))


@pytest.mark.parametrize("depth", [100_000, 5_000, MAX_DEPTH + 1])
def test_every_json_route_refuses_deep_nesting(app, callers, depth) -> None:  # type: ignore[no-untyped-def]
    cam, mgr = callers
    routes = _body_routes(app)
    assert len(routes) >= 8, routes
    failures = []
    for rule, method in routes:
        client, headers = cam if "/cameras/" in rule else mgr
        res = client.open(_url(rule, "1"), method=method, data=_nested(depth), headers=headers,
                          content_type="application/json")
        if res.status_code != 400 or not res.is_json or res.json.get("error") != "too_deep" or res.json.get("field") != "body":
            failures.append(f"{method} {rule}: {res.status_code} {res.get_data(as_text=True)[:120]}")
    assert failures == [], "\n".join(failures)


def test_ordinary_nesting_still_reaches_the_view(app, callers) -> None:  # type: ignore[no-untyped-def]
    cam, _ = callers
    client, headers = cam
    res = client.post(f"/api/v1/cameras/{CAM_A}/events", headers=headers,
                      json={"events": [{"seq": 1, "time": 1.7e9, "in": 1, "out": 0, "note": "[[[[" * 20}]})
    assert res.status_code != 400 or res.json["error"] != "too_deep", res.json


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not nesting_depth_exceeds(json.dumps({"a": "[" * 1000}).encode())
    assert not nesting_depth_exceeds(json.dumps([[[]] * 400]).encode())  # wide, not deep
    assert not nesting_depth_exceeds(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode())
    assert nesting_depth_exceeds(("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode())
    assert nesting_depth_exceeds(("[{" * 17 + "}]" * 17).encode())  # 34 levels, alternating
    assert nesting_depth_exceeds(('["\\"' + "[" * 40 + '"' + "[" * 40 + "]" * 40 + "]").encode())
