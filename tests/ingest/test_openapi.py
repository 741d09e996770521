"""The OpenAPI document covers every JSON route and describes what the server really answers."""

from __future__ import annotations

import re

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import make_user
from tests.helpers import auth, ev

CAM = "cam-fridges-1"
UNDOCUMENTED = {("/api/v1/openapi.json", "get")}  # the document itself
OUTSIDE_API = {("/healthz", "get"), ("/readyz", "get")}  # JSON routes outside /api/ that it documents too


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator(doc: dict, pointer: str) -> jsonschema.Draft202012Validator:
    resource = Resource(contents=doc, specification=DRAFT202012)
    registry = Registry().with_resource("urn:doc", resource)
    return jsonschema.Draft202012Validator({"$ref": "urn:doc#" + pointer}, registry=registry)


def check(doc: dict, path: str, method: str, res) -> None:  # type: ignore[no-untyped-def]
    """The reply's status is documented for the operation and its JSON body validates against that status's schema."""
    op = doc["paths"][path][method]
    code = str(res.status_code)
    assert code in op["responses"], f"{method.upper()} {path} answered {res.status_code}, not documented"
    assert res.content_type.startswith("application/json"), res.content_type
    validator(doc, _pointer("", "paths", path, method, "responses", code, "content", "application/json", "schema")) \
        .validate(res.json)


def routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(OpenAPI path, method) of every /api/ route of the app, from its URL map."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        out |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def documented(doc: dict) -> set[tuple[str, str]]:
    return {(p, m) for p, ops in doc["paths"].items() for m in ops}


def test_every_api_route_is_documented_and_nothing_else(app) -> None:  # type: ignore[no-untyped-def]
    doc = app.test_client().get("/api/v1/openapi.json").json
    real = routes(app)
    assert len(real) > 50  # the walk found the API
    missing = real - UNDOCUMENTED - documented(doc)
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"
    extra = documented(doc) - real - OUTSIDE_API
    assert not extra, f"the document lists routes the app does not have: {sorted(extra)}"
    adapter = app.url_map.bind("localhost")
    for path, method in OUTSIDE_API:
        adapter.match(path, method.upper())  # raises when the route is gone


