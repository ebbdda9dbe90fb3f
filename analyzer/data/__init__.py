"""Platform data the rules read (dates, names); see ``platform.toml``."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@cache
def platform() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "platform.toml").read_text(encoding="utf-8"))
