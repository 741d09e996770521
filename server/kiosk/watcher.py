"""Live content reload: poll the content files' mtimes; on a change, validate and emit `content` to the rooms
of the zones whose merged content changed. An invalid edit is logged and the running content kept."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.mall.schema import Mall
from server.kiosk.content import Content, ContentError, content_files, load_content

log = logging.getLogger(__name__)


class ContentWatcher:
    def __init__(self, mall: Mall, root: Path, content: Content, emit: Callable[[str, dict[str, Any]], None],
                 interval: float = 1.0) -> None:
        self.mall, self.root, self.content, self.emit = mall, Path(root), content, emit
        self.interval = interval
        self.last_error: str | None = None
        self._stamp = self._mtimes()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _mtimes(self) -> tuple[tuple[str, int, int], ...]:
        out = []
        for p in content_files(self.root):
            try:
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(p), -1, -1))
        return tuple(out)

    def check(self) -> list[str]:
        """One poll; returns the zones whose content changed (and were emitted)."""
        stamp = self._mtimes()
        if stamp == self._stamp:
            return []
        self._stamp = stamp
        try:
            new = load_content(self.mall, self.root)
        except ContentError as exc:
            self.last_error = str(exc)
            log.warning("kiosk content not reloaded, keeping the previous content: %s", exc)
            return []
        self.last_error = None
        old, self.content = self.content, new
        changed = [z for z, v in new.versions.items() if old.versions.get(z) != v or old.subsidy != new.subsidy]
        for z in changed:
            self.emit(z, new.zone_view(z))
        if changed:
            log.info("kiosk content reloaded: %d zones changed", len(changed))
        return changed

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-content", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:
                log.exception("kiosk content watcher failed; will retry")
