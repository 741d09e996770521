"""The subsidy cases both calculators run (Python here, the kiosk's JavaScript in Chromium): one JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CASES_FILE = Path(__file__).with_name("subsidy_cases.json")
CASES: dict[str, Any] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
OUTPUT_KEYS = ("rate", "subsidy", "pay", "capped", "eligible")


def case_id(case: dict[str, Any]) -> str:
    return f"{case['category']}-{case['energy_class']}-{case['price']}"
