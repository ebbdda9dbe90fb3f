"""Integration-module connection types (<Module>-Automation.json).

Fixtures under fixtures/inventory/modules/ (UTF-8 and UTF-16 LE with BOM) with a
hand-labelled expected.json; the real module files in ../shared/samples/inventory/modules/
are checked against the samples' expected.json.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.inventory import module_types
from analyzer.inventory.jsonc import loads
from analyzer.inventory.loader import InventoryFile, LoadContext, load_inventory
from analyzer.inventory.model import LoadResult
from tests.conftest import sample_params, samples_missing
from tests.inventory.test_exports import (
    SAMPLES,
    check_file,
    check_round_trip,
    check_sample,
    fixture_cases,
    load_directory,
    sample_cases,
)

MODULES, EXPECTED = fixture_cases("modules")
MODULE_SAMPLES = sample_cases("modules")
MODULE_KEYS = [
    "ConnectionFields",
    "ConnectionTypeName",
    "IntegrationModuleName",
    "Name",
    "IsEncrypted",
    "IsOptional",
    "TypeName",
]


@pytest.fixture(scope="module")
def loaded() -> dict[str, tuple[str, LoadResult]]:
    return load_directory(MODULES)


def test_every_fixture_is_labelled(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    assert set(loaded) == set(EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_fixture(path: str, loaded: dict[str, tuple[str, LoadResult]]) -> None:
    fmt, result = loaded[path]
    check_file(path, fmt, result, EXPECTED[path])


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_round_trip(path: str, loaded: dict[str, tuple[str, LoadResult]], tmp_path: Path) -> None:
    check_round_trip(loaded[path][1], tmp_path)


def test_utf16_fixture_is_utf16() -> None:
    data = (MODULES / "Contoso.Pager-Automation.json").read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    assert b"\r\x00\n\x00" in data


def test_module_types_check_fields() -> None:
    inventory = load_inventory([str(MODULES)], cwd=MODULES)
    pager = inventory.connection_type("contoso pager")
    assert pager is not None
    assert pager.fields is not None
    assert [(f.name, f.encrypted) for f in pager.fields] == [
        ("RoutingKey", True),
        ("Service", False),
    ]
    assert inventory.covers("connection_type") == []  # one module says nothing about others
    assert inventory.connection_type("AzureServicePrincipal") is not None  # built-ins stay


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-1, 2) | st.text(max_size=3),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(MODULE_KEYS),
                inner,
                max_size=4,
            )
        ),
        max_leaves=15,
    )
)
def test_never_raises(value: Any) -> None:
    text = json.dumps(value)
    result = module_types.load(InventoryFile("m.json", text, "module", loads(text)), LoadContext())
    assert isinstance(result, LoadResult)


@pytest.mark.parametrize(("sample", "expected"), sample_params(MODULE_SAMPLES, "inventory"))
def test_sample_conformance(sample: str, expected: dict[str, Any]) -> None:
    check_sample(sample, expected)


def test_samples_present_or_skipped() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(samples_missing("inventory"))
    assert len(MODULE_SAMPLES) == len(list((SAMPLES / "modules").glob("*.json")))
