"""`make run`: make sure a Redis is there, create demo tokens and logins, then start the Procfile with honcho.

REDIS_URL wins when set; otherwise an embedded Valkey starts with its data under var/redis (AOF).
Each run starts from a clean demo state (DEMO_KEEP=1 keeps the previous one).  Options, as environment
variables of `make run`:

* ``SCENARIO`` (normal | subsidy-day | surge), ``DEMO_SCALE`` (traffic, default 1.0), ``DEMO_SEED``;
* ``DEMO_START`` ("HH:MM" mall time, e.g. 10:00 for opening): the demo mall's clock.  Events keep real
  timestamps, so the clock is set by giving the demo mall a fixed-offset time zone (``Etc/GMT...``)
  in which it is that hour now; by default the mall's own zone when it is open for at least another
  hour, else 12:00;
* ``DEMO_HISTORY_DAYS`` (default 7): past days back-filled into their real minutes.

Everything started here stops when you press Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from core.mall.loader import DEFAULT_MALL_FILE, load_mall
from server.settings import ROOT, VAR_DIR

DEMO_CAMERA = "cam-gaming-laptops-1"
FOOTAGE = ROOT.parent / "shared" / "data" / "PETS09-S2L1" / "PETS09-S2L1.mp4"
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
DEFAULT_DEMO_HOUR = 12
DEMO_LATE_EVENT_HOURS = 24 * 14  # back-filled days are older than the usual 24 h limit


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def zone_for_hour(hour: int, now: datetime | None = None) -> str:
    """A fixed-offset zone in which the local hour is ``hour`` right now (Etc/GMT-8 is UTC+8)."""
    now = now or datetime.now(UTC)
    off = (hour - now.astimezone(UTC).hour) % 24
    if off > 14:
        off -= 24
    return "Etc/UTC" if off == 0 else f"Etc/GMT{-off:+d}"


def demo_mall(base: Path, start: str | None, out_dir: Path, now: datetime | None = None) -> tuple[Path, str]:
    """The mall file the demo runs on, and a line saying what its clock shows."""
    mall = load_mall(base)
    now = now or datetime.now(UTC)
    local = now.astimezone(ZoneInfo(mall.mall.timezone))
    close = datetime.combine(local.date(), mall.mall.closing_time, tzinfo=local.tzinfo)
    if not start and mall.mall.opening_time <= local.time() and local + timedelta(hours=1) <= close:
        return base, f"mall time {local:%H:%M} ({mall.mall.timezone})"
    try:
        hour = int((start or f"{DEFAULT_DEMO_HOUR}:00").split(":")[0])
        if not 0 <= hour <= 23:
            raise ValueError
    except ValueError:
        raise SystemExit(f"error: DEMO_START must be HH:MM mall time, got {start!r}") from None
    tz = zone_for_hour(hour, now)
    data = yaml.safe_load(base.read_text())
    data["mall"]["timezone"] = tz
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "mall.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shown = now.astimezone(ZoneInfo(tz))
    return path, f"mall time {shown:%H:%M} (demo clock: {tz} stands in for {mall.mall.timezone})"


def clean_state(env: dict[str, str]) -> None:
    """Forget the previous demo: Redis data (embedded) or the prefix's keys (REDIS_URL), and the spools."""
    shutil.rmtree(VAR_DIR / "sim-spool", ignore_errors=True)
    if not env.get("REDIS_URL"):
        shutil.rmtree(VAR_DIR / "redis", ignore_errors=True)
        return
    import redis

    prefix = env.get("KEY_PREFIX", "mall:")
    r = redis.Redis.from_url(env["REDIS_URL"])
    n = 0
    for batch in _chunks(r.scan_iter(match=prefix + "*", count=1000), 1000):
        n += int(r.delete(*batch))
    print(f"clean demo state: {n} keys under {prefix!r} removed from {env['REDIS_URL']} (DEMO_KEEP=1 keeps them)")


def _chunks(it, n: int):  # type: ignore[no-untyped-def]
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


