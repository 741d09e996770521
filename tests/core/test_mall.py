"""The mall file is validated at start-up; a bad one stops start-up with one message naming file, field and problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.mall.loader import DEFAULT_MALL_FILE, MallConfigError, load_mall
from tests.conftest import ROOT


def test_default_mall_is_a_60000_m2_three_floor_experience_mall() -> None:
    mall = load_mall()
    assert mall.mall.area_m2 == 60000 and len(mall.floors) == 3
    assert len(mall.zones) >= 52 and len(mall.checkout.counters) >= 10
    assert {z.floor for z in mall.zones} == {1, 2, 3}
    names = " ".join(z.name_en.lower() for z in mall.zones)
    for category in ("85-inch", "gaming laptops", "laundry", "air-conditioning", "smart kitchen", "phones",
                     "cameras", "household paper", "hotpot and cold-chain"):
        assert category.replace(" and ", " & ") in names or category in names, category
    assert all(z.name_zh and z.capacity > 0 and len(z.polygon) >= 3 for z in mall.zones)
    assert sum(z.area_m2 for z in mall.zones) < mall.mall.area_m2
    zone_ids = {z.id for z in mall.zones}
    assert all(c.zone in zone_ids or c.entrance for c in mall.cameras)
    assert {c.zone for c in mall.cameras if c.zone} == zone_ids  # every zone has at least one camera
    assert mall.entrances and any(c.entrance for c in mall.cameras)


def _bad(tmp_path: Path, mutate) -> str:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_MALL_FILE.read_text())
    mutate(data)
    p = tmp_path / "mall.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(MallConfigError) as exc:
        load_mall(p)
    msg = str(exc.value)
    assert msg.startswith(str(p) + ": "), msg
    return msg


def test_errors_name_the_file_the_field_and_the_problem(tmp_path: Path) -> None:
    cases = [
        (lambda d: d["zones"][3].update(capacity=-5), "zones[3].capacity", "greater than 0"),
        (lambda d: d["zones"][0].pop("name_zh"), "zones[0].name_zh", "required"),
        (lambda d: d["zones"][1].update(id="Bad Id!"), "zones[1].id", "pattern"),
        (lambda d: d["zones"][2].update(polygon=[[0, 0], [1, 1]]), "zones[2].polygon", "at least 3"),
        (lambda d: d["zones"][2].update(floor=9), "zones[2].floor", "floor 9"),
        (lambda d: d["zones"][5].update(id=d["zones"][4]["id"]), "zones[5].id", "duplicate"),
        (lambda d: d["cameras"][0].update(zone="nowhere"), "cameras[0].zone", "unknown zone"),
        (lambda d: d["cameras"][1].update(line=[[0.5, 0.0], [1.7, 1.0]]), "cameras[1].line", "normalised"),
        (lambda d: d["cameras"][2].update(in_side="up"), "cameras[2].in_side", "left"),
        (lambda d: d["checkout"].update(service_seconds=-3), "checkout.service_seconds", "greater than 0"),
        (lambda d: d["checkout"].update(min_open=12, max_open=4), "checkout", "min_open"),
        (lambda d: d["checkout"].update(max_open=99), "checkout", "above the 16 counters"),
        (lambda d: d["mall"].update(timezone="Mars/Olympus"), "mall.timezone", "unknown time zone"),
        (lambda d: d["zones"][0].update(colour="red"), "zones[0].colour", "Extra inputs"),
    ]
    for mutate, field, problem in cases:
        msg = _bad(tmp_path, mutate)
        assert f": {field}: " in msg and problem in msg, (field, msg)


def test_unreadable_and_unparsable_files(tmp_path: Path) -> None:
    with pytest.raises(MallConfigError, match="cannot read"):
        load_mall(tmp_path / "missing.yaml")
    p = tmp_path / "broken.yaml"
    p.write_text("zones: [unclosed\n")
    with pytest.raises(MallConfigError, match="not valid YAML"):
        load_mall(p)


def test_server_start_up_stops_with_one_clear_message(tmp_path: Path, redis_url: str) -> None:
    data = yaml.safe_load(DEFAULT_MALL_FILE.read_text())
    data["zones"][7]["capacity"] = "lots"
    p = tmp_path / "mall.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True))
    from tests.conftest import server_env

    env = server_env(redis_url, 5999, MALL_CONFIG=str(p))
    res = subprocess.run([sys.executable, "-m", "server"], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert f"{p}: zones[7].capacity:" in res.stderr and "Traceback" not in res.stderr
