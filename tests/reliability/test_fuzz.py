"""Schemathesis fuzzes every operation of /api/v1/openapi.json against a real server process, each with the
credential its security requirement names: no 5xx, and every status, content type and body as documented."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from server.ingest.tokens import ApiTokens, CameraTokens
from server.kiosk.content import DEFAULT_CONTENT_DIR
from server.store.keys import Keys
from tests.conftest import ServerProcess, ingest_process, login, make_user
from tests.helpers import enrol_kiosk, wait_for

PREFIX = "fz:"
CAM = "cam-fridges-1"
KIOSK, KIOSK_ZONE = "k-fridges-1", "fridges"  # the kiosk the document's examples name
# Random cases per operation in the fuzzing phase; the examples phase sends the document's examples and the
# coverage phase the boundary and negative cases of every parameter and body (about 10-180 per operation).
EXAMPLES = 12
CONTENT_EXAMPLES = 20  # the content writes, which skip the coverage phase (see config)
CONTENT_WRITES = r"^(PUT /api/v1/manager/content/\{zone\}|POST /api/v1/manager/content/\{zone\}/(preview|schedules))$"
# Operations that would end the fuzzer's own login: run apart, with a throwaway staff login. The other
# destructive one, retiring a kiosk, has its path pinned to a throwaway kiosk (config).
DESTRUCTIVE = "^/api/v1/session/(logout-all|password)$"
CAMERA_ROUTES = r"^/api/v1/cameras/\{camera_id\}/(events|heartbeat|config)$"  # what the camera-only process serves
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _session(base: str, r, username: str, role: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(session cookie, CSRF token) of a fresh login."""
    user, pw = make_user(r, username, role, prefix=PREFIX)
    s = login(base, user, pw)
    return s.cookies["mall_session"], s.get(base + "/api/v1/session", timeout=5).json()["csrf"]


def _toml(value: object) -> str:
    return json.dumps(value)  # a JSON string or number is a TOML basic string or number


def capacity_alert(base: str, session: tuple[str, str]) -> str:
    """An active alert to acknowledge: a manager sets the zone's occupancy to its capacity, a critical capacity
    alert on the alert engine's next tick."""
    cookies, headers = {"mall_session": session[0]}, {"X-CSRF-Token": session[1]}
    capacity = next(z["capacity"] for z in requests.get(base + "/api/v1/mall", timeout=5).json()["zones"]
                    if z["id"] == KIOSK_ZONE)
    res = requests.post(base + f"/api/v1/zones/{KIOSK_ZONE}/occupancy", json={"occupancy": capacity, "reason": "full"},
                        cookies=cookies, headers=headers, timeout=5)
    assert res.status_code == 200, res.text
    aid = f"capacity:{KIOSK_ZONE}"
    wait_for(lambda: any(a["id"] == aid for a in requests.get(base + "/api/v1/manager/alerts", cookies=cookies,
                                                               timeout=5).json()["active"]), what="the capacity alert")
    return aid


def config(session: tuple[str, str], kiosk_secret: str, api: str, cam: str, rid: str, alert: str) -> str:
    """schemathesis.toml: one credential per security scheme of the document."""
    cookie, csrf = session
    return f"""
[generation]
max-examples = {EXAMPLES}
[phases.stateful]
enabled = false
[parameters]
"path.camera_id" = {_toml(CAM)}  # a camera token is valid for its own camera only
"path.kiosk" = "k-throwaway"  # the only path with a kiosk id is retire: it retires a throwaway kiosk
"path.rid" = {_toml(rid)}  # an assistance request that exists, so ack and resolve get past 404
"path.alert_id" = {_toml(alert)}  # likewise an active alert
[auth.openapi.session]
api_key = {_toml(cookie)}
[auth.openapi.csrf]
api_key = {_toml(csrf)}
[auth.openapi.cameraToken]
bearer = {_toml(cam)}
[auth.openapi.apiToken]
bearer = {_toml(api)}
[auth.openapi.kioskToken]
api_key = {_toml(kiosk_secret)}

# Publishing, scheduling and previewing kiosk content validate a whole copy of the content tree (about 0.3 s a
# request): their several hundred boundary cases of the coverage phase alone took 90 s, so they are fuzzed with
# more random cases instead.
[[operations]]
include-name-regex = {_toml(CONTENT_WRITES)}
generation.max-examples = {CONTENT_EXAMPLES}
phases.coverage.enabled = false
"""


def server_log(server: ServerProcess) -> str:
    server.kill()
    return server.proc.stderr.read().decode()[-6000:] if server.proc and server.proc.stderr else ""