def _issue_api_token(svc, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(svc.api_tokens.issue(name))


def demo_content(where: Path, keep: bool) -> Path:
    """Kiosk content the demo's managers may edit: a copy under var/, so edits never touch the tracked files."""
    import shutil

    from server.kiosk.content import DEFAULT_CONTENT_DIR

    if where.exists() and not keep:
        shutil.rmtree(where)
    if not where.exists():
        shutil.copytree(DEFAULT_CONTENT_DIR, where)
    return where


def enrol_demo_kiosks(svc, out: Path, base_url: str, keep: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """One enrolled kiosk per zone (`<zone>-k1`); returns zone → the link to open once on that kiosk's device.

    The links are also written to `out/kiosk_links.txt` (git-ignored, 0600). With DEMO_KEEP=1 a kiosk whose saved
    secret is still enrolled keeps it, so devices already set up keep working; otherwise it is enrolled afresh."""
    import json

    from server.kiosk.enrol import KioskEnrolment
    from server.kiosk.enrol_api import enrol_link

    enrolment = KioskEnrolment(svc.redis, svc.keys, svc.mall)
    saved_file = out / "kiosk_secrets.json"
    saved = json.loads(saved_file.read_text()) if keep and saved_file.exists() else {}
    secrets, links = {}, {}
    for zone in svc.mall.zones:
        kiosk = f"{zone.id}-k1"
        who = enrolment.kiosk_for(saved.get(kiosk))
        secret = saved[kiosk] if who is not None and who.kiosk == kiosk and who.zone == zone.id \
            else enrolment.enrol(kiosk, zone.id, by="demo")
        secrets[kiosk] = secret
        links[zone.id] = base_url + enrol_link(zone.id, kiosk, secret)
    out.mkdir(parents=True, exist_ok=True)
    for path, text in ((saved_file, json.dumps(secrets, indent=1)),
                       (out / "kiosk_links.txt", "".join(f"{z}\t{link}\n" for z, link in links.items()))):
        path.write_text(text)
        os.chmod(path, 0o600)
    return links


def kiosk_banner(links: dict[str, str], out: Path) -> list[str]:
    """The banner's kiosk block: every demo kiosk's enrolment link (a plain /kiosk/<zone> is read-only)."""
    width = max((len(z) for z in links), default=0)
    return ["  Kiosk enrolment links (open one once on each kiosk device; a plain /kiosk/<zone> is read-only,",
            f"  without 'call staff'; the same list is in {out / 'kiosk_links.txt'}):",
            *(f"    {z:<{width}}  {link}" for z, link in links.items())]


def sim_args(env: dict[str, str], api_token_file: Path, mall_file: Path) -> list[str]:
    args = ["--mall", str(mall_file), "--api-token-file", str(api_token_file),
            "--scenario", env.get("SCENARIO", "normal"), "--scale", env.get("DEMO_SCALE", "1.0"),
            "--seed", env.get("DEMO_SEED", "0"), "--history-days", env.get("DEMO_HISTORY_DAYS", "7")]
    return args


def main() -> int:
    from server.redis_server import free_port, start

    env = dict(os.environ)
    keep = env.get("DEMO_KEEP") == "1"
    if not keep:
        clean_state(env)
    redis_proc = None
    if not env.get("REDIS_URL"):
        port = 6390 if _port_free(6390) else free_port()
        redis_proc = start(port, VAR_DIR / "redis", durable=True, log_file=VAR_DIR / "redis.log")
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        print(f"embedded Valkey (real Redis server) on port {port}, data in {VAR_DIR / 'redis'}")
    web_port = int(env.get("PORT", "5000"))
    if not _port_free(web_port):
        print(f"error: PORT {web_port} is in use; set PORT=... to another port", file=sys.stderr)
        return 2
    base = Path(env["MALL_CONFIG"]) if env.get("MALL_CONFIG") else DEFAULT_MALL_FILE
    mall_file, clock = demo_mall(base, env.get("DEMO_START"), VAR_DIR / "demo")
    env.update(WEB_PORT=str(web_port), MALL_CONFIG=str(mall_file))
    if not env.get("INGEST_PORT"):  # the camera-only process (the replayed clip's camera posts there)
        env["INGEST_PORT"] = str(web_port + 1 if _port_free(web_port + 1) else free_port())
    env.setdefault("LATE_EVENT_HOURS", str(DEMO_LATE_EVENT_HOURS))
    if not env.get("KIOSK_CONTENT_DIR"):
        env["KIOSK_CONTENT_DIR"] = str(demo_content(VAR_DIR / "demo" / "content", keep))
    os.environ.update(env)

    from server import build_services
    from server.cli import setup_demo
    from server.settings import Settings

    settings = Settings()
    svc = build_services(settings, load_mall(settings.mall_file))
    creds = setup_demo(svc, VAR_DIR / "demo")
    api_token_file = VAR_DIR / "demo" / "simulator_api_token"
    api_token_file.write_text(_issue_api_token(svc, "demo-simulator"))
    os.chmod(api_token_file, 0o600)
    processes = ["web", "ingest", "simulator"]
    args = sim_args(env, api_token_file, mall_file)
    video = FOOTAGE if FOOTAGE.exists() else VTEST if VTEST.exists() else None
    if video is not None:
        env.update(DEMO_CAMERA=DEMO_CAMERA, DEMO_VIDEO=str(video))
        args += ["--skip", DEMO_CAMERA]
        processes.append("camera")
    env["SIM_ARGS"] = " ".join(args)
    url = f"http://127.0.0.1:{web_port}"
    links = enrol_demo_kiosks(svc, VAR_DIR / "demo", url, keep)
    print("\n".join([
        "",
        *kiosk_banner(links, VAR_DIR / "demo"),
        "",
        f"  Kiosks:   {url}/kiosk/          (one page per zone, read-only until enrolled: use a link above)",
        f"  Manager:  {url}/manager         login: manager / {creds['manager']}   (staff / {creds['staff']})",
        f"  Camera:   {'replaying ' + str(video) + ' as ' + DEMO_CAMERA if video else 'no footage found; simulator only'}"
        f"{'' if not video else ', posting to the camera-only process on port ' + env['INGEST_PORT']}",
        f"  Demo:     {env.get('SCENARIO', 'normal')}, {clock}, "
        f"{'previous state kept' if keep else 'clean state'}, {env.get('DEMO_HISTORY_DAYS', '7')} past days back-filled",
        "  Stop with Ctrl-C.",
        "",
    ]))
    honcho = [sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT), "-p", str(web_port), *processes]
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.Popen(honcho, env=env, cwd=ROOT)
    signal.signal(signal.SIGTERM, lambda *_: proc.send_signal(signal.SIGTERM))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(10)


if __name__ == "__main__":
    sys.exit(main())
