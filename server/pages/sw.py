"""The kiosk service worker, assembled from the files it caches.

`kiosk_static/kiosk/sw.js` holds the worker's logic; this module puts in front of it the list of files to
precache (every file under `kiosk_static/kiosk` and `kiosk_static/common` plus the vendor modules they import)
and a cache name made from their content hash. Nobody keeps either by hand, and any edited file reaches
the kiosks as a fresh cache on their next visit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

STATIC_ROOT_DIRS = ("kiosk", "common")
WORKER = Path("kiosk") / "sw.js"


def assets(static_root: Path, vendor: dict[str, Path]) -> list[tuple[str, Path]]:
    """(URL, file) of everything a kiosk page loads from this server, sorted, the worker itself excluded."""
    out = []
    for top in STATIC_ROOT_DIRS:
        for path in sorted((static_root / top).rglob("*")):
            rel = path.relative_to(static_root)
            if path.is_file() and rel != WORKER and not path.name.startswith("."):
                out.append(("/static/" + rel.as_posix(), path))
    out += [("/vendor/" + name, path) for name, path in sorted(vendor.items())]
    return out


def worker_source(static_root: Path, vendor: dict[str, Path]) -> str:
    """sw.js with ASSETS and STATIC (cache name = hash of every asset's URL and bytes, and of the worker)."""
    files = assets(static_root, vendor)
    body = (static_root / WORKER).read_text(encoding="utf-8")
    digest = hashlib.sha256(body.encode())
    for url, path in files:
        digest.update(url.encode() + b"\0" + path.read_bytes() + b"\0")
    urls = [url for url, _ in files]
    return ('"use strict";\n'
            f"const ASSETS = {json.dumps(urls)};\n"
            f'const STATIC = "kiosk-static-{digest.hexdigest()[:16]}";\n' + body)
