"""Real components only: a real Redis-protocol server (embedded Valkey) and real server processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from server.redis_server import free_port, start

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PETS = SHARED / "data" / "PETS09-S2L1"
TEST_SECRET = "test-secret-key-not-used-anywhere-else"


# Tests whose assertions are about time or load (latency, gaps, counts in a cut-off minute, a live forecast,
# a measured detector cost): `make test` runs them alone after the parallel part (pytest -n 2 -m "not serial").
SERIAL = ("tests/reliability/test_live_load.py", "tests/reliability/test_faults.py", "tests/reliability/test_write_once.py",
          "tests/reliability/test_slow_clients.py", "tests/staffing/test_live_demo.py", "tests/live/test_rooms.py",
          "tests/camera/test_run.py", "tests/camera/test_capture.py", "tests/camera/test_stride.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(str(item.path).endswith(m) for m in SERIAL):
            item.add_marker(pytest.mark.serial)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server for the test session on a free port (nothing on disk)."""
    port = free_port()
    proc = start(port, tmp_path_factory.mktemp("redis"), durable=False)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def r(redis_url: str) -> redis.Redis:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    return client


def server_env(redis_url: str, port: int, prefix: str = "t:", **extra: str) -> dict[str, str]:
    env = dict(os.environ, REDIS_URL=redis_url, PORT=str(port), KEY_PREFIX=prefix, SECRET_KEY=TEST_SECRET,
               LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class ServerProcess:
    """`python -m server` (or another server module) in its own process, reached over the network like a real
    client would."""

    def __init__(self, redis_url: str, prefix: str = "t:", port: int | None = None, module: str = "server",
                 **extra: str) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(redis_url, self.port, prefix, **extra)
        self.module = module
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen([sys.executable, "-m", self.module], cwd=ROOT, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + (self.proc.stderr.read().decode() if self.proc.stderr else ""))
            try:
                if requests.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def ingest_process(redis_url: str, prefix: str = "t:", **extra: str) -> ServerProcess:
    """`python -m server.ingest` (the camera-only process, granian) on a free port, not yet started."""
    port = free_port()
    return ServerProcess(redis_url, prefix, port, module="server.ingest", INGEST_PORT=str(port), **extra)


@pytest.fixture(scope="session")
def server(redis_url: str) -> Iterator[ServerProcess]:
    s = ServerProcess(redis_url).start()
    yield s
    s.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One real Chromium for a test module; each test opens its own context (tests/browser.py `open_page`)."""
    from tests.browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def live(server: ServerProcess, r: redis.Redis) -> ServerProcess:
    """The session's server with an empty Redis."""
    return server


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own: no other test and no server's background engine writes under it."""
    return f"u{uuid.uuid4().hex[:10]}:"


@pytest.fixture
def make_app(redis_url: str, r: redis.Redis, prefix: str):  # type: ignore[no-untyped-def]
    """Build an in-process app on the real Redis (no background threads) under the test's own prefix;
    keyword arguments override Settings fields."""
    from server import create_app
    from server.settings import Settings

    def build(mall=None, **overrides):  # type: ignore[no-untyped-def]
        settings = Settings(redis_url=redis_url, key_prefix=prefix, secret_key=TEST_SECRET, message_queue=False, **overrides)
        application = create_app(settings, mall)
        application.config["TESTING"] = True
        return application

    return build


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    """The in-process app with default settings."""
    return make_app()


@pytest.fixture
def svc(app):  # type: ignore[no-untyped-def]
    """The in-process app's services (what its features were built with)."""
    return app.extensions["services"]


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def tokens(r: redis.Redis):  # type: ignore[no-untyped-def]
    """Issue camera tokens for the session server (prefix t:), as `flask cameras add` does.
    In-process tests use their app's own: `svc.camera_tokens`."""
    from server.ingest.tokens import CameraTokens
    from server.store.keys import Keys

    return CameraTokens(r, Keys("t:"))


def make_user(r: redis.Redis, username: str = "boss", role: str = "manager", password: str = "correct-horse-1",
              prefix: str = "t:") -> tuple[str, str]:
    """A login on the session server (prefix t:) or, with the app's prefix, on the in-process app."""
    from server.auth.users import Users
    from server.store.keys import Keys

    Users(r, Keys(prefix)).create(username, password, role, username.title(), replace=True)
    return username, password


def login(base_url: str, username: str, password: str) -> requests.Session:
    s = requests.Session()
    resp = s.post(base_url + "/login", data={"username": username, "password": password}, allow_redirects=False, timeout=5)
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"], resp.headers.get("Location")
    return s
