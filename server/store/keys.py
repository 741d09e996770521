"""Every Redis key name in one place, all under a configurable prefix."""

from __future__ import annotations

from dataclasses import dataclass

MINUTE_TTL_SECONDS = 15 * 86400  # minute buckets kept 14 days (+1 day margin)
HOUR_TTL_SECONDS = 2 * 366 * 86400 + 86400  # hour buckets kept 2 years
STREAM_TTL_SECONDS = 30 * 86400  # dedup state of a camera stream idle for 30 days


@dataclass(frozen=True)
class Keys:
    prefix: str

    # live state
    @property
    def occupancy(self) -> str:
        return f"{self.prefix}occ"

    @property
    def occupancy_day(self) -> str:
        return f"{self.prefix}occ:day"

    @property
    def occupancy_observed(self) -> str:
        return f"{self.prefix}occ:obs"

    @property
    def corrections(self) -> str:
        return f"{self.prefix}corrections"

    @property
    def correction_counts(self) -> str:
        return f"{self.prefix}corrections:count"

    @property
    def quarantine(self) -> str:
        """List (newest first, capped) of camera events held back as implausible, with the reason."""
        return f"{self.prefix}quarantine"

    # cameras
    @property
    def camera_tokens(self) -> str:
        return f"{self.prefix}cam:tokens"

    @property
    def api_tokens(self) -> str:
        return f"{self.prefix}api:tokens"

    @property
    def heartbeats(self) -> str:
        return f"{self.prefix}cam:hb"

    @property
    def camera_streams(self) -> str:
        return f"{self.prefix}cam:streams"

    def stream_state(self, camera: str, stream: str) -> str:
        return f"{self.prefix}cam:{camera}:s:{stream}"

    def stream_pending(self, camera: str, stream: str) -> str:
        return f"{self.prefix}cam:{camera}:s:{stream}:pending"

    def gaps(self, camera: str) -> str:
        return f"{self.prefix}cam:{camera}:gaps"

    # time buckets (local mall time)
    def minute(self, area: str, hour_stamp: str) -> str:
        """Hash of one hour's minutes: fields i00..i59 / o00..o59 (stays a compact listpack)."""
        return f"{self.prefix}m:{area}:{hour_stamp}"

    def hour(self, area: str, day_stamp: str) -> str:
        """Hash of one day's hours: fields i00..i23 / o00..o23."""
        return f"{self.prefix}h:{area}:{day_stamp}"

    # people
    @property
    def users(self) -> str:
        return f"{self.prefix}users"

    def session(self, digest: str) -> str:
        """A live login session (value: username; TTL: the session lifetime), by the hash of its cookie id."""
        return f"{self.prefix}sess:{digest}"

    def user_sessions(self, username: str) -> str:
        """Set of a user's live session hashes, so a password change or removal can end them all."""
        return f"{self.prefix}sess:user:{username}"

    def login_throttle(self, scope: str) -> str:
        """Failed logins in one scope (ip:<addr>, pair:<addr>:<user>, acct:<user>, dev:<device>:<user>);
        the scope's lock is the same key + ':lock'."""
        return f"{self.prefix}login:fail:{scope}"

    # misc
    @property
    def stats(self) -> str:
        return f"{self.prefix}stats"

    @property
    def tick_lock(self) -> str:
        """Held for one tick by the one process that runs the periodic jobs (reset, camera changes, alerts)."""
        return f"{self.prefix}lock:tick"

    @property
    def socketio_channel(self) -> str:
        """Pub/sub channel of the Flask-SocketIO message queue shared by every web process."""
        return f"{self.prefix}socketio"

    # staffing engine (server/staffing/)
    @property
    def staffing_leader(self) -> str:
        return f"{self.prefix}staffing:leader"

    @property
    def staffing_current(self) -> str:
        """The current suggestion (JSON)."""
        return f"{self.prefix}staffing:current"

    @property
    def staffing_counters(self) -> str:
        """Hash counter id → JSON {state, since, by, reason}."""
        return f"{self.prefix}staffing:counters"

    @property
    def staffing_audit(self) -> str:
        """List (newest first, capped) of counter changes."""
        return f"{self.prefix}staffing:audit"

    @property
    def staffing_advisor(self) -> str:
        """The advisor's hysteresis state (JSON), so a new leader continues where the old one stopped."""
        return f"{self.prefix}staffing:advisor"

    @property
    def staffing_init(self) -> str:
        """Set once when the counters get their initial state."""
        return f"{self.prefix}staffing:init"

    @property
    def staffing_calibration(self) -> str:
        """The last good calibration (JSON): stands in when a new fit is rejected."""
        return f"{self.prefix}staffing:calibration"

    def staffing_forecast_log(self, utc_day: int) -> str:
        """Hash minute (epoch s) -> the arrival rate forecast for now at that minute, for forecast vs actual."""
        return f"{self.prefix}staffing:fclog:{utc_day}"

    # checkout transactions feed (server/checkout/)
    def checkout_transactions(self, utc_day: int) -> str:
        """Hash "counter:minute" -> "transactions|busy seconds" for one UTC day (kept like minute buckets)."""
        return f"{self.prefix}tx:{utc_day}"

    def checkout_transaction_totals(self, utc_day: int) -> str:
        """Hash t<minute> / b<minute> -> the mall's transactions / busy counter-seconds in that minute."""
        return f"{self.prefix}txm:{utc_day}"

    # kiosks (server/kiosk) and assistance requests (server/assist)
    @property
    def kiosk_heartbeats(self) -> str:
        """Hash kiosk id → JSON {zone, ts, version}."""
        return f"{self.prefix}kiosk:hb"

    @property
    def kiosk_enrolled(self) -> str:
        """Hash kiosk id → JSON {zone, hash of its secret, enrolled_at, by} (server/kiosk/enrol.py)."""
        return f"{self.prefix}kiosk:enrolled"

    @property
    def kiosk_secrets(self) -> str:
        """Hash SHA-256 of a kiosk secret → kiosk id."""
        return f"{self.prefix}kiosk:secrets"

    def assist_global(self, minute: int) -> str:
        """Assistance requests mall-wide in one minute (global rate limit); expires after two minutes."""
        return f"{self.prefix}assist:global:{minute}"

    def kiosk_engagement(self, day: str, zone: str) -> str:
        """Hash of one zone's engagement counters for a local day: sessions, session_ms, tap:<feature>."""
        return f"{self.prefix}kiosk:eng:{day}:{zone}"

    def kiosk_engagement_days(self, day: str) -> str:
        """Set of zones with engagement on a day (so reads need no SCAN)."""
        return f"{self.prefix}kiosk:eng:{day}:zones"

    @property
    def assist_seq(self) -> str:
        return f"{self.prefix}assist:seq"

    def assist_request(self, req_id: str) -> str:
        """Hash of one assistance request (the fields of the API object)."""
        return f"{self.prefix}assist:req:{req_id}"

    @property
    def assist_open(self) -> str:
        """Sorted set of open (sent or acknowledged) request ids by creation time."""
        return f"{self.prefix}assist:open"

    @property
    def assist_all(self) -> str:
        """Sorted set of recent request ids by creation time (trimmed)."""
        return f"{self.prefix}assist:all"

    def assist_kiosk_open(self, kiosk: str) -> str:
        """The id of a kiosk's open request, if any."""
        return f"{self.prefix}assist:kiosk:{kiosk}:open"

    def assist_kiosk_window(self, kiosk: str) -> str:
        """Sorted set of a kiosk's request ids by creation time over the last hour (the hourly cap)."""
        return f"{self.prefix}assist:kiosk:{kiosk}:hour"

    def assist_kiosk_latest(self, kiosk: str) -> str:
        """The id of a kiosk's latest request, kept a day for resync after a reconnect."""
        return f"{self.prefix}assist:kiosk:{kiosk}:latest"

    # manager page: alerts and staffing decisions (server/manager/)
    @property
    def alerts_active(self) -> str:
        """Hash alert id → JSON of the alerts whose condition still holds (or, for drift, not yet acknowledged)."""
        return f"{self.prefix}alerts:active"

    @property
    def alerts_history(self) -> str:
        """List (newest first, capped) of ended alerts: raised, acknowledged by whom, cleared."""
        return f"{self.prefix}alerts:history"

    @property
    def alerts_corrections_seen(self) -> str:
        """Timestamp of the newest occupancy correction the alert engine has looked at."""
        return f"{self.prefix}alerts:corr_seen"

    @property
    def staffing_decisions(self) -> str:
        """List (newest first, capped) of accepted and dismissed staffing suggestions."""
        return f"{self.prefix}staffing:decisions"

    @property
    def staffing_dismissed(self) -> str:
        """The suggestion last dismissed (JSON), so every manager screen hides it until it changes."""
        return f"{self.prefix}staffing:dismissed"

    # kiosk content edited from the manager page (server/manager/content_edit.py)
    @property
    def content_zones(self) -> str:
        """Set of zones whose content file the editor manages (so the scheduler needs no SCAN)."""
        return f"{self.prefix}content:zones"

    @property
    def content_seq(self) -> str:
        """Counter for history entry and schedule ids."""
        return f"{self.prefix}content:seq"

    def content_base(self, zone: str) -> str:
        """JSON of a zone's published overrides: what is in force when no schedule is."""
        return f"{self.prefix}content:base:{zone}"

    def content_schedules(self, zone: str) -> str:
        """Hash schedule id → JSON {overrides, starts, ends, days, daily_from, daily_to, ...}."""
        return f"{self.prefix}content:sched:{zone}"

    def content_history(self, zone: str) -> str:
        """List (newest first, capped) of a zone's content changes: publish, schedule, unschedule, in_force."""
        return f"{self.prefix}content:hist:{zone}"

    def kiosk_content_emit(self, version: str) -> str:
        """Set NX by the one web process that emits a content change (others skip it)."""
        return f"{self.prefix}kiosk:content:emit:{version}"
