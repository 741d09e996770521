"""Editing a zone's kiosk content from the manager page: validation, preview, publish, schedules, history.

The content files stay the one source of truth for kiosks: publishing or a schedule taking effect writes the
zone's override file (`zones/<zone>.yaml`, atomically), and the content watcher reloads it and emits
`content` to that zone's open kiosks, as for an edit by hand. A candidate is validated by loading a copy of
the content directory with the candidate in place (`load_content`), so the editor applies exactly the
loader's rules and names the same field paths.

Per zone, in Redis (`server/store/keys.py`): the base overrides (what is in force when no schedule is),
schedules (overrides + when), and a history of every change (newest first, 100 kept). A zone is managed by
the editor from its first publish or schedule; the scheduler then owns its file.

Schedules, in mall-local time: `starts` ≤ t < `ends` (ends optional), on `days` (ISO weekdays 1 = Monday …
7, empty = every day), and within the daily window `daily_from`–`daily_to` ("HH:MM", optional). When several
are active the one that started last wins (the most specific: a weekend promotion inside a month-long one).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import redis
import yaml

from core.mall.schema import Mall
from server.errors import ApiError
from server.kiosk.content import Content, ContentError, load_content
from server.kiosk.watcher import ContentWatcher
from server.store.clock import local, zone_info
from server.store.keys import Keys

HISTORY_KEEP = 100
MAX_SCHEDULES = 50
NOTE_MAX = 200
HEADER = "# Managed by the manager page's content editor (history and schedules in Redis); Format: docs/kiosk.md\n"


class ContentEditError(ApiError):
    """A refused content edit (answered like every API error, naming the field)."""


def _loaded_error(exc: ContentError, zone_file: Path) -> ContentEditError:
    """`<file>: <field>: <problem>` from the loader → a 400 naming the field of the candidate."""
    msg = str(exc)
    prefix = f"{zone_file}: "
    if msg.startswith(prefix):
        rest = msg[len(prefix):]
        field, _, detail = rest.partition(": ")
        return ContentEditError(400, "invalid", detail or rest, f"overrides.{field}" if field != "(top level)" else "overrides")
    return ContentEditError(400, "invalid", msg.split(": ", 1)[-1], "overrides")


def _parse_when(raw: Any, name: str, tz: str) -> float:
    """Mall-local 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DDTHH:MM:SS' → epoch seconds."""
    if not isinstance(raw, str) or len(raw) not in (10, 16, 19):
        raise ContentEditError(400, "invalid", f"{name} must be mall-local 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DD'", name)
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise ContentEditError(400, "invalid", f"{name} must be mall-local 'YYYY-MM-DDTHH:MM', got {raw[:40]!r}", name) from None
    return dt.replace(tzinfo=zone_info(tz)).timestamp()


def _parse_hhmm(raw: Any, name: str) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        if not isinstance(raw, str) or len(raw) != 5:
            raise ValueError
        dtime.fromisoformat(raw)
    except ValueError:
        raise ContentEditError(400, "invalid", f"{name} must be 'HH:MM'", name) from None
    return raw


def active_at(s: dict[str, Any], now: float, tz: str) -> bool:
    """Whether a schedule is in force at `now` (see the module docstring)."""
    if now < s["starts_ts"] or (s.get("ends_ts") is not None and now >= s["ends_ts"]):
        return False
    t = local(now, tz)
    if s.get("days") and t.isoweekday() not in s["days"]:
        return False
    hhmm = t.strftime("%H:%M")
    lo, hi = s.get("daily_from"), s.get("daily_to")
    if lo and hhmm < lo:
        return False
    return not (hi and hhmm >= hi)


