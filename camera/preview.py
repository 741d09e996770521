"""`--preview PORT`: an annotated MJPEG stream on 127.0.0.1 only, off by default.

Frames never leave the node: the server binds to loopback, so only someone on the camera box can watch.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np


class Preview:
    def __init__(self, port: int) -> None:
        self._jpeg: bytes | None = None
        self._lock = threading.Lock()
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    while True:
                        with preview._lock:
                            jpeg = preview._jpeg
                        if jpeg:
                            self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + jpeg + b"\r\n")
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    return

            def log_message(self, *_: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True, name="preview").start()

    def show(self, frame: np.ndarray, tracks: list[tuple[int, np.ndarray]], line_px: tuple[tuple[int, int], tuple[int, int]],
             counts: dict[str, int]) -> None:
        """Draw the line, each tracked box with its id, and the counts; keep the JPEG for the stream."""
        img = frame.copy()
        cv2.line(img, line_px[0], line_px[1], (0, 200, 255), 2)
        for tid, b in tracks:
            x1, y1, x2, y2 = (int(v) for v in b[:4])
            cv2.rectangle(img, (x1, y1), (x2, y2), (80, 220, 80), 2)
            cv2.putText(img, f"#{tid}", (x1, max(12, y1 - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (80, 220, 80), 1)
        label = f"in {counts.get('in', 0)}  out {counts.get('out', 0)}"
        cv2.putText(img, label, (12, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2)
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
        if ok:
            with self._lock:
                self._jpeg = buf.tobytes()

    def close(self) -> None:
        self.server.shutdown()
