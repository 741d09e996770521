"""Durable local queue of count events (SQLite): an event stays until the server acknowledges it.

Every event is committed to disk before it is sent, and its sequence number is assigned in the same
transaction, so a crash can only cause a resend, which the server recognises by (stream, seq).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

from core.wire import CountEvent


class Spool:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an acknowledged append survives a power cut
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, time REAL NOT NULL,
                cin INTEGER NOT NULL, cout INTEGER NOT NULL, occupancy INTEGER);
            CREATE TABLE IF NOT EXISTS dead (seq INTEGER PRIMARY KEY, time REAL NOT NULL,
                cin INTEGER NOT NULL, cout INTEGER NOT NULL, occupancy INTEGER, reason TEXT NOT NULL);
            """
        )
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('stream', ?)", (uuid.uuid4().hex,))
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('last_seq', '0')")
            self._db.execute("COMMIT")

    @property
    def stream(self) -> str:
        """Random id of this spool: a reinstalled camera starts a new sequence the server keeps apart."""
        return str(self._db.execute("SELECT value FROM meta WHERE key='stream'").fetchone()[0])

    def append(self, time: float, count_in: int, count_out: int, occupancy: int | None = None) -> int:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = int(self._db.execute("SELECT value FROM meta WHERE key='last_seq'").fetchone()[0]) + 1
                self._db.execute("UPDATE meta SET value=? WHERE key='last_seq'", (str(seq),))
                self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (seq, time, count_in, count_out, occupancy))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return seq

    def pending(self, limit: int) -> list[CountEvent]:
        with self._lock:
            rows = self._db.execute("SELECT seq, time, cin, cout, occupancy FROM events ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [CountEvent.of(*row) for row in rows]

    def ack(self, seqs: list[int]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM events WHERE seq=?", [(s,) for s in seqs])

    def quarantine(self, seq: int, reason: str) -> None:
        """Keep an event the server refuses (e.g. too old) aside, so it never blocks the queue and is not lost."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO dead SELECT seq, time, cin, cout, occupancy, ? FROM events WHERE seq=?", (reason, seq))
            self._db.execute("DELETE FROM events WHERE seq=?", (seq,))
            self._db.execute("COMMIT")

    def last_seq(self) -> int:
        """The highest seq ever assigned (acknowledged or not)."""
        with self._lock:
            return int(self._db.execute("SELECT value FROM meta WHERE key='last_seq'").fetchone()[0])

    def depth(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def dead_letters(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM dead").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
