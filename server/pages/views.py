"""Pages are static HTML + JS from kiosk_static/; these routes check what may be seen and serve them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, send_from_directory, url_for

from core.mall.schema import Mall
from server.live.payloads import public_zone
from server.pages.sw import worker_source
from server.services import Services
from server.settings import ROOT

STATIC_ROOT = ROOT / "kiosk_static"
KIOSK_VENDOR = {"socket.io.esm.min.js": ROOT / "node_modules/socket.io-client/dist/socket.io.esm.min.js"}
VENDOR_FILES = {
    **KIOSK_VENDOR,
    "uPlot.esm.js": ROOT / "node_modules/uplot/dist/uPlot.esm.js",
    "uPlot.min.css": ROOT / "node_modules/uplot/dist/uPlot.min.css",
}


def category_names(mall: Mall, titles: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every category a zone uses → {zh, en}: the title of its kiosk content, else the id (pages show names, not ids)."""
    out = {}
    for z in mall.zones:
        c = titles.get(z.category)
        out[z.category] = {"zh": c.title.zh, "en": c.title.en} if c is not None else {"zh": z.category, "en": z.category}
    return out


def _page(name: str):  # type: ignore[no-untyped-def]
    resp = send_from_directory(current_app.config["PAGES_DIR"], name)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("pages", __name__)
    mall = svc.mall

    @bp.get("/")
    def root():  # type: ignore[no-untyped-def]
        return redirect(url_for("pages.kiosk_index"))

    @bp.get("/kiosk/")
    def kiosk_index():  # type: ignore[no-untyped-def]
        return _page("kiosk_index.html")

    @bp.get("/kiosk/<zone_id>")
    def kiosk_zone(zone_id: str):  # type: ignore[no-untyped-def]
        if mall.zone(zone_id) is None:
            abort(404, description=f"no zone {zone_id!r} in this mall")
        return _page("kiosk_zone.html")

    @bp.get("/kiosk/sw.js")
    def service_worker():  # type: ignore[no-untyped-def]
        """The kiosk service worker with its asset list and cache name made from the files (server/pages/sw.py)."""
        resp = Response(worker_source(STATIC_ROOT, KIOSK_VENDOR), mimetype="text/javascript")
        resp.headers["Cache-Control"] = "no-cache"
        resp.headers["Service-Worker-Allowed"] = "/kiosk/"
        return resp

    @bp.get("/vendor/<name>")
    def vendor(name: str):  # type: ignore[no-untyped-def]
        path: Path | None = VENDOR_FILES.get(name)
        if path is None or not path.exists():
            abort(404, description=f"{name}: not installed (run make run or npm ci)")
        return send_from_directory(path.parent, path.name, max_age=86400)

    @bp.get("/api/v1/mall")
    def mall_info():  # type: ignore[no-untyped-def]
        """The public floor plan: floors, entrances, zones and category names (no cameras: their layout is not public)."""
        return jsonify({
            "mall": mall.mall.model_dump(mode="json"),
            "floors": [f.model_dump(mode="json") for f in mall.floors],
            "entrances": [e.model_dump(mode="json") for e in mall.entrances],
            "zones": [z.model_dump(mode="json") for z in mall.zones],
            "categories": category_names(mall, svc.content.content.categories),
        })

    @bp.get("/api/v1/zones")
    def zones_public():  # type: ignore[no-untyped-def]
        stats = svc.reader.area_stats([z.id for z in mall.zones])
        return jsonify({"zones": [public_zone(mall, a, s) for a, s in stats.items()]})

    return bp
