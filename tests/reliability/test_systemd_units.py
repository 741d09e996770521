"""The production units in deploy/systemd pass `systemd-analyze verify` (syntax, known keys, executables) and
every process is restarted when it dies."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from server.redis_server import server_binary
from tests.conftest import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTANCE = {"mall-web@.service": "mall-web@5001.service", "mall-camera@.service": "mall-camera@cam-fridges-1.service"}


def _analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd; make system-deps installs it)")
    return tool


def _render(unit: Path, out: Path) -> Path:
    """The unit as installed with the checkout at ROOT instead of /opt/mall and this machine's Redis binary."""
    text = unit.read_text().replace("/opt/mall", str(ROOT)).replace("/usr/bin/redis-server", server_binary())
    target = out / INSTANCE.get(unit.name, unit.name)
    target.write_text(text)
    return target


def _verify(paths: list[Path]) -> tuple[int, list[str]]:
    res = subprocess.run([_analyze(), "verify", *map(str, paths)], check=False, capture_output=True, text=True, timeout=60)
    mine = [ln for ln in (res.stdout + res.stderr).splitlines() if any(p.name in ln or str(p.parent) in ln for p in paths)]
    return res.returncode, mine


def _units() -> list[Path]:
    return sorted(p for p in UNITS.iterdir() if p.suffix in (".service", ".target"))


def test_units_verify_clean(tmp_path: Path) -> None:
    units = _units()
    assert {u.name for u in units} >= {"mall-web@.service", "mall-camera@.service", "mall-redis.service", "mall.target"}
    rc, complaints = _verify([_render(u, tmp_path) for u in units])
    assert rc == 0 and complaints == [], "\n".join(complaints)


def test_every_process_restarts_and_web_instances_have_their_own_control_socket() -> None:
    for unit in _units():
        if unit.suffix != ".service":
            continue
        cfg = configparser.ConfigParser(strict=False, interpolation=None)
        cfg.read_string(unit.read_text())
        assert cfg["Service"].get("Restart") in ("always", "on-failure"), unit.name
        assert cfg["Service"].get("ExecStart"), unit.name
    web = (UNITS / "mall-web@.service").read_text()
    assert "--control-socket /run/mall-web-%i/" in web and "RuntimeDirectory=mall-web-%i" in web


def test_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    """The check above is not vacuous: a bad Restart= value and a missing executable are reported."""
    bad = tmp_path / "broken.service"
    bad.write_text("[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\nRestart=sometimes\n")
    assert _verify([bad])[1]
    missing = tmp_path / "missing.service"
    missing.write_text("[Unit]\nDescription=x\n[Service]\nExecStart=/nonexistent/bin/x\nRestart=always\n")
    rc, complaints = _verify([missing])
    assert rc != 0 or complaints


def test_procfile_web_has_a_control_socket_per_instance() -> None:
    web = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("web:"))
    assert "--control-socket var/gunicorn-$PORT.ctl" in web  # not gunicorn's one default path per user
