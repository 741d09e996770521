"""Content files: the shipped content is valid; bad edits fail with a message naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from core.mall.loader import load_mall
from server.kiosk.content import DEFAULT_CONTENT_DIR, ContentError, content_files, load_content

MALL = load_mall(None)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return root


def edit(path: Path, fn) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_content_is_valid_and_every_zone_has_a_view() -> None:
    c = load_content(MALL)
    assert set(c.views) == {z.id for z in MALL.zones}
    with_products = [z for z, v in c.views.items() if v["products"]]
    assert len(with_products) >= 50
    fridges = c.zone_view("fridges")
    assert [p["id"] for p in fridges["products"]] == ["frost-520", "frost-300"]  # zone override: featured order
    assert fridges["subsidy"]["rates"] == {"1": 0.2, "2": 0.15} or fridges["subsidy"]["rates"] == {1: 0.2, 2: 0.15}
    gaming = c.zone_view("gaming-laptops")
    assert any(p["id"] == "esports-week" for p in gaming["promotions"])  # zone promotions add to the category's


@pytest.mark.parametrize(("file", "mutate", "expected"), [
    ("categories/kitchen.yaml", lambda d: d["products"][0].update(price=-5), "categories/kitchen.yaml: products[0].price"),
    ("categories/kitchen.yaml", lambda d: d["products"][1]["specs"].update(colour="white"), "products[1].specs.colour"),
    ("categories/kitchen.yaml", lambda d: d["products"][0].update(was_price=1), "products[0]: was_price"),
    ("categories/kitchen.yaml", lambda d: d["products"][0]["picture"].update(shape="photo"), "products[0].picture.shape"),
    ("categories/kitchen.yaml", lambda d: d["products"][0].update(subsidy_category="yacht"), "products[0].subsidy_category"),
    ("categories/kitchen.yaml", lambda d: d["products"][0]["name"].pop("en"), "products[0].name.en"),
    ("categories/kitchen.yaml", lambda d: d.update(category="kitchens"), "category"),
    ("categories/kitchen.yaml", lambda d: d.update(extra=1), "kitchen.yaml: extra"),
    ("zones/fridges.yaml", lambda d: d.update(featured=["frost-520", "no-such"]), "zones/fridges.yaml: featured[1]"),
    ("zones/fridges.yaml", lambda d: d.update(zone="fridge"), "zones/fridges.yaml: zone"),
    ("subsidy_rules.yaml", lambda d: d["rates"].update({1: 1.5}), "subsidy_rules.yaml: rates"),
    ("subsidy_rules.yaml", lambda d: d["categories"][0].update(cap=0), "subsidy_rules.yaml: categories[0].cap"),
    ("subsidy_rules.yaml", lambda d: d["categories"].append(dict(d["categories"][0])), "categories[12].id: duplicate"),
])
def test_bad_content_names_file_and_field(content_copy: Path, file: str, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    edit(content_copy / file, mutate)
    with pytest.raises(ContentError) as err:
        load_content(MALL, content_copy)
    assert expected in str(err.value), str(err.value)


def test_unreadable_yaml_and_missing_dir(content_copy: Path, tmp_path: Path) -> None:
    (content_copy / "categories" / "food.yaml").write_text("products: [oops", encoding="utf-8")
    with pytest.raises(ContentError, match=r"food.yaml: not valid YAML"):
        load_content(MALL, content_copy)
    with pytest.raises(ContentError, match="does not exist"):
        load_content(MALL, tmp_path / "nope")


def test_watcher_emits_changed_zones_and_keeps_content_on_a_bad_edit(content_copy: Path) -> None:
    from server.kiosk.watcher import ContentWatcher

    sent: list[tuple[str, dict]] = []
    w = ContentWatcher(MALL, content_copy, load_content(MALL, content_copy), lambda z, v: sent.append((z, v)))
    assert w.check() == []
    edit(content_copy / "zones" / "fridges.yaml", lambda d: d.update(tagline={"zh": "新口号", "en": "New slogan"}))
    assert w.check() == ["fridges"]
    assert sent[0][1]["tagline"]["en"] == "New slogan"
    edit(content_copy / "categories" / "kitchen.yaml", lambda d: d["products"][0].update(price="free"))
    assert w.check() == []
    assert w.last_error and "products[0].price" in w.last_error
    assert w.content.zone_view("fridges")["tagline"]["en"] == "New slogan"


def test_a_half_written_editor_temp_file_is_not_content(content_copy: Path) -> None:
    """The editor writes `.zone.XXXX.yaml` and renames it into place; neither the loader nor the watcher reads it."""
    (content_copy / "zones" / ".fridges.k3j2.yaml").write_text("zone: fridges\nfeatured: [")  # cut off mid-write
    mall = load_mall()
    content = load_content(mall, content_copy)
    assert "fridges" in content.zones
    assert all(not p.name.startswith(".") for p in content_files(content_copy))
