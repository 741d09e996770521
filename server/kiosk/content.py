"""Kiosk content files: per category (categories/<category>.yaml) with per-zone overrides (zones/<zone>.yaml),
and the trade-in subsidy rules (subsidy_rules.yaml). Validated with pydantic; every error names the file
and the field path.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.mall.loader import MallConfigError
from core.mall.schema import ID_PATTERN, Mall
from core.validation import describe

DEFAULT_CONTENT_DIR = Path(__file__).with_name("content")
SHAPES = ("tv", "speaker", "phone", "watch", "tablet", "laptop", "desktop", "console", "camera", "headphones",
          "hub", "fridge", "washer", "ac", "purifier", "heater", "vacuum", "oven", "cooker", "kettle", "lamp",
          "chair", "box", "bag", "bowl", "printer")
COLOR = r"^#[0-9a-fA-F]{6}$"


class ContentError(MallConfigError):
    """A content file is missing, unreadable or invalid; the message names the file and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    zh: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)


class Picture(Strict):
    shape: Literal[SHAPES]  # type: ignore[valid-type]
    color: str = Field(default="#3b82f6", pattern=COLOR)
    accent: str = Field(default="#e5e7eb", pattern=COLOR)


class Product(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: Text
    brand: str = Field(min_length=1, max_length=40)
    price: float = Field(gt=0, le=10_000_000)
    was_price: float | None = Field(default=None, gt=0)
    energy_class: int | None = Field(default=None, ge=1, le=5)
    subsidy_category: str | None = Field(default=None, pattern=ID_PATTERN)
    picture: Picture
    specs: dict[str, str | Text] = Field(default_factory=dict)
    highlights: list[Text] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _was_above_price(self) -> Product:
        if self.was_price is not None and self.was_price <= self.price:
            raise ValueError(f"was_price ({self.was_price:g}) must be above price ({self.price:g})")
        return self


class Promotion(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    detail: Text
    starts: date | None = None
    ends: date | None = None
    products: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> Promotion:
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError("ends must not be before starts")
        return self


class CategoryContent(Strict):
    category: str = Field(pattern=ID_PATTERN)
    title: Text
    tagline: Text | None = None
    spec_labels: dict[str, Text] = Field(default_factory=dict)
    products: list[Product] = Field(default_factory=list, max_length=24)
    promotions: list[Promotion] = Field(default_factory=list, max_length=12)

    @model_validator(mode="after")
    def _refs(self) -> CategoryContent:
        _check_products(self.products, self.spec_labels, self.promotions)
        return self


class ZoneContent(Strict):
    """Per-zone overrides: a tagline, which products to feature and in what order, extra products, promotions."""

    zone: str = Field(pattern=ID_PATTERN)
    tagline: Text | None = None
    featured: list[str] | None = None
    spec_labels: dict[str, Text] = Field(default_factory=dict)
    products: list[Product] = Field(default_factory=list, max_length=24)
    promotions: list[Promotion] = Field(default_factory=list, max_length=12)
    replace_promotions: bool = False


def _check_products(products: list[Product], labels: dict[str, Text], promotions: list[Promotion]) -> None:
    ids = [p.id for p in products]
    for i, p in enumerate(products):
        if p.id in ids[:i]:
            raise ValueError(f"products[{i}].id: duplicate product id {p.id!r}")
        for key in p.specs:
            if key not in labels:
                raise ValueError(f"products[{i}].specs.{key}: no label for spec {key!r}; add it under spec_labels")
    for i, promo in enumerate(promotions):
        for pid in promo.products:
            if pid not in ids:
                raise ValueError(f"promotions[{i}].products: unknown product {pid!r}")


class SubsidyCategory(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: Text
    cap: float = Field(gt=0, le=1_000_000)
    rates: dict[int, float] | None = None

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        return _valid_rates(v) if v is not None else v


def _valid_rates(v: dict[int, float]) -> dict[int, float]:
    for cls_, rate in v.items():
        if not 1 <= cls_ <= 5:
            raise ValueError(f"energy class {cls_} is not 1..5")
        if not 0 <= rate <= 1:
            raise ValueError(f"rate for class {cls_} must be between 0 and 1, got {rate}")
    return v


class SubsidyRules(Strict):
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    title: Text
    note: Text | None = None
    rates: dict[int, float] = Field(min_length=1, description="energy class → share of the price")
    categories: list[SubsidyCategory] = Field(min_length=1)

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[int, float]) -> dict[int, float]:
        return _valid_rates(v)

    @model_validator(mode="after")
    def _unique(self) -> SubsidyRules:
        seen: set[str] = set()
        for i, c in enumerate(self.categories):
            if c.id in seen:
                raise ValueError(f"categories[{i}].id: duplicate subsidy category {c.id!r}")
            seen.add(c.id)
        return self

    def category(self, cid: str) -> SubsidyCategory | None:
        return next((c for c in self.categories if c.id == cid), None)


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(describe(exc, str(path))[0]) from None


def _read(path: Path) -> Any:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: (top level): expected a mapping")
    return data


class Content:
    """All content, validated, with each zone's merged view precomputed."""

    def __init__(self, mall: Mall, categories: dict[str, CategoryContent], zones: dict[str, ZoneContent],
                 subsidy: SubsidyRules) -> None:
        self.mall, self.categories, self.zones, self.subsidy = mall, categories, zones, subsidy
        self.views: dict[str, dict[str, Any]] = {z.id: self._view(z.id) for z in mall.zones}
        self.versions = {zid: hashlib.sha1(json.dumps(v, sort_keys=True).encode()).hexdigest()[:12] for zid, v in self.views.items()}

    def _view(self, zone_id: str) -> dict[str, Any]:
        z = self.mall.zone(zone_id)
        assert z is not None
        cat = self.categories.get(z.category)
        over = self.zones.get(zone_id)
        products = list(cat.products) if cat else []
        labels = dict(cat.spec_labels) if cat else {}
        promos = list(cat.promotions) if cat else []
        tagline = cat.tagline if cat else None
        if over:
            labels.update(over.spec_labels)
            extra_ids = {p.id for p in over.products}
            products = [p for p in products if p.id not in extra_ids] + list(over.products)
            promos = list(over.promotions) if over.replace_promotions else promos + list(over.promotions)
            tagline = over.tagline or tagline
            if over.featured is not None:
                by_id = {p.id: p for p in products}
                products = [by_id[i] for i in over.featured]
        today = date.today()
        promos = [p for p in promos if (p.starts is None or p.starts <= today) and (p.ends is None or p.ends >= today)]
        return {
            "zone": zone_id,
            "category": z.category,
            "title": cat.title.model_dump() if cat else {"zh": z.name_zh, "en": z.name_en},
            "tagline": tagline.model_dump() if tagline else None,
            "spec_labels": {k: v.model_dump() for k, v in labels.items()},
            "products": [p.model_dump(mode="json") for p in products],
            "promotions": [p.model_dump(mode="json") for p in promos],
        }

    def zone_view(self, zone_id: str) -> dict[str, Any]:
        return {**self.views[zone_id], "version": self.versions[zone_id], "subsidy": self.subsidy.model_dump(mode="json")}


def content_dir() -> Path:
    return Path(os.environ.get("KIOSK_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def _yaml_files(folder: Path) -> list[Path]:
    """A content folder's YAML files; dotfiles are skipped (the editor writes `.zone.XXXX.yaml`, then renames it)."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("."))


def content_files(root: Path) -> list[Path]:
    return sorted([root / "subsidy_rules.yaml", *_yaml_files(root / "categories"), *_yaml_files(root / "zones")])


def load_content(mall: Mall, root: Path | None = None) -> Content:
    root = Path(root) if root else content_dir()
    if not root.is_dir():
        raise ContentError(f"{root}: content directory does not exist")
    subsidy = _validate(SubsidyRules, _read(root / "subsidy_rules.yaml"), root / "subsidy_rules.yaml")
    known_cats = {z.category for z in mall.zones}
    categories: dict[str, CategoryContent] = {}
    for path in _yaml_files(root / "categories"):
        c = _validate(CategoryContent, _read(path), path)
        if c.category != path.stem:
            raise ContentError(f"{path}: category: {c.category!r} does not match the file name {path.stem!r}")
        if c.category not in known_cats:
            raise ContentError(f"{path}: category: no zone of the mall has category {c.category!r}")
        _check_subsidy_refs(path, c.products, subsidy)
        categories[c.category] = c
    zones: dict[str, ZoneContent] = {}
    for path in _yaml_files(root / "zones"):
        zc = _validate(ZoneContent, _read(path), path)
        if zc.zone != path.stem:
            raise ContentError(f"{path}: zone: {zc.zone!r} does not match the file name {path.stem!r}")
        z = mall.zone(zc.zone)
        if z is None:
            raise ContentError(f"{path}: zone: no zone {zc.zone!r} in the mall config")
        cat = categories.get(z.category)
        labels = {**(cat.spec_labels if cat else {}), **zc.spec_labels}
        all_products = (list(cat.products) if cat else []) + list(zc.products)
        try:
            _check_products(list(zc.products), labels, [])
            ids = {p.id for p in all_products}
            for i, promo in enumerate(zc.promotions):
                for pid in promo.products:
                    if pid not in ids:
                        raise ValueError(f"promotions[{i}].products: unknown product {pid!r}")
            for i, pid in enumerate(zc.featured or []):
                if pid not in ids:
                    raise ValueError(f"featured[{i}]: unknown product {pid!r} (not in {z.category} or this file)")
        except ValueError as exc:
            raise ContentError(f"{path}: {exc}") from None
        _check_subsidy_refs(path, zc.products, subsidy)
        zones[zc.zone] = zc
    return Content(mall, categories, zones, subsidy)


def _check_subsidy_refs(path: Path, products: list[Product], rules: SubsidyRules) -> None:
    for i, p in enumerate(products):
        if p.subsidy_category is not None and rules.category(p.subsidy_category) is None:
            raise ContentError(f"{path}: products[{i}].subsidy_category: unknown subsidy category {p.subsidy_category!r}; "
                               f"known: {', '.join(c.id for c in rules.categories)}")
