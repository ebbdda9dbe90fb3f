"""Hostile and damaged payloads: only typed errors, bounded time, bounded memory.

Mutations of real-shaped payloads (built by the builder, so the int32 fields and record
boundaries are known): truncation, byte flips, int32 lengths/counts/ids overwritten with
huge or negative values, duplicated or dropped records, spliced random bytes. The reader
may only raise ``NrbfError``, ``load_model`` and ``extract_graphical`` only
``GraphRunbookError``, and ``analyze_source`` must turn an unreadable file into RB902.
"""

from __future__ import annotations

import signal
import struct
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.discovery import SourceFile
from analyzer.frontends import analyze_source
from analyzer.frontends.graphical import extract_graphical
from analyzer.frontends.graphical_model import GraphRunbookError, load_model
from analyzer.frontends.nrbf import NrbfError, read_stream
from tests.graphical.builder import (
    MODEL_73,
    NS,
    ActivityOutput,
    AutomationVariable,
    Code,
    Command,
    Constant,
    Expression,
    GraphBuilder,
    Junction,
    Link,
    Parameter,
    Runbook,
    RunbookParameter,
    build_graph,
    container,
    export,
)
from tests.graphical.nrbf_writer import (
    OBJECT,
    STRING,
    Array,
    Instance,
    Written,
    pad_power_of_two,
    serialize_with_info,
)

MEMORY_LIMIT = 64 * 1024 * 1024
HOSTILE_INT32 = (0x7FFF_FFFF, -1, -(2**31), 2**30, 0, 1, 2, 255, 256, 65_536, 999_999)


def _spec(schema_seed: str) -> Runbook:
    conn = "Get Run As Connection"
    return Runbook(
        seed=schema_seed,
        parameters=[Parameter("ConnectionName", default="AzureRunAsConnection"), Parameter("Sub")],
        activities=[
            Command(
                conn, "Get-AutomationConnection", "", {"Name": RunbookParameter("ConnectionName")}
            ),
            Command(
                "Login",
                "Add-AzureRmAccount",
                "AzureRM.Profile",
                {
                    "ServicePrincipal": Constant(True),
                    "ApplicationId": ActivityOutput(conn, ("ApplicationId",)),
                    "TenantId": ActivityOutput(conn, ("TenantId",)),
                    "SubscriptionId": AutomationVariable("SubscriptionId"),
                },
            ),
            Command(
                "Select",
                "Set-AzContext",
                "Az.Accounts",
                {"Tenant": Expression("Get-AutomationVariable -Name 'T'")},
            ),
            Code(
                "Handle",
                process="$v = Get-AutomationVariable -Name 'Prefix'\nthrow $Error[0]",
                loop_exit="$true",
            ),
        ],
        links=[
            Link(conn, "Login", link_type="Pipeline"),
            Link("Login", "Select", condition="$Sub -ne $null"),
            Link(conn, "Handle", stream="Error"),
        ],
        output_types=["System.String"],
    )


def _bases() -> list[tuple[bytes, Written]]:
    out = []
    for schema in ("1.0", "1.9", "1.10"):
        for layout in ("dotnet", "nested"):
            out.append(serialize_with_info(build_graph(_spec(schema), schema), layout=layout))
    return out


BASES = _bases()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data, info = BASES[draw(st.integers(0, len(BASES) - 1))]
    records = [(start, end) for start, end, _, _ in info.records]
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        operation = draw(
            st.sampled_from(["truncate", "flip", "int32", "duplicate", "drop", "splice"])
        )
        if operation == "truncate":
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif operation == "flip":
            offset = draw(st.integers(0, len(data) - 1))
            data = (
                data[:offset]
                + bytes([data[offset] ^ draw(st.integers(1, 255))])
                + data[offset + 1 :]
            )
        elif operation == "int32":
            offset, _ = draw(st.sampled_from(info.int32_fields))
            if offset + 4 > len(data):
                continue
            value = draw(st.sampled_from(HOSTILE_INT32) | st.integers(-(2**31), 2**31 - 1))
            data = data[:offset] + struct.pack("<i", value) + data[offset + 4 :]
        elif operation in ("duplicate", "drop"):
            start, end = draw(st.sampled_from(records))
            if end > len(data):
                continue
            chunk = data[start:end]
            data = (
                data[:end] + chunk + data[end:]
                if operation == "duplicate"
                else data[:start] + data[end:]
            )
        else:
            offset = draw(st.integers(0, len(data)))
            noise = draw(st.binary(min_size=1, max_size=16))
            replace = draw(st.booleans())
            data = data[:offset] + noise + data[offset + (len(noise) if replace else 0) :]
    if draw(st.booleans()):
        data = pad_power_of_two(data)
    return data


@contextmanager
def _memory_cap() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak} bytes"


