"""The manager APIs' entries in the OpenAPI document: zones, cameras, series, export and report, content editor,
alerts. Every one needs a manager login; writes send the CSRF header too."""

from __future__ import annotations

from typing import Any

from core.mall.schema import Mall
from server.api_doc.parts import (
    ANY,
    ARR,
    BOOL,
    DATE,
    INT,
    NUM,
    OBJ,
    SESSION,
    SESSION_WRITE,
    STR,
    TIME,
    array,
    csv_ok,
    errors,
    json_body,
    map_of,
    nullable,
    obj,
    ok,
    operation,
    path_param,
    query,
)
from server.ingest.openapi import camera_summary

MANAGER_ZONE = obj({"zone": STR, "occupancy": INT, "in_15m": INT, "out_15m": INT, "in_today": INT, "out_today": INT},
                   {"capacity": INT, "pct": NUM, "level": STR})
ALERT = obj({"id": STR, "kind": STR, "severity": STR, "state": STR})
CONTENT_STATE = obj({"zone": STR, "managed": BOOL, "overrides": nullable(OBJ), "base": nullable(OBJ), "in_force": STR,
                     "view": OBJ, "schedules": array(OBJ), "history": array(OBJ), "catalog": OBJ, "timezone": STR})
OVERRIDES = {"type": "object", "description": "The zone file's keys (featured, promotions, ...); validated like the file"}


def _range() -> list[dict[str, Any]]:
    return [query("from", DATE, "First day (mall time)", required=True), query("to", DATE, "Last day; default from"),
            query("zones", STR, "Comma-separated zone ids (or mall); default every zone and the whole mall")]


