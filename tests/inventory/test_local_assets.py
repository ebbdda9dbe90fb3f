"""Local asset stores: the ISE toolkit's LocalAssets.json / SecureLocalAssets.json and the
Python emulator's localassets.json.

Fixtures under fixtures/inventory/local_assets/ with a hand-labelled expected.json; the
real stores in ../shared/samples/inventory/local_assets/ are checked against the samples'
expected.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.inventory import local_assets
from analyzer.inventory.jsonc import loads
from analyzer.inventory.loader import InventoryFile, LoadContext, load_inventory
from analyzer.inventory.model import LoadResult
from tests.conftest import sample_params, samples_missing
from tests.inventory.test_exports import (
    SAMPLES,
    SECRET,
    check_file,
    check_round_trip,
    check_sample,
    fixture_cases,
    load_directory,
    sample_cases,
)

STORES, EXPECTED = fixture_cases("local_assets")
STORE_SAMPLES = sample_cases("local_assets")


@pytest.fixture(scope="module")
def loaded() -> dict[str, tuple[str, LoadResult]]:
    return load_directory(STORES)


def test_every_fixture_is_labelled(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    assert set(loaded) == set(EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_fixture(path: str, loaded: dict[str, tuple[str, LoadResult]]) -> None:
    fmt, result = loaded[path]
    check_file(path, fmt, result, EXPECTED[path])


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_round_trip(path: str, loaded: dict[str, tuple[str, LoadResult]], tmp_path: Path) -> None:
    check_round_trip(loaded[path][1], tmp_path)


def test_store_answers_lookups_for_any_account() -> None:
    inventory = load_inventory([str(STORES / "python")], cwd=STORES)
    assert inventory.lookup("credential", "horizon admin service account", "any-account")
    assert inventory.covers("certificate", "any-account")
    assert inventory.lookup("connection", "AzureRunAsConnection")[0].connection_type == (
        "AzureServicePrincipal"
    )
    assert SECRET not in repr(inventory.declarations)


@pytest.mark.parametrize(
    "document",
    [
        '{"Variable": "not an array"}',
        '{"Connection": [{"Name": "c", "ValueFields": [1, 2]}]}',
        "[]",
    ],
)
def test_wrong_shapes_reported_not_raised(document: str) -> None:
    file = InventoryFile("LocalAssets.json", document, "local-assets", loads(document))
    result = local_assets.load(file, LoadContext())
    assert result.problems
    assert all(p.code == "RB902" for p in result.problems)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["Variable", "PSCredential", "Credential", "Connection", "Certificate"]),
        st.recursive(
            st.none() | st.booleans() | st.integers(-1, 2) | st.text(max_size=3),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["Name", "ConnectionType", "ValueFields", "Value", "Password"]),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=15,
        ),
        max_size=4,
    )
)
def test_never_raises(value: Any) -> None:
    text = json.dumps(value)
    file = InventoryFile("localassets.json", text, "local-assets", loads(text))
    assert isinstance(local_assets.load(file, LoadContext()), LoadResult)


@pytest.mark.parametrize(("sample", "expected"), sample_params(STORE_SAMPLES, "inventory"))
def test_sample_conformance(sample: str, expected: dict[str, Any]) -> None:
    check_sample(sample, expected)


def test_samples_present_or_skipped() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(samples_missing("inventory"))
    assert len(STORE_SAMPLES) == len(list((SAMPLES / "local_assets").glob("*.json")))
