"""The OpenAPI document describes what the server really answers."""

from __future__ import annotations

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.helpers import auth, ev

CAM = "cam-fridges-1"


def validator(doc: dict, ref: str) -> jsonschema.Draft202012Validator:
    resource = Resource(contents=doc, specification=DRAFT202012)
    registry = Registry().with_resource("urn:doc", resource)
    return jsonschema.Draft202012Validator({"$ref": "urn:doc" + ref}, registry=registry)


def check(doc: dict, path: str, method: str, res) -> None:  # type: ignore[no-untyped-def]
    op = doc["paths"][path][method]
    spec = op["responses"].get(str(res.status_code))
    assert spec is not None, f"{method.upper()} {path} answered {res.status_code}, not documented"
    validator(doc, spec["content"]["application/json"]["schema"]["$ref"]).validate(res.json)


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
    check(doc, "/healthz", "get", client.get("/healthz"))


def test_document_schemas_refuse_what_the_server_refuses(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json
    v = validator(doc, "#/components/schemas/Batch")
    assert v.is_valid({"events": [{"seq": 1, "time": 1.0, "in": 1, "out": 0}]})
    assert not v.is_valid({"events": [{"seq": 0, "time": 1.0, "in": 1, "out": 0}]})
    assert not v.is_valid({"events": []})