def paths(mall: Mall) -> dict[str, Any]:
    zone = path_param("zone", {"type": "string", "enum": [z.id for z in mall.zones]})
    area = path_param("zone_id", {"type": "string", "enum": mall.area_ids}, "A zone id, or 'mall' for the whole mall")
    fmt = query("format", {"type": "string", "enum": ["json", "csv"], "default": "json"}, "csv: the same as the .csv route")
    bad = errors(400)
    edited = {**ok({**CONTENT_STATE, "required": [*CONTENT_STATE["required"], "entry"]}), **bad}
    series = obj({"area": STR, "date": DATE, "bin_minutes": INT, "t": array(INT), "entries": ARR, "exits": ARR,
                  "typical": ARR, "entries_today": INT})
    export_json = obj({"from": DATE, "to": DATE, "timezone": STR, "columns": array(STR), "rows": array(OBJ)})
    report_json = obj({"from": DATE, "to": DATE, "timezone": STR, "basis": STR, "generated": STR, "columns": array(STR),
                       "rows": array(OBJ), "transactions_feed": BOOL, "definitions": map_of(STR)})
    csv_or = {"text/csv": {"schema": STR}}
    return {
        "/api/v1/manager/zones": {"get": operation(
            "Every zone and the whole mall: occupancy, entries and exits", SESSION, ok(obj({"zones": array(MANAGER_ZONE)})))},
        "/api/v1/manager/zones/{zone_id}": {"get": operation(
            "One zone (or the mall): figures, last hour, today's curve against last week and last year, cameras, kiosks, "
            "alerts", SESSION,
            ok({**MANAGER_ZONE, "required": [*MANAGER_ZONE["required"], "name_en", "name_zh", "floor", "category",
                                              "in_1h", "out_1h", "curve", "cameras", "kiosks", "alerts"]}), [area])},
        "/api/v1/manager/cameras": {"get": operation(
            "Every camera: online, last heartbeat, fps, spool depth, open gaps", SESSION,
            ok(obj({"cameras": array(camera_summary())})))},
        "/api/v1/manager/corrections": {"get": operation(
            "Manual occupancy corrections, newest first", SESSION, ok(obj({"corrections": array(OBJ)})))},
        "/api/v1/manager/sparklines": {"get": operation(
            "Entries per zone of the last 2 hours in 5-minute bins, and the 15-minute trend", SESSION,
            ok(obj({"bin_minutes": INT, "t": array(INT), "trend_definition": STR,
                    "zones": map_of(obj({"entries": array(INT), "in_15m": INT, "in_prev_15m": INT, "trend": INT}))})))},
        "/api/v1/manager/footfall": {"get": operation(
            "Today's footfall of an area in 5-minute bins against a typical day", SESSION, {**ok(series), **bad},
            [query("area", {"type": "string", "enum": mall.area_ids, "default": "mall"})])},
        "/api/v1/manager/export/options": {"get": operation(
            "What the export form needs: allowed dates (mall time), zones, columns", SESSION,
            ok(obj({"earliest": DATE, "today": DATE, "max_days": INT, "timezone": STR, "columns": array(STR),
                    "formats": array(STR), "zones": array(OBJ)})))},
        "/api/v1/manager/export": {"get": operation(
            "Hourly footfall rows of a date range (JSON, or CSV with format=csv)", SESSION,
            {"200": {"description": "OK", "content": {"application/json": {"schema": export_json}, **csv_or}}, **bad},
            [*_range(), fmt])},
        "/api/v1/manager/export.csv": {"get": operation(
            "Hourly footfall rows of a date range as a CSV file", SESSION, {**csv_ok("CSV file"), **bad}, _range())},
        "/api/v1/manager/report": {"get": operation(
            "Date-range report per zone: entries, peak, dwell, conversion (JSON, or CSV with format=csv)", SESSION,
            {"200": {"description": "OK", "content": {"application/json": {"schema": report_json}, **csv_or}}, **bad},
            [*_range(), fmt])},
        "/api/v1/manager/report.csv": {"get": operation(
            "The date-range report as a CSV file", SESSION, {**csv_ok("CSV file"), **bad}, _range())},
        "/api/v1/manager/alerts": {"get": operation(
            "Active alerts (by severity) and history", SESSION,
            {**ok(obj({"active": array(ALERT), "unacknowledged": INT, "history": array(OBJ), "order": STR})), **bad},
            [query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}, "History entries")])},
        "/api/v1/manager/alerts/{alert_id}/ack": {"post": operation(
            "Acknowledge an active alert", SESSION_WRITE, ok(ALERT),
            [path_param("alert_id", {"type": "string", "minLength": 1}, "e.g. zone-full:fridges")])},
        "/api/v1/manager/content/{zone}": {
            "get": operation("The content editor's state of a zone: overrides, base, schedules, history, kiosk view, "
                             "catalog", SESSION, ok(CONTENT_STATE), [zone]),
            "put": operation("Publish a zone's overrides now (validated like the file)", SESSION_WRITE, edited, [zone],
                             json_body(obj({"overrides": OVERRIDES}, {"note": STR}))),
        },
        "/api/v1/manager/content/{zone}/preview": {"post": operation(
            "The merged view kiosks would show with these overrides (nothing is written)", SESSION_WRITE,
            {**ok(OBJ), **bad}, [zone], json_body(obj({"overrides": OVERRIDES})))},
        "/api/v1/manager/content/{zone}/revert/{history_id}": {"post": operation(
            "Publish again what a history entry recorded", SESSION_WRITE, edited,
            [zone, path_param("history_id", {"type": "string", "minLength": 1})])},
        "/api/v1/manager/content/{zone}/schedules": {"post": operation(
            "Schedule overrides for a period (optionally on weekdays, between daily times); 409 past the limit",
            SESSION_WRITE, {**ok(obj({"id": STR, "zone": STR, "overrides": ANY, "starts": ANY, "starts_ts": TIME,
                                      "ends_ts": nullable(TIME), "days": array(INT)}), 201), **bad, **errors(409)},
            [zone], json_body(obj({"overrides": OVERRIDES, "starts": STR}, {
                "ends": nullable(STR), "days": array({"type": "integer", "minimum": 1, "maximum": 7}, uniqueItems=True),
                "daily_from": nullable(STR), "daily_to": nullable(STR), "note": STR})))},
        "/api/v1/manager/content/{zone}/schedules/{sid}": {"delete": operation(
            "Delete a schedule", SESSION_WRITE, {**ok(CONTENT_STATE), **bad},
            [zone, path_param("sid", {"type": "string", "minLength": 1})])},
    }