def test_every_operation_states_its_security_and_error_replies(app) -> None:  # type: ignore[no-untyped-def]
    doc = app.test_client().get("/api/v1/openapi.json").json
    schemes = set(doc["components"]["securitySchemes"])
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert "security" in op, (method, path)
            for requirement in op["security"]:
                assert set(requirement) <= schemes, (method, path, requirement)
                if "session" in requirement and method != "get":
                    assert "csrf" in requirement, f"{method} {path}: a session write needs the CSRF header"
            for code, resp in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert resp["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            if op["security"]:
                assert {"401", "403"} <= set(op["responses"]), (method, path)
            if "{" in path:
                assert "404" in op["responses"], (method, path)


def test_kiosk_routes_need_the_kiosk_secret_only_when_enrolment_is_required(make_app) -> None:  # type: ignore[no-untyped-def]
    for required, security in ((True, [{"kioskToken": []}]), (False, [])):
        doc = make_app(kiosk_enrolment=required).test_client().get("/api/v1/openapi.json").json
        for path in ("/api/v1/kiosk/heartbeat", "/api/v1/kiosk/engagement", "/api/v1/assist"):
            assert doc["paths"][path]["post"]["security"] == security, (required, path)


def test_real_responses_match_the_document(client, svc) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    tok = svc.camera_tokens.issue(CAM)
    other = svc.camera_tokens.issue("cam-dishwashers-1")
    p_events = "/api/v1/cameras/{camera_id}/events"
    url = f"/api/v1/cameras/{CAM}/events"
    check(doc, p_events, "post", client.post(url, json={"events": [ev(1), ev(3)]}, headers=auth(tok)))
    check(doc, p_events, "post", client.post(url, json={"events": [ev(1)]}, headers=auth(tok)))
    check(doc, p_events, "post", client.post(url, json={"events": []}, headers=auth(tok)))
    check(doc, p_events, "post", client.post(url, json={"events": [ev(4)]}))
    check(doc, p_events, "post", client.post(url, json={"events": [ev(4)]}, headers=auth(other)))
    check(doc, p_events, "post", client.post(url, data="{", content_type="application/json", headers=auth(tok)))
    check(doc, p_events, "post", client.post(url, data="x", content_type="text/plain", headers=auth(tok)))
    p_hb = "/api/v1/cameras/{camera_id}/heartbeat"
    hb = {"fps": 7, "dropped_frames": 0, "spool_depth": 2, "version": "0.1"}
    check(doc, p_hb, "post", client.post(f"/api/v1/cameras/{CAM}/heartbeat", json=hb, headers=auth(tok)))
    check(doc, p_hb, "post", client.post(f"/api/v1/cameras/{CAM}/heartbeat", json={}, headers=auth(tok)))
    check(doc, "/api/v1/cameras/{camera_id}/config", "get", client.get(f"/api/v1/cameras/{CAM}/config", headers=auth(tok)))
    check(doc, "/api/v1/cameras/{camera_id}/status", "get", client.get(f"/api/v1/cameras/{CAM}/status", headers=auth(tok)))
    check(doc, "/api/v1/zones", "get", client.get("/api/v1/zones"))
    check(doc, "/api/v1/mall", "get", client.get("/api/v1/mall"))
    check(doc, "/api/v1/session", "get", client.get("/api/v1/session"))
    check(doc, "/api/v1/kiosk/checkout", "get", client.get("/api/v1/kiosk/checkout"))
    check(doc, "/healthz", "get", client.get("/healthz"))
    check(doc, "/readyz", "get", client.get("/readyz"))


def test_manager_kiosk_and_assistance_replies_match_the_document(app, r) -> None:  # type: ignore[no-untyped-def]
    """A manager's reads and writes, an enrolled kiosk's calls and the assistance flow, each checked against the
    document (success and refusal)."""
    svc = app.extensions["services"]
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").json
    user, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    assert client.post("/login", data={"username": user, "password": pw}).status_code == 302
    session = client.get("/api/v1/session")
    check(doc, "/api/v1/session", "get", session)
    h = {"X-CSRF-Token": session.json["csrf"]}
    for path in ("/api/v1/staffing", "/api/v1/counters", "/api/v1/staffing/decisions", "/api/v1/kiosk/status",
                 "/api/v1/kiosk/engagement", "/api/v1/kiosks", "/api/v1/assist", "/api/v1/checkout/transactions",
                 "/api/v1/quarantine", "/api/v1/manager/zones", "/api/v1/manager/cameras", "/api/v1/manager/corrections",
                 "/api/v1/manager/sparklines", "/api/v1/manager/footfall", "/api/v1/manager/export/options",
                 "/api/v1/manager/alerts", "/api/v1/manager/export", "/api/v1/manager/report"):
        check(doc, path, "get", client.get(path))
    check(doc, "/api/v1/staffing/what-if", "get", client.get("/api/v1/staffing/what-if?arrivals_per_hour=300"))
    check(doc, "/api/v1/staffing/what-if", "get", client.get("/api/v1/staffing/what-if?arrivals_per_hour=x"))
    today = client.get("/api/v1/manager/export/options").json["today"]
    check(doc, "/api/v1/manager/export", "get", client.get(f"/api/v1/manager/export?from={today}&zones=fridges"))
    check(doc, "/api/v1/manager/report", "get", client.get(f"/api/v1/manager/report?from={today}"))
    check(doc, "/api/v1/manager/zones/{zone_id}", "get", client.get("/api/v1/manager/zones/fridges"))
    check(doc, "/api/v1/manager/zones/{zone_id}", "get", client.get("/api/v1/manager/zones/nowhere"))
    check(doc, "/api/v1/manager/content/{zone}", "get", client.get("/api/v1/manager/content/fridges"))
    check(doc, "/api/v1/counters/{counter_id}", "post",
          client.post("/api/v1/counters/C03", json={"state": "open", "reason": "queue"}, headers=h))
    check(doc, "/api/v1/counters/{counter_id}", "post", client.post("/api/v1/counters/C03", json={"state": "open"}))
    check(doc, "/api/v1/zones/{zone_id}/occupancy", "post",
          client.post("/api/v1/zones/fridges/occupancy", json={"occupancy": 4, "reason": "counted"}, headers=h))
    check(doc, "/api/v1/staffing/dismiss", "post", client.post("/api/v1/staffing/dismiss", json={"reason": "x"}, headers=h))
    check(doc, "/api/v1/kiosk/subsidy", "post", client.post("/api/v1/kiosk/subsidy", json={"items": []}))
    enrolled = client.post("/api/v1/kiosks", json={"kiosk": "k-fridges-1", "zone": "fridges"}, headers=h)
    check(doc, "/api/v1/kiosks", "post", enrolled)
    kiosk_h = {"X-Kiosk-Token": enrolled.json["secret"]} if svc.settings.kiosk_enrolment else {}
    beat = {"kiosk": "k-fridges-1", "zone": "fridges", "version": "1"}
    check(doc, "/api/v1/kiosk/heartbeat", "post", client.post("/api/v1/kiosk/heartbeat", json=beat, headers=kiosk_h))
    check(doc, "/api/v1/kiosk/engagement", "post",
          client.post("/api/v1/kiosk/engagement", json={"zone": "fridges", "sessions": 1, "taps": {"map": 2}},
                      headers=kiosk_h))
    ask = {"zone": "fridges", "kiosk": "k-fridges-1", "reason": "other"}
    created = client.post("/api/v1/assist", json=ask, headers=kiosk_h)
    check(doc, "/api/v1/assist", "post", created)
    check(doc, "/api/v1/assist", "post", client.post("/api/v1/assist", json=ask, headers=kiosk_h))  # 429: one open
    check(doc, "/api/v1/assist", "get", client.get("/api/v1/assist?state=all"))
    rid = created.json["id"]
    check(doc, "/api/v1/assist/{rid}/ack", "post", client.post(f"/api/v1/assist/{rid}/ack", headers=h))
    check(doc, "/api/v1/assist/{rid}/ack", "post", client.post(f"/api/v1/assist/{rid}/ack", headers=h))  # 409
    check(doc, "/api/v1/assist/{rid}/resolve", "post", client.post(f"/api/v1/assist/{rid}/resolve", headers=h))
    check(doc, "/api/v1/kiosks", "get", client.get("/api/v1/kiosks"))
    check(doc, "/api/v1/kiosks/{kiosk}/retire", "post", client.post("/api/v1/kiosks/k-fridges-1/retire", headers=h))
    check(doc, "/api/v1/kiosks/{kiosk}/retire", "post", client.post("/api/v1/kiosks/k-fridges-1/retire", headers=h))


def test_document_schemas_refuse_what_the_server_refuses(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json
    v = validator(doc, "/components/schemas/Batch")
    assert v.is_valid({"events": [{"seq": 1, "time": 1.0, "in": 1, "out": 0}]})
    assert not v.is_valid({"events": [{"seq": 0, "time": 1.0, "in": 1, "out": 0}]})
    assert not v.is_valid({"events": []})
