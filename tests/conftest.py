"""Shared test helpers.

Tests never reach the network and never need ../shared; the sample conformance tests skip
themselves where ../shared/samples is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"


def samples_missing(folder: str = "") -> str:
    """The skip reason of a test that needs the shared samples: what is missing and how to
    get it (pytest shows it with ``-ra``)."""
    where = "../shared/samples" + (f"/{folder}" if folder else "")
    return (
        f"needs {where}: the real sample files are kept beside the repository, not in it; "
        "copy the shared samples folder to ../shared/samples (next to this checkout) to run it"
    )


def sample_params(cases: list[tuple[str, Any]], folder: str) -> list[Any]:
    """``(sample, expected)`` parameters named after the sample, or one skipped
    placeholder that says why (an empty list would only say "got empty parameter set")."""
    if not cases:
        skip = pytest.mark.skip(reason=samples_missing(folder))
        return [pytest.param(None, None, id="samples-absent", marks=skip)]
    return [pytest.param(s, e, id=s.rsplit("__", 1)[-1]) for s, e in cases]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite expected output files from the current output (review the diff!)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
