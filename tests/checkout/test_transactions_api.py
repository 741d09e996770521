"""POST /api/v1/checkout/transactions: API token, idempotent per counter and minute, 4xx naming the field."""

from __future__ import annotations

import time

import pytest
from flask import Flask

URL = "/api/v1/checkout/transactions"


def _minute(ago: int = 5) -> int:
    return int(time.time() // 60 * 60) - ago * 60


def _post(app: Flask, body: object, token: str | None, **kw: object):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().post(URL, json=body, headers=headers, **kw)


def test_tokens(app: Flask, token: str) -> None:
    body = {"records": [{"counter": "C01", "minute": _minute(), "transactions": 2}]}
    r = _post(app, body, None)
    assert r.status_code == 401 and r.get_json()["field"] == "Authorization"
    r = _post(app, body, "api_not-a-real-token")
    assert r.status_code == 401 and "not valid" in r.get_json()["detail"]
    cam = app.extensions["services"].camera_tokens.issue("cam-tv-theatre-85-1")
    assert _post(app, body, cam).status_code == 401  # a camera token is not an API token
    assert _post(app, body, token).status_code == 200


def test_idempotent_per_counter_and_minute(app: Flask, token: str) -> None:
    m = _minute(10)
    recs = [{"counter": "C01", "minute": m, "transactions": 3, "busy_seconds": 50.0},
            {"counter": "C02", "minute": m, "transactions": 1, "busy_seconds": 20.5},
            {"counter": "C01", "minute": m + 60, "transactions": 2}]
    first = _post(app, {"source": "pos-a", "records": recs}, token).get_json()
    again = _post(app, {"source": "pos-a", "records": recs}, token).get_json()
    assert first == {"applied": 3, "duplicates": 0, "replaced": 0}
    assert again == {"applied": 0, "duplicates": 3, "replaced": 0}
    fixed = _post(app, {"records": [{**recs[0], "transactions": 4, "busy_seconds": 58.0}]}, token).get_json()
    assert fixed == {"applied": 0, "duplicates": 0, "replaced": 1}
    tx, busy, seen = app.extensions["services"].staffing.transactions.minutes(m, m + 60)
    assert seen and tx == [5, 2] and busy == [pytest.approx(78.5), 0.0]  # totals follow the correction, never double


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"counter": "C99", "minute": None, "transactions": 1}, "records[0].counter"),
        ({"counter": "C01", "minute": 1_700_000_030, "transactions": 1}, "records[0].minute"),
        ({"counter": "C01", "minute": None, "transactions": -1}, "records[0].transactions"),
        ({"counter": "C01", "minute": None, "transactions": "3"}, "records[0].transactions"),
        ({"counter": "C01", "minute": None, "transactions": 1, "busy_seconds": 61}, "records[0].busy_seconds"),
        ({"counter": "C01", "minute": None, "transactions": 1, "tip": 2}, "records[0].tip"),
        ({"counter": "C01", "minute": "future", "transactions": 1}, "records[0].minute"),
        ({"counter": "C01", "minute": "old", "transactions": 1}, "records[0].minute"),
    ],
)
def test_bad_records_named(app: Flask, token: str, record: dict, field: str) -> None:
    rec = dict(record)
    now_min = _minute(0)
    rec["minute"] = {None: _minute(), "future": now_min + 3600, "old": now_min - 15 * 86400}.get(rec["minute"], rec["minute"])  # type: ignore[call-overload]
    r = _post(app, {"records": [rec]}, token)
    assert 400 <= r.status_code < 500, r.get_json()
    body = r.get_json()
    assert body["field"] == field and body["detail"] and body["error"]


def test_bad_bodies(app: Flask, token: str) -> None:
    c = app.test_client()
    r = c.post(URL, data="x", headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
    assert r.status_code == 415 and r.get_json()["field"] == "Content-Type"
    r = _post(app, {"records": []}, token)
    assert r.status_code == 422 and r.get_json()["field"] == "records"
    r = _post(app, {"records": [{"counter": "C01", "minute": _minute(), "transactions": 1}] * 1001}, token)
    assert r.status_code in (413, 422) and r.get_json()["field"] in ("records", "body")
    r = _post(app, [1, 2], token)
    assert r.status_code == 422 and r.get_json()["field"] == "body"


def test_in_the_openapi_document(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    op = doc["paths"][URL]["post"]
    assert op["security"] == [{"apiToken": []}]
    assert {"200", "401", "422"} <= set(op["responses"])
    rec = doc["components"]["schemas"]["TransactionRecord"]
    assert set(rec["required"]) == {"counter", "minute", "transactions"}
