"""The kiosk's own subsidy calculator (kiosk_static/kiosk/subsidy.js, the one that works offline) in real
Chromium, on the cases the Python calculator is tested with (subsidy_cases.json)."""

from __future__ import annotations

from tests.browser import chromium, console_errors
from tests.conftest import ServerProcess
from tests.kiosk.subsidy_cases import CASES, OUTPUT_KEYS

RUN_CASES = """async ([rules, items, invalid]) => {
  const calc = await import("/static/kiosk/subsidy.js");
  const run = (c) => calc.item(rules, c.category, c.energy_class, c.price);
  return { items: items.map(run), invalid: invalid.map(run) };
}"""


def test_js_calculator_agrees_with_the_shared_cases(live: ServerProcess) -> None:
    with chromium() as browser:
        page = browser.new_page()
        errors = console_errors(page)
        page.goto(live.url + "/kiosk/")  # any page of the server: the module is imported as the kiosk imports it
        got = page.evaluate(RUN_CASES, [CASES["rules"], CASES["items"], CASES["invalid"]])
        assert errors == []
    assert len(got["items"]) == len(CASES["items"]) >= 8
    for case, r in zip(CASES["items"], got["items"], strict=True):
        assert r is not None, case["why"]
        assert {k: r[k] for k in OUTPUT_KEYS} == {k: case[k] for k in OUTPUT_KEYS}, case["why"]
    for case, r in zip(CASES["invalid"], got["invalid"], strict=True):
        assert r is None, case["why"]  # the kiosk shows "enter category, class and price" instead of a figure
