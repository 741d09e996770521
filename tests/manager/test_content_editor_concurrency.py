"""Validating a change while another request publishes one. The editor copies the content tree to validate in,
while a publish writes the zone file as a temporary dotfile and renames it into place; a copy that listed the
temporary file and found it gone raised, a 500 on preview, publish and schedules (found by the API fuzz test)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_user

ZONE = "fridges"


def test_a_publish_in_flight_does_not_break_validation(make_app, content_root: Path, r) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    u, pw = make_user(r, "boss", "manager", prefix=app.extensions["services"].keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": u, "password": pw}).status_code == 302
    h = {"X-CSRF-Token": c.get("/api/v1/session").get_json()["csrf"]}
    # What the copy sees mid-publish: a temporary file in the listing that is no longer there.
    (content_root / "zones" / f".{ZONE}.k2x9q.yaml").symlink_to(content_root / "zones" / "renamed-away.yaml")
    url = f"/api/v1/manager/content/{ZONE}"
    res = c.post(url + "/preview", json={"overrides": {"featured": ["frost-300"]}}, headers=h)
    assert res.status_code == 200, res.get_json()
    assert [p["id"] for p in res.get_json()["products"]] == ["frost-300"]
    res = c.put(url, json={"overrides": {"featured": ["frost-300"]}, "note": "winter"}, headers=h)
    assert res.status_code == 200, res.get_json()
    res = c.post(url + "/preview", json={"overrides": {"featured": "frost-300"}}, headers=h)
    assert res.status_code == 400 and res.get_json()["field"].startswith("overrides"), res.get_json()
