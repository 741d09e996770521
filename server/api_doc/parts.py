"""Building blocks of the OpenAPI document shared by every feature's `openapi.py`: schema shorthands, error
replies, parameters and the security requirements (which credential a route needs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]
REF = "#/components/schemas/{model}"

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ANY: Schema = {}
OBJ: Schema = {"type": "object"}
ARR: Schema = {"type": "array"}
TIME: Schema = {"type": "number", "description": "Unix epoch seconds"}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
BILINGUAL: Schema = {"type": "object", "required": ["zh", "en"], "properties": {"zh": STR, "en": STR}}

# Security requirements (names of components.securitySchemes). A session write also needs the CSRF header.
PUBLIC: list[dict[str, list[str]]] = []
CAMERA = [{"cameraToken": []}]
API = [{"apiToken": []}]
SESSION = [{"session": []}]
SESSION_WRITE = [{"session": [], "csrf": []}]
KIOSK = [{"kioskToken": []}]

SECURITY_SCHEMES: Schema = {
    "cameraToken": {"type": "http", "scheme": "bearer", "description": "Per-camera token from 'flask cameras add'; "
                    "valid only for its own camera id"},
    "apiToken": {"type": "http", "scheme": "bearer", "description": "API token from 'flask api-tokens add NAME' (api_...)"},
    "session": {"type": "apiKey", "in": "cookie", "name": "mall_session",
                "description": "Manager or staff login (POST /login); the route's summary names the roles"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
             "description": "The session's CSRF token (GET /api/v1/session → csrf); every session write sends it"},
    "kioskToken": {"type": "apiKey", "in": "header", "name": "X-Kiosk-Token",
                   "description": "An enrolled kiosk's secret (POST /api/v1/kiosks or 'flask kiosks enrol')"},
}


def ref(model: str) -> Schema:
    return {"$ref": REF.format(model=model)}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None, closed: bool = False) -> Schema:
    """An object with these keys always present (and maybe `optional` ones); open to further keys unless `closed`."""
    out: Schema = {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}
    if closed:
        out["additionalProperties"] = False
    return out


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


def map_of(values: Schema) -> Schema:
    return {"type": "object", "additionalProperties": values}


def model_schemas(models: list[type[BaseModel]]) -> dict[str, Schema]:
    """components.schemas of pydantic models (validation mode, wire aliases), nested models included."""
    out: dict[str, Schema] = {}
    for m in models:
        s = m.model_json_schema(ref_template=REF, by_alias=True, mode="validation")
        out.update(s.pop("$defs", {}))
        out[m.__name__] = s
    return out


def errors(*codes: int) -> dict[str, Any]:
    """Error replies: every 4xx/5xx body is an ErrorBody {error, detail, field, path}. 503: the data store is down."""
    body = {"application/json": {"schema": ref("ErrorBody")}}
    return {str(c): {"description": "error", "content": body} for c in (*codes, 503)}


def ok(schema: Schema, status: int = 200, description: str = "OK") -> dict[str, Any]:
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def csv_ok(description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {"text/csv": {"schema": STR}}}}


def json_body(schema: Schema, required: bool = True) -> Schema:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def path_param(name: str, schema: Schema | None = None, description: str = "") -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string", "minLength": 1},
            **({"description": description} if description else {})}


def query(name: str, schema: Schema, description: str = "", required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            **({"description": description} if description else {})}


def operation(summary: str, security: list[dict[str, list[str]]], responses: dict[str, Any],
              params: list[Schema] | None = None, body: Schema | None = None, description: str = "") -> Schema:
    """One operation. Routes behind a credential answer 401 (none or not valid) and 403 (not allowed) as well."""
    op: Schema = {"summary": summary, "security": security, "responses": dict(responses)}
    if security:
        op["responses"].update({k: v for k, v in errors(401, 403).items() if k not in op["responses"]})
    if body is not None:
        op["requestBody"] = body
        op["responses"].update({k: v for k, v in errors(400, 413).items() if k not in op["responses"]})
    if params:
        op["parameters"] = params
        if any(p["in"] == "path" for p in params):
            op["responses"].update({k: v for k, v in errors(404).items() if k not in op["responses"]})
    if description:
        op["description"] = description
    return op