def schemathesis(config_text: str, server: ServerProcess, tmp: Path, *select: str) -> tuple[int, int, int, str]:
    """(operations run, test cases generated, passed, output) of one run of the server's document (against
    the server, unless `select` names another `--url`). One worker: with two threads, hypothesis's parsing of
    lambda sources crashed schemathesis itself once ("AST constructor recursion depth mismatch", a CPython
    3.11.7 race in `ast.parse`)."""
    st = Path(sys.executable).parent / "schemathesis"
    assert st.exists(), "schemathesis is not installed (make bootstrap installs requirements.txt)"
    tmp.mkdir()
    cfg = tmp / "schemathesis.toml"
    cfg.write_text(config_text)
    res = subprocess.run(
        [str(st), "--no-color", "--config-file", str(cfg), "run", f"{server.url}/api/v1/openapi.json", "--seed", "1",
         "--workers", "1", "-c", CHECKS, *select],
        cwd=tmp, capture_output=True, text=True, timeout=300, check=False)  # its caches stay out of the repo
    out = res.stdout + res.stderr
    ops = re.search(r"(\d+) selected / \d+ total", out)
    cases = re.search(r"(\d+) generated, (\d+) passed", out)
    assert res.returncode == 0 and ops and cases, out[-8000:] + "\n--- server log ---\n" + server_log(server)
    print("\n".join(line for line in out.splitlines() if re.search(r"\(in [\d.]+s\)|passed|generated", line)))
    return int(ops.group(1)), int(cases.group(1)), int(cases.group(2)), out


@pytest.fixture
def fuzz_server(redis_url: str, r, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A server of its own: enrolment required (set explicitly), kiosk content in a copy the editor may write."""
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    # LOG_LEVEL=ERROR: only tracebacks reach its stderr pipe, read back when a run fails
    s = ServerProcess(redis_url, prefix=PREFIX, KIOSK_ENROLMENT="1", KIOSK_CONTENT_DIR=str(content),
                      LOG_LEVEL="ERROR").start()
    yield s
    s.kill()


def test_fuzzed_api_never_errors_and_matches_its_document(fuzz_server: ServerProcess, r, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = fuzz_server.url
    doc = requests.get(base + "/api/v1/openapi.json", timeout=5).json()
    operations = sum(len(ops) for ops in doc["paths"].values())
    keys = Keys(PREFIX)
    kiosk_secret = enrol_kiosk(r, PREFIX, KIOSK, KIOSK_ZONE)
    enrol_kiosk(r, PREFIX, "k-throwaway", KIOSK_ZONE)  # retiring the fuzzer's own kiosk would cut it off
    api, cam = ApiTokens(r, keys).issue("fuzz-pos"), CameraTokens(r, keys).issue(CAM)
    ask = {"zone": KIOSK_ZONE, "kiosk": KIOSK, "reason": "other"}
    rid = requests.post(base + "/api/v1/assist", json=ask, headers={"X-Kiosk-Token": kiosk_secret}, timeout=5).json()["id"]
    t0 = time.monotonic()
    manager = _session(base, r, "fuzz-manager", "manager")
    alert = capacity_alert(base, manager)
    main = schemathesis(config(manager, kiosk_secret, api, cam, rid, alert), fuzz_server,
                        tmp_path / "main", "--exclude-path-regex", DESTRUCTIVE)
    # Ending every session and changing the password would log the fuzzer's manager out: those two operations
    # run on their own with a throwaway staff login (after its first logout-all it answers 401, as documented).
    spare = schemathesis(config(_session(base, r, "fuzz-throwaway", "staff"), kiosk_secret, api, cam, rid, alert),
                         fuzz_server, tmp_path / "spare", "--include-path-regex", DESTRUCTIVE)
    wall = time.monotonic() - t0
    print(f"schemathesis: {main[0] + spare[0]} of {operations} operations, {main[1] + spare[1]} test cases, {wall:.0f} s")
    assert main[0] + spare[0] == operations, main[3][-3000:] + spare[3][-3000:]
    assert main[1] + spare[1] >= 20 * operations, main[3][-3000:]
    assert (main[1], spare[1]) == (main[2], spare[2]), main[3][-3000:] + spare[3][-3000:]


def test_the_camera_only_process_answers_as_the_document_says(fuzz_server: ServerProcess, r, redis_url: str,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    """The camera routes of the same document, fuzzed against `python -m server.ingest` (its own WSGI function,
    not the blueprint): no 5xx and every answer as documented."""
    ingest = ingest_process(redis_url, PREFIX, LOG_LEVEL="ERROR").start()
    try:
        cam = CameraTokens(r, Keys(PREFIX)).issue(CAM)
        cfg = f"""
[generation]
max-examples = {EXAMPLES * 4}
[phases.stateful]
enabled = false
[parameters]
"path.camera_id" = {_toml(CAM)}
[auth.openapi.cameraToken]
bearer = {_toml(cam)}
"""
        ops, cases, passed, out = schemathesis(cfg, fuzz_server, tmp_path / "ingest", "--url", ingest.url,
                                               "--include-path-regex", CAMERA_ROUTES)
        assert ops == 3 and cases >= 100 and cases == passed, out[-3000:]
    finally:
        ingest.kill()
