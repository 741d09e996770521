"""Layout and contrast audit run inside a page (real Chromium, computed styles): what a person would see wrong.

`audit(page)` returns lists of problems (empty = fine); under a full-screen overlay only the overlay is audited:
- `overflow`: the page scrolls sideways, an element sticks out of its parent's box sideways, or its content is
  wider than its box (cut text) where the box does not scroll; deliberate ellipsis cells with the full text in
  `title` are allowed;
- `overlap`: two visible boxes (text, controls, images, charts, maps) that are not nested cover each other;
  what a scroll container or `overflow: hidden` hides is clipped first; inside an SVG (floor maps), two labels,
  or a label and the "you are here" marker;
- `contrast`: text colour on its effective background below WCAG AA (4.5:1; 3:1 for large text: ≥ 24 px,
  or ≥ 18.66 px bold), alpha and opacity blended; disabled controls are exempt (WCAG 1.4.3);
- `small`: text rendered below 12 px (SVG labels measured on screen);
- `glyphs`: characters that need an emoji or symbol font (pictographs, dingbats, misc. symbols, geometric
  shapes, keyboard symbols): UI icons must be inline SVG or CSS;
- `garbage`: "[object …]", "undefined", "NaN" or "null" in the page's text: a value the code meant to format.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.browser import set_language

AUDIT_JS = Path(__file__).with_name("audit.js").read_text(encoding="utf-8")


# the screens the pages meet: desktop operations screens and a portrait kiosk
SCREENS = {"1920x1080": (1920, 1080), "1366x768": (1366, 768), "1280x800": (1280, 800), "1080x1920": (1080, 1920)}


def screens(page: Any, languages: tuple[str, ...] = ("zh", "en"), tap: bool = False) -> Iterator[tuple[str, str]]:
    """Put the page on each screen size and, at each, in each language (its language button, tapped on touch
    kiosks); yields (size, language) for the caller to audit and photograph.  No languages: sizes only."""
    for size, (w, h) in SCREENS.items():
        page.set_viewport_size({"width": w, "height": h})
        if not languages:
            yield size, ""
        for lang in languages:
            set_language(page, lang, tap)
            yield size, lang


def audit(page: Any) -> dict[str, list[str]]:
    return page.evaluate(AUDIT_JS)


def problems(found: dict[str, list[str]], limit: int = 8) -> str:
    return "\n".join(f"{kind}: {p}" for kind, items in found.items() for p in items[:limit])


NEXT_FRAME_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def assert_fits(page: Any, what: str, settle_ms: int = 0) -> None:
    """Audit the page as it opens (scrolled to the top: a sticky header covers what scrolls under it) once a
    frame has been laid out and painted after the last tap or resize (the pages render synchronously, resize
    observers included), plus `settle_ms` for what redraws later (charts); fails naming `what` and every problem."""
    page.evaluate("() => window.scrollTo(0, 0)")
    page.evaluate(NEXT_FRAME_JS)
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    found = audit(page)
    assert not any(found.values()), f"{what}:\n{problems(found)}"
