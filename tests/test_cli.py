"""`flask cameras add|rotate|list` and `flask users create` against the real Redis."""

from __future__ import annotations

from server.ingest.tokens import CameraTokens
from tests.helpers import auth, ev


def test_cameras_add_rotate_list(app, client, svc, r) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    res = runner.invoke(args=["cameras", "add", "cam-fridges-1"])
    assert res.exit_code == 0
    token = res.output.strip()
    assert token.startswith("cam_") and len(token) > 40
    assert token not in str(r.hgetall(svc.keys.camera_tokens))  # only the hash is stored
    assert client.post("/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(1)]}, headers=auth(token)).status_code == 200
    again = runner.invoke(args=["cameras", "add", "cam-fridges-1"])
    assert again.exit_code != 0 and "rotate" in again.output
    rot = runner.invoke(args=["cameras", "rotate", "cam-fridges-1"])
    new = rot.output.strip()
    assert rot.exit_code == 0 and new != token
    assert client.post("/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(2)]}, headers=auth(token)).status_code == 401
    assert client.post("/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(2)]}, headers=auth(new)).status_code == 200
    listing = runner.invoke(args=["cameras", "list"]).output.splitlines()
    assert "cam-fridges-1\tfridges\ttoken" in listing and "cam-dishwashers-1\tdishwashers\tno-token" in listing
    unknown = runner.invoke(args=["cameras", "add", "cam-nowhere"])
    assert unknown.exit_code != 0 and "CAMERA_ID" in unknown.output and "Traceback" not in unknown.output
    assert isinstance(app.extensions["services"].camera_tokens, CameraTokens)


def test_users_create_hashes_passwords_and_names_bad_fields(app, svc, r) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    res = runner.invoke(args=["users", "create", "alice", "--role", "staff", "--password", "long-enough-pw"])
    assert res.exit_code == 0, res.output
    stored = r.hget(svc.keys.users, "alice")
    assert "long-enough-pw" not in stored and ("scrypt:" in stored or "pbkdf2:" in stored)
    assert app.extensions["services"].users.authenticate("alice", "long-enough-pw")["role"] == "staff"
    assert app.extensions["services"].users.authenticate("alice", "wrong") is None
    short = runner.invoke(args=["users", "create", "bob", "--password", "short"])
    assert short.exit_code != 0 and "password" in short.output
    dup = runner.invoke(args=["users", "create", "alice", "--password", "long-enough-pw"])
    assert dup.exit_code != 0 and "username" in dup.output
    assert "alice\tstaff" in runner.invoke(args=["users", "list"]).output


def test_api_tokens_open_the_what_if_contract_for_outside_tools(app, client) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    token = runner.invoke(args=["api-tokens", "add", "planning-tool"]).output.strip()
    assert token.startswith("api_")
    url = "/api/v1/staffing/what-if?arrivals_per_hour=200&service_seconds=180&target_wait_seconds=20&target_share=0.8"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer api_wrong"}).status_code == 401
    res = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200 and res.json["counters"] == 14
    assert client.get("/api/v1/manager/zones", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # only what-if
    assert runner.invoke(args=["api-tokens", "revoke", "planning-tool"]).exit_code == 0
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
