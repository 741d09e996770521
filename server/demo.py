"""`make run`: make sure a Redis is there, create demo tokens and logins, then start the Procfile with honcho.

REDIS_URL wins when set; otherwise an embedded Valkey starts with its data under var/redis (AOF).
Everything started here stops when you press Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from server.settings import ROOT, VAR_DIR

DEMO_CAMERA = "cam-gaming-laptops-1"
FOOTAGE = ROOT.parent / "shared" / "data" / "PETS09-S2L1" / "PETS09-S2L1.mp4"
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def main() -> int:
    from server.redis_server import free_port, start

    env = dict(os.environ)
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
    env["WEB_PORT"] = str(web_port)
    os.environ.update(env)

    from server import create_app
    from server.cli import setup_demo

    app = create_app()
    creds = setup_demo(app, VAR_DIR / "demo")
    processes = ["web", "simulator"]
    video = FOOTAGE if FOOTAGE.exists() else VTEST if VTEST.exists() else None
    if video is not None:
        env.update(DEMO_CAMERA=DEMO_CAMERA, DEMO_VIDEO=str(video), SIM_ARGS=f"--skip {DEMO_CAMERA}")
        processes.append("camera")
    else:
        env["SIM_ARGS"] = ""
    base = f"http://127.0.0.1:{web_port}"
    print("\n".join([
        "",
        f"  Kiosks:   {base}/kiosk/          (one page per zone, e.g. {base}/kiosk/tv-theatre-85)",
        f"  Manager:  {base}/manager         login: manager / {creds['manager']}   (staff / {creds['staff']})",
        f"  Camera:   {'replaying ' + str(video) + ' as ' + DEMO_CAMERA if video else 'no footage found; simulator only'}",
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
