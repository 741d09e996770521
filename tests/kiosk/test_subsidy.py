"""Trade-in subsidy calculator: price × rate by energy class, capped per item, configurable.

The item cases live in subsidy_cases.json; the kiosk's JavaScript runs the same file (test_subsidy_js.py)."""

from __future__ import annotations

import pytest

from server.kiosk.content import SubsidyRules
from server.kiosk.subsidy import SubsidyInputError, calculate, subsidy_item
from tests.kiosk.subsidy_cases import CASES, OUTPUT_KEYS, case_id

RULES = SubsidyRules.model_validate(CASES["rules"])


@pytest.mark.parametrize("case", CASES["items"], ids=case_id)
def test_subsidy_item(case: dict) -> None:
    r = subsidy_item(RULES, case["category"], case["energy_class"], case["price"])
    assert {k: r[k] for k in OUTPUT_KEYS} == {k: case[k] for k in OUTPUT_KEYS}, case["why"]
    assert r["pay"] == round(case["price"] - r["subsidy"], 2)


@pytest.mark.parametrize("case", CASES["invalid"], ids=case_id)
def test_subsidy_item_refuses(case: dict) -> None:
    with pytest.raises(SubsidyInputError) as err:
        subsidy_item(RULES, case["category"], case["energy_class"], case["price"])
    assert err.value.field == case["field"], case["why"]


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
