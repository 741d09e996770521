"""The OpenAPI 3.1 document, built from the same pydantic models that validate requests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from pydantic import BaseModel

from core.wire import Batch, BatchResult, ErrorBody, Heartbeat
from server.checkout.models import TransactionsBatch, TransactionsResult, openapi_paths
from server.ingest.models import CameraConfig, CameraStatus, Ok

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

REF = "#/components/schemas/{model}"


def _schemas(models: list[type[BaseModel]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in models:
        s = m.model_json_schema(ref_template=REF, by_alias=True, mode="validation")
        out.update(s.pop("$defs", {}))
        out[m.__name__] = s
    return out


def _errors(*codes: int) -> dict[str, Any]:
    body = {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}}
    return {str(c): {"description": "error", "content": body} for c in codes}


def _ok(model: str, description: str = "OK") -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}}


CAMERA_PARAM = {"name": "camera_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}


def build_document() -> dict[str, Any]:
    schemas = _schemas([Batch, BatchResult, Heartbeat, Ok, ErrorBody, CameraConfig, CameraStatus,
                        TransactionsBatch, TransactionsResult])
    schemas["PublicZone"] = {
        "type": "object",
        "required": ["zone", "occupancy", "capacity", "pct", "level"],
        "properties": {
            "zone": {"type": "string"}, "occupancy": {"type": "integer", "minimum": 0},
            "capacity": {"type": "integer"}, "pct": {"type": "number"},
            "level": {"type": "string", "enum": ["quiet", "moderate", "busy", "full"]},
        },
    }
    schemas["ZoneList"] = {"type": "object", "required": ["zones"],
                           "properties": {"zones": {"type": "array", "items": {"$ref": REF.format(model="PublicZone")}}}}
    camera_security = [{"cameraToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mall live counts API", "version": "1.0.0",
                 "description": "Camera ingest and public read endpoints. Errors are {error, detail, field}."},
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "cameraToken": {"type": "http", "scheme": "bearer", "description": "Per-camera token from 'flask cameras add'"},
                "apiToken": {"type": "http", "scheme": "bearer", "description": "API token from 'flask api-tokens add NAME'"},
                "session": {"type": "apiKey", "in": "cookie", "name": "mall_session"},
            },
        },
        "paths": {
            "/api/v1/cameras/{camera_id}/events": {"post": {
                "summary": "Apply a batch of count events (atomic, idempotent by seq)",
                "parameters": [CAMERA_PARAM], "security": camera_security,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model="Batch")}}}},
                "responses": {**_ok("BatchResult"), **_errors(400, 401, 403, 413, 415, 422)},
            }},
            "/api/v1/cameras/{camera_id}/heartbeat": {"post": {
                "summary": "Camera health: fps, dropped frames, spool depth, version",
                "parameters": [CAMERA_PARAM], "security": camera_security,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model="Heartbeat")}}}},
                "responses": {**_ok("Ok"), **_errors(400, 401, 403, 413, 415, 422)},
            }},
            "/api/v1/cameras/{camera_id}/config": {"get": {
                "summary": "The camera's counting line and detector",
                "parameters": [CAMERA_PARAM], "security": camera_security,
                "responses": {**_ok("CameraConfig"), **_errors(401, 403)},
            }},
            "/api/v1/cameras/{camera_id}/status": {"get": {
                "summary": "Sequence state (high-water mark, open gaps, gap log) and last heartbeat",
                "parameters": [CAMERA_PARAM], "security": [*camera_security, {"session": []}],
                "responses": {**_ok("CameraStatus"), **_errors(401, 403, 404)},
            }},
            "/api/v1/zones": {"get": {
                "summary": "Public crowd level of every zone", "security": [],
                "responses": _ok("ZoneList"),
            }},
            "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": _ok("Ok")}},
            **openapi_paths(REF, _errors(400, 401, 413, 415, 422), _ok("TransactionsResult")),
        },
    }


_DOC = build_document()


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(_DOC)
