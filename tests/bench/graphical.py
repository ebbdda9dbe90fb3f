"""Decode time of graphical runbook exports (``make bench`` prints it).

Times the whole per-file step for ``.graphrunbook`` files (JSON, base64, NRBF, model,
facts) over the real public exports in ``../shared/samples/graphrunbook`` when that folder
exists, and over the generated fixtures in ``fixtures/graphical`` otherwise.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from analyzer.frontends.graphical import extract_graphical
from analyzer.frontends.graphical_model import GraphRunbookError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples" / "graphrunbook"
REPEATS = 5


def exports() -> tuple[str, list[Path]]:
    if SAMPLES.is_dir():
        return "real public exports (../shared/samples)", sorted(SAMPLES.glob("*.graphrunbook"))
    return "generated fixtures", sorted((ROOT / "fixtures" / "graphical").glob("*.graphrunbook"))


def decode_times(paths: list[Path]) -> list[tuple[Path, int, float]]:
    """(path, payload bytes, best-of-REPEATS seconds) for every readable export."""
    out = []
    for path in paths:
        data = path.read_bytes()
        best = float("inf")
        try:
            for _ in range(REPEATS):
                start = time.perf_counter()
                extract_graphical(path.name, data)
                best = min(best, time.perf_counter() - start)
        except GraphRunbookError:
            continue  # corrupt fixtures are not exports
        out.append((path, len(data), best))
    return out


def report() -> str:
    label, paths = exports()
    times = decode_times(paths)
    if not times:
        return "graphical decode: no exports found"
    seconds = [t for _, _, t in times]
    largest = max(times, key=lambda item: item[1])
    median = statistics.median(seconds) * 1000
    return (
        f"graphical decode ({len(times)} {label}): median {median:.1f} ms, "
        f"slowest {max(seconds) * 1000:.1f} ms, largest export ({largest[1]:,} bytes) "
        f"{largest[2] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    print(report())
