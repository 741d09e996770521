"""Trade-in subsidy calculator: price × rate by energy class, capped per item, configurable."""

from __future__ import annotations

import pytest

from server.kiosk.content import SubsidyRules
from server.kiosk.subsidy import SubsidyInputError, calculate, subsidy_item

RULES = SubsidyRules.model_validate({
    "title": {"zh": "补贴", "en": "Subsidy"},
    "rates": {1: 0.2, 2: 0.15},
    "categories": [
        {"id": "tv", "name": {"zh": "电视", "en": "TV"}, "cap": 2000},
        {"id": "digital", "name": {"zh": "数码", "en": "Digital"}, "cap": 500, "rates": {1: 0.15, 3: 0.15}},
    ],
})


@pytest.mark.parametrize(("cat", "cls", "price", "subsidy", "capped"), [
    ("tv", 1, 5999, 1199.8, False),       # 20 %
    ("tv", 2, 5999, 899.85, False),       # 15 %
    ("tv", 1, 12999, 2000, True),         # capped per item
    ("tv", 1, 10000, 2000, False),        # exactly at the cap is not "capped"
    ("tv", 3, 5999, 0, False),            # class 3: no rate → not eligible
    ("digital", 3, 1999, 299.85, False),  # the category's own rates
    ("digital", 2, 1999, 0, False),
    ("digital", 1, 5999, 500, True),
])
def test_subsidy_item(cat: str, cls: int, price: float, subsidy: float, capped: bool) -> None:
    r = subsidy_item(RULES, cat, cls, price)
    assert r["subsidy"] == subsidy
    assert r["capped"] is capped
    assert r["pay"] == round(price - subsidy, 2)
    assert r["eligible"] is (r["rate"] > 0)


def test_calculate_totals() -> None:
    out = calculate(RULES, [{"category": "tv", "energy_class": 1, "price": 12999},
                            {"category": "digital", "energy_class": 1, "price": 1000}])
    assert out["total_subsidy"] == 2150
    assert out["total_pay"] == 12999 + 1000 - 2150


@pytest.mark.parametrize(("items", "field"), [
    (None, "items"), ([], "items"), (["x"], "items[0]"),
    ([{"category": "yacht", "energy_class": 1, "price": 1}], "items[0].category"),
    ([{"category": "tv", "energy_class": 0, "price": 1}], "items[0].energy_class"),
    ([{"category": "tv", "energy_class": True, "price": 1}], "items[0].energy_class"),
    ([{"category": "tv", "energy_class": 1, "price": -1}], "items[0].price"),
    ([{"category": "tv", "energy_class": 1, "price": "100"}], "items[0].price"),
    ([{"category": "tv", "energy_class": 1, "price": float("nan")}], "items[0].price"),
])
def test_bad_input_names_the_field(items, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SubsidyInputError) as err:
        calculate(RULES, items)
    assert err.value.field == field