_SETTINGS = settings(
    max_examples=200,
    deadline=2000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(mutated())
def test_reader_raises_only_nrbf_error(data: bytes) -> None:
    assert len(data) <= 64 * 1024
    with _memory_cap(), suppress(NrbfError):
        read_stream(data)


@_SETTINGS
@given(mutated())
def test_model_and_frontend_raise_only_graph_runbook_error(data: bytes) -> None:
    document = container(data)
    with _memory_cap():
        with suppress(GraphRunbookError):
            load_model(document)
        with suppress(GraphRunbookError):
            extract_graphical("mutated.graphrunbook", document)


_TEMP = tempfile.TemporaryDirectory(prefix="graphical-hostile-")  # removed at exit
_WORKDIR = Path(_TEMP.name)


@settings(
    max_examples=200, deadline=2000, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutated())
def test_analyze_source_reports_rb902(data: bytes) -> None:
    path = _WORKDIR / "mutated.graphrunbook"
    document = container(data)
    path.write_bytes(document)
    facts = analyze_source(SourceFile("mutated.graphrunbook", str(path), "graphical"))
    codes = [p.code for p in facts.problems]
    assert "RB906" not in codes, facts.problems
    try:
        load_model(document)
    except GraphRunbookError:
        assert "RB902" in codes
        assert facts.runbook is None


def test_truncation_at_every_offset() -> None:
    spec = Runbook(
        parameters=[Parameter("P", default="d")],
        activities=[Junction("J"), Code("C", process="x")],
        links=[Link("J", "C", condition="$true")],
    )
    data, info = serialize_with_info(build_graph(spec, "1.10"))
    assert info.message_end == len(data) - 1
    kinds = {kind for _, _, kind, _ in info.records}
    assert {1, 4, 5, 6, 7, 8, 9, 10, 12, 13, 17} <= kinds
    for end in range(len(data)):
        with pytest.raises(NrbfError):
            read_stream(data[:end])
    for end in range(0, len(data), 61):
        with pytest.raises(GraphRunbookError):
            load_model(container(data[:end]))


def test_every_int32_field_hostile() -> None:
    data, info = BASES[-1]
    for index, (offset, _) in enumerate(info.int32_fields):
        for value in (0x7FFF_FFFF, -(2**31), -1)[index % 3 :][:1]:
            damaged = data[:offset] + struct.pack("<i", value) + data[offset + 4 :]
            with suppress(GraphRunbookError):
                load_model(container(damaged))


# ------------------------------------------------------------ specific hazards
def test_null_run_amplification_is_bounded() -> None:
    """A 32-byte stream declaring an array of 400,000 elements made of one
    ObjectNullMultiple run: the reader should not allocate megabytes from a declared count
    the remaining bytes cannot back (format notes, section 8)."""
    header = bytes([0]) + struct.pack("<iiii", 1, -1, 1, 0)
    count = 400_000
    array = bytes([16]) + struct.pack("<ii", 1, count)
    data = header + array + bytes([14]) + struct.pack("<i", count) + b"\x0b"
    assert len(data) == 32
    tracemalloc.start()
    try:
        with suppress(NrbfError):
            read_stream(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs signal.setitimer")

    def expire(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _diamonds(depth: int) -> Instance:
    """A chain of objects whose two members both point at the next: 2**depth paths."""
    node = Instance("N", [("a", OBJECT, "leaf"), ("b", OBJECT, "leaf")])
    for _ in range(depth):
        node = Instance("N", [("a", OBJECT, node), ("b", OBJECT, node)])
    return node


def _with_link_endpoint(value: object) -> bytes:
    builder = GraphBuilder(Runbook(), "1.10")
    root = builder.build()
    link = Instance(
        f"{NS}.Link",
        [
            ("<SourceActivityEntityId>k__BackingField", OBJECT, value),
            ("<DestinationActivityEntityId>k__BackingField", STRING, "x"),
        ],
        MODEL_73,
    )
    name, member_type, _ = root.members[2]
    root.members[2] = (name, member_type, builder.list_of("Link", [link]))
    return export(root)


def _with_constant_name(value: object) -> bytes:
    spec = Runbook(
        activities=[Command("Get", "Get-AutomationVariable", "", {"Name": Constant("x")})]
    )
    root = build_graph(spec)
    stack: list[object] = [root]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Instance):
            if item.class_name.endswith(".ConstantValueDescriptor") and item.members[0][2] == "x":
                item.members[0] = (item.members[0][0], OBJECT, value)
            stack.extend(v for _, _, v in item.members)
        elif isinstance(item, Array):
            stack.extend(item.items)
    return export(root)


@pytest.mark.parametrize("where", ["link endpoint", "constant name"])
def test_shared_object_graph_is_not_expanded(where: str) -> None:
    dag = _diamonds(40)
    data = (
        _with_link_endpoint(dag)
        if where == "link endpoint"
        else _with_constant_name(Array([dag], kind="object"))
    )
    assert len(data) <= 32 * 1024
    with _time_limit(0.5):
        facts = extract_graphical("dag.graphrunbook", data)
    for ref in facts.refs:
        assert ref.name is None or "NObject" not in (ref.name.literal or "")
