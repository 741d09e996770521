"""Assembles the OpenAPI 3.1 document from every feature's own `openapi.py` and serves it at /api/v1/openapi.json.

Built once per app from its mall (zone, camera and counter ids are enums) and settings (whether kiosk routes need
an enrolled kiosk's secret), so the document states what this server answers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from core.mall.schema import Mall
from server.api_doc.parts import BOOL, PUBLIC, SECURITY_SCHEMES, errors, obj, ok, operation, ref
from server.services import Services


def build_document(mall: Mall, kiosk_enrolment: bool) -> dict[str, Any]:
    from server.assist import openapi as assist
    from server.auth import openapi as auth
    from server.checkout.models import openapi_paths as checkout_paths
    from server.checkout.models import openapi_schemas as checkout_schemas
    from server.ingest import openapi as ingest
    from server.kiosk import openapi as kiosk
    from server.manager import openapi as manager
    from server.pages import openapi as pages
    from server.staffing import openapi as staffing

    health = {
        "/healthz": {"get": operation("Liveness", PUBLIC, ok(ref("Ok")))},
        "/readyz": {"get": operation("Readiness: the data store answers", PUBLIC,
                                     {**ok(obj({"ok": BOOL, "redis": BOOL})), **errors()})},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mall live API", "version": "1.0.0",
                 "description": "Camera ingest, kiosks, assistance, staffing and the manager APIs. Every error is "
                                "{error, detail, field, path}. Session writes send the X-CSRF-Token header."},
        "servers": [{"url": "/"}],
        "components": {"schemas": {**ingest.schemas(), **checkout_schemas(), **pages.schemas()},
                       "securitySchemes": SECURITY_SCHEMES},
        "paths": {
            **ingest.paths(mall), **checkout_paths(), **pages.paths(), **staffing.paths(mall),
            **kiosk.paths(mall, kiosk_enrolment), **assist.paths(mall, kiosk_enrolment), **auth.paths(),
            **manager.paths(mall), **health,
        },
    }


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
    doc = build_document(svc.mall, svc.settings.kiosk_enrolment)

    @bp.get("/openapi.json")
    def openapi():  # type: ignore[no-untyped-def]
        return jsonify(doc)

    return bp
