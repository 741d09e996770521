"""Appliance trade-in subsidy: price × rate for the energy class, capped per item (rules from subsidy_rules.yaml).

The kiosk computes the same figures in JavaScript (kiosk_static/kiosk/subsidy.js) so it works offline;
tests check both against each other.
"""

from __future__ import annotations

import math
from typing import Any

from server.errors import ApiError
from server.kiosk.content import SubsidyRules


class SubsidyInputError(ApiError):
    """A bad subsidy item: 400 naming the field."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(400, "invalid", detail, field)


def rate_for(rules: SubsidyRules, category: str, energy_class: int) -> float:
    cat = rules.category(category)
    table = cat.rates if cat is not None and cat.rates is not None else rules.rates
    return float(table.get(energy_class, 0.0))


def subsidy_item(rules: SubsidyRules, category: Any, energy_class: Any, price: Any, field: str = "") -> dict[str, Any]:
    cat = rules.category(category) if isinstance(category, str) else None
    if cat is None:
        raise SubsidyInputError(f"{field}category", "category must be one of " + ", ".join(c.id for c in rules.categories))
    if isinstance(energy_class, bool) or not isinstance(energy_class, int) or not 1 <= energy_class <= 5:
        raise SubsidyInputError(f"{field}energy_class", "energy_class must be an integer 1..5")
    if isinstance(price, bool) or not isinstance(price, int | float) or not math.isfinite(price) or not 0 < price <= 10_000_000:
        raise SubsidyInputError(f"{field}price", "price must be a number above 0 and at most 10,000,000")
    rate = rate_for(rules, cat.id, energy_class)
    raw = round(price * rate, 2)
    amount = round(min(raw, cat.cap), 2)
    return {"category": cat.id, "energy_class": energy_class, "price": round(float(price), 2), "rate": rate,
            "cap": cat.cap, "capped": raw > cat.cap, "eligible": rate > 0, "subsidy": amount,
            "pay": round(float(price) - amount, 2)}


def calculate(rules: SubsidyRules, items: Any) -> dict[str, Any]:
    if not isinstance(items, list) or not 1 <= len(items) <= 20:
        raise SubsidyInputError("items", "items must be a list of 1 to 20 {category, energy_class, price}")
    out = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            raise SubsidyInputError(f"items[{i}]", "each item must be an object {category, energy_class, price}")
        out.append(subsidy_item(rules, it.get("category"), it.get("energy_class"), it.get("price"), f"items[{i}]."))
    total = round(sum(x["subsidy"] for x in out), 2)
    return {"currency": rules.currency, "items": out, "total_subsidy": total,
            "total_pay": round(sum(x["pay"] for x in out), 2)}