class ContentEditor:
    def __init__(self, r: redis.Redis, keys: Keys, mall: Mall, watcher: ContentWatcher) -> None:
        self.r, self.keys, self.mall, self.watcher = r, keys, mall, watcher
        self.tz = mall.mall.timezone

    # -- validation and preview ----------------------------------------------------------
    def _zone(self, zone: str) -> None:
        if self.mall.zone(zone) is None:
            raise ContentEditError(404, "not_found", f"no zone {zone[:64]!r} in this mall", "zone")

    def validate(self, zone: str, overrides: Any) -> Content:
        """Load the content with `overrides` as the zone's file; the loaded content or a 400 naming the field."""
        self._zone(zone)
        if not isinstance(overrides, dict):
            raise ContentEditError(400, "invalid", "overrides must be an object (the zone file's fields)", "overrides")
        data = {**overrides, "zone": zone}
        with tempfile.TemporaryDirectory(prefix="content-") as tmp:
            root = Path(tmp) / "content"
            # not the dotfiles: a publish's temporary file (apply) may be gone by the time it would be copied
            shutil.copytree(self.watcher.root, root, ignore=shutil.ignore_patterns(".*"))
            path = root / "zones" / f"{zone}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                return load_content(self.mall, root)
            except ContentError as exc:
                raise _loaded_error(exc, path) from None

    def preview(self, zone: str, overrides: Any) -> dict[str, Any]:
        return self.validate(zone, overrides).zone_view(zone)

    # -- state -----------------------------------------------------------------------------
    def file_overrides(self, zone: str) -> dict[str, Any] | None:
        path = self.watcher.root / "zones" / f"{zone}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError:
            return None
        if isinstance(data, dict):
            data.pop("zone", None)
        return data

    def base(self, zone: str) -> dict[str, Any] | None:
        raw = self.r.get(self.keys.content_base(zone))
        return json.loads(raw) if raw else None

    def schedules(self, zone: str) -> list[dict[str, Any]]:
        items = [json.loads(v) for v in self.r.hgetall(self.keys.content_schedules(zone)).values()]
        return sorted(items, key=lambda s: (s["starts_ts"], s["id"]))

    def history(self, zone: str, limit: int = 50) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.r.lrange(self.keys.content_history(zone), 0, limit - 1)]

    def state(self, zone: str, now: float | None = None) -> dict[str, Any]:
        self._zone(zone)
        now = time.time() if now is None else now
        scheds = self.schedules(zone)
        winner = self._winner(scheds, now)
        return {"zone": zone, "managed": bool(self.r.sismember(self.keys.content_zones, zone)),
                "overrides": self.file_overrides(zone), "base": self.base(zone),
                "in_force": winner["id"] if winner else "base",
                "view": self.watcher.content.zone_view(zone),
                "schedules": [{**s, "active": active_at(s, now, self.tz)} for s in scheds],
                "history": self.history(zone), "catalog": self.catalog(zone), "timezone": self.tz}

    def catalog(self, zone: str) -> dict[str, Any]:
        """What an editor can pick from: every product of the zone's category and of its override file (a product
        left out of `featured` can be added back), the category's title, tagline and promotions (shown beside the
        zone's own unless `replace_promotions`)."""
        z = self.mall.zone(zone)
        assert z is not None
        cat = self.watcher.content.categories.get(z.category)
        products: dict[str, dict[str, Any]] = {}
        for p in cat.products if cat else []:
            products[p.id] = {"id": p.id, "name": p.name.model_dump(), "brand": p.brand, "price": p.price, "source": "category"}
        for over in (self.file_overrides(zone) or {}, self.base(zone) or {}):
            for p in over.get("products") or []:
                if isinstance(p, dict) and isinstance(p.get("id"), str):
                    products[p["id"]] = {"id": p["id"], "name": p.get("name"), "brand": p.get("brand"), "price": p.get("price"),
                                         "source": "zone"}
        return {"category": z.category, "title": cat.title.model_dump() if cat else None,
                "tagline": cat.tagline.model_dump() if cat and cat.tagline else None,
                "products": list(products.values()),
                "promotions": [p.model_dump(mode="json") for p in cat.promotions] if cat else []}

    # -- changes ---------------------------------------------------------------------------
    def _record(self, zone: str, entry: dict[str, Any]) -> dict[str, Any]:
        entry = {"id": int(self.r.incr(self.keys.content_seq)), "zone": zone, **entry}
        pipe = self.r.pipeline(transaction=True)
        pipe.lpush(self.keys.content_history(zone), json.dumps(entry))
        pipe.ltrim(self.keys.content_history(zone), 0, HISTORY_KEEP - 1)
        pipe.execute()
        return entry

    def _adopt(self, zone: str) -> None:
        """First change through the editor: what the file says now becomes the base."""
        if self.r.sadd(self.keys.content_zones, zone):
            self.r.set(self.keys.content_base(zone), json.dumps(self.file_overrides(zone) or {}), nx=True)

    def publish(self, zone: str, overrides: Any, by: str, note: str, now: float | None = None) -> dict[str, Any]:
        """Validate and make `overrides` the base now; a schedule in force keeps priority until it ends."""
        now = time.time() if now is None else now
        self.validate(zone, overrides)
        self._adopt(zone)
        previous = self.base(zone)
        self.r.set(self.keys.content_base(zone), json.dumps(overrides))
        entry = self._record(zone, {"ts": now, "by": by, "action": "publish", "note": note, "overrides": overrides,
                                    "previous": previous})
        self.apply(zone, now, by)
        return entry

    def revert(self, zone: str, entry_id: Any, by: str, now: float | None = None) -> dict[str, Any]:
        """Publish again the overrides a history entry recorded (a publish, a schedule or what was in force)."""
        self._zone(zone)
        entry = next((h for h in self.history(zone, HISTORY_KEEP) if str(h["id"]) == str(entry_id)), None)
        if entry is None or "overrides" not in entry:
            raise ContentEditError(404, "not_found", f"no history entry {str(entry_id)[:32]!r} with content for zone {zone}",
                                   "history_id")
        return self.publish(zone, entry["overrides"], by, f"revert to #{entry['id']}", now)

    def add_schedule(self, zone: str, body: dict[str, Any], by: str, now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now
        self.validate(zone, body.get("overrides"))
        starts = _parse_when(body.get("starts"), "starts", self.tz)
        ends = _parse_when(body["ends"], "ends", self.tz) if body.get("ends") not in (None, "") else None
        if ends is not None and ends <= starts:
            raise ContentEditError(400, "invalid", "ends must be after starts", "ends")
        if ends is not None and ends <= now:
            raise ContentEditError(400, "out_of_range", "ends is in the past: the schedule would never run", "ends")
        days = body.get("days") or []
        if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in days) \
                or len(set(days)) != len(days):
            raise ContentEditError(400, "invalid", "days must be distinct ISO weekdays 1 (Monday) … 7 (Sunday)", "days")
        lo, hi = _parse_hhmm(body.get("daily_from"), "daily_from"), _parse_hhmm(body.get("daily_to"), "daily_to")
        if lo and hi and hi <= lo:
            raise ContentEditError(400, "invalid", "daily_to must be after daily_from", "daily_to")
        if self.r.hlen(self.keys.content_schedules(zone)) >= MAX_SCHEDULES:
            raise ContentEditError(409, "too_many", f"at most {MAX_SCHEDULES} schedules per zone; delete one first", "zone")
        self._adopt(zone)
        sid = f"s{int(self.r.incr(self.keys.content_seq))}"
        sched = {"id": sid, "zone": zone, "overrides": body["overrides"], "note": note_text(body.get("note")), "by": by,
                 "created": now, "starts": body["starts"], "ends": body.get("ends") or None, "starts_ts": starts,
                 "ends_ts": ends, "days": sorted(days), "daily_from": lo, "daily_to": hi}
        self.r.hset(self.keys.content_schedules(zone), sid, json.dumps(sched))
        self._record(zone, {"ts": now, "by": by, "action": "schedule", "note": sched["note"], "schedule": sid,
                            "overrides": sched["overrides"], "when": _when(sched)})
        self.apply(zone, now, by)
        return sched

    def delete_schedule(self, zone: str, sid: str, by: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._zone(zone)
        if not self.r.hdel(self.keys.content_schedules(zone), sid):
            raise ContentEditError(404, "not_found", f"no schedule {sid[:32]!r} for zone {zone}", "schedule_id")
        self._record(zone, {"ts": now, "by": by, "action": "unschedule", "schedule": sid, "note": ""})
        self.apply(zone, now, by)

    # -- what is in force ------------------------------------------------------------------
    def _winner(self, scheds: list[dict[str, Any]], now: float) -> dict[str, Any] | None:
        live = [s for s in scheds if active_at(s, now, self.tz)]
        return max(live, key=lambda s: (s["starts_ts"], s["id"])) if live else None

    def apply(self, zone: str, now: float, by: str = "schedule") -> bool:
        """Write the zone file if what should be in force differs from it; True when written (and reloaded)."""
        scheds = self.schedules(zone)
        winner = self._winner(scheds, now)
        want = winner["overrides"] if winner else (self.base(zone) or {})
        if self.file_overrides(zone) == want:
            return False
        path = self.watcher.root / "zones" / f"{zone}.yaml"
        fd, tmp = tempfile.mkstemp(prefix=f".{zone}.", suffix=".yaml", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(HEADER + yaml.safe_dump({"zone": zone, **want}, allow_unicode=True, sort_keys=False))
        os.replace(tmp, path)
        self._record(zone, {"ts": now, "by": by, "action": "in_force", "note": "",
                            "schedule": winner["id"] if winner else None, "overrides": want})
        self.watcher.check()  # this process reloads and emits now; the others' watchers follow on their poll
        return True

    def tick(self, now: float | None = None) -> list[str]:
        """Once per publisher tick (one process): zones whose content changed because a schedule started or ended."""
        now = time.time() if now is None else now
        zones = sorted(self.r.smembers(self.keys.content_zones))
        for zone in zones:  # drop schedules that ended (they stay in the history)
            for s in self.schedules(zone):
                if s.get("ends_ts") is not None and now >= s["ends_ts"] + 86400:
                    self.r.hdel(self.keys.content_schedules(zone), s["id"])
        return [z for z in zones if self.apply(z, now)]


def note_text(raw: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > NOTE_MAX:
        raise ContentEditError(400, "invalid", f"note must be text of at most {NOTE_MAX} characters", "note")
    return raw.strip()


def _when(s: dict[str, Any]) -> str:
    days = "every day" if not s["days"] else "ISO weekdays " + ",".join(str(d) for d in s["days"])
    window = f", {s['daily_from'] or '00:00'}–{s['daily_to'] or '24:00'}" if s["daily_from"] or s["daily_to"] else ""
    return f"from {s['starts']}" + (f" to {s['ends']}" if s["ends"] else "") + f", {days}{window}"
