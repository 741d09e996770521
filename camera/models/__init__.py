"""The person-detection models shipped with the node, and the check that they are the files we tested.

The expected sha256 of every file is read from ``NOTICE`` (the one list, also what ships with the
licence), so a truncated copy, a bad disk or a swapped file stops the node with a message naming it
instead of counting with a model nobody measured.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

# CAMERA_MODELS_DIR: a copy kept elsewhere (read-only system image, tests); it is checked the same way.
MODELS_DIR = Path(os.environ.get("CAMERA_MODELS_DIR") or Path(__file__).resolve().parent)
NOTICE = MODELS_DIR / "NOTICE"
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$")


class ModelError(RuntimeError):
    """A model file is missing, unreadable or not the one listed in NOTICE; the message names the file."""


@dataclass(frozen=True)
class ModelSpec:
    """One shipped IR model: its files and its native input size (width, height)."""

    name: str
    native: tuple[int, int]

    @property
    def xml(self) -> Path:
        return MODELS_DIR / self.name / f"{self.name}.xml"

    @property
    def bin(self) -> Path:
        return MODELS_DIR / self.name / f"{self.name}.bin"


MODELS: dict[str, ModelSpec] = {
    "person-detection-0201": ModelSpec("person-detection-0201", (384, 384)),
    "person-detection-retail-0013": ModelSpec("person-detection-retail-0013", (544, 320)),
}
DEFAULT_MODEL = "person-detection-0201"


def expected_sums() -> dict[str, str]:
    """``relative path -> sha256`` from the NOTICE file."""
    try:
        text = NOTICE.read_text()
    except OSError as exc:
        raise ModelError(f"model notice {NOTICE}: cannot read ({exc.strerror})") from None
    return {m.group(2): m.group(1) for line in text.splitlines() if (m := _SUM_LINE.match(line))}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(name: str) -> ModelSpec:
    """Return the spec of model ``name`` after checking both files against NOTICE; else ModelError."""
    spec = MODELS.get(name)
    if spec is None:
        raise ModelError(f"unknown model {name!r}; shipped: {', '.join(MODELS)}")
    sums = expected_sums()
    for path in (spec.xml, spec.bin):
        rel = path.relative_to(MODELS_DIR).as_posix()
        want = sums.get(rel)
        if want is None:
            raise ModelError(f"model file {path}: no sha256 listed in {NOTICE}")
        if not path.is_file():
            raise ModelError(f"model file {path}: missing (reinstall the camera node)")
        try:
            got = sha256(path)
        except OSError as exc:
            raise ModelError(f"model file {path}: cannot read ({exc.strerror})") from None
        if got != want:
            raise ModelError(f"model file {path}: corrupt or replaced (sha256 {got[:12]}…, expected {want[:12]}…)")
    return spec
