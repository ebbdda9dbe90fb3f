"""Writer → reader round trips: what the test writer produces, the reader gives back.

The writer (``nrbf_writer``) is written from [MS-NRBF] independently of the reader, so
agreement on every record kind, shared and forward references, negative ids, null runs and
padding is evidence for both. ``load_model`` is then checked against the model the
builder's input describes.
"""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

from analyzer.frontends.graphical_model import GraphRunbookModel, load_model
from analyzer.frontends.nrbf import NObject, NrbfError, read_stream
from analyzer.frontends.nrbf import TimeSpan as ReadTimeSpan
from tests.graphical.builder import (
    KNOWN_SCHEMAS,
    MODEL_72,
    MODEL_73,
    ActivityOutput,
    AutomationCertificate,
    AutomationConnection,
    AutomationCredential,
    AutomationVariable,
    Code,
    Command,
    Comment,
    Constant,
    EmptyStringConstant,
    Expression,
    GraphBuilder,
    InvokeRunbook,
    Junction,
    Link,
    NullConstant,
    Parameter,
    Runbook,
    RunbookParameter,
    build_graph,
    export,
    payload,
)
from tests.graphical.nrbf_writer import (
    BOOLEAN,
    INT32,
    OBJECT,
    OBJECT_ARRAY,
    STRING,
    Array,
    Boxed,
    Instance,
    PrimitiveType,
    RecordType,
    Str,
    TimeSpan,
    klass,
    pad_power_of_two,
    prim,
    prim_array,
    serialize,
    serialize_with_info,
)

HEADER = bytes.fromhex("00 01000000 FFFFFFFF 01000000 00000000")
LIB = "Test.Library, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"


# ------------------------------------------------------------------ graph compare
def assert_same(desc: Any, obj: Any, seen: dict[int, Any], owners: dict[int, int]) -> None:
    """``obj`` (read back) is what ``desc`` (written) describes; reference-type objects
    map one-to-one (shared stays shared, distinct stays distinct)."""
    if isinstance(desc, (Instance, Array)) and not (isinstance(desc, Instance) and desc.value_type):
        if id(desc) in seen:
            assert seen[id(desc)] is obj, "a shared object came back as two objects"
            return
        assert owners.setdefault(id(obj), id(desc)) == id(desc), "two objects came back as one"
        seen[id(desc)] = obj
    if isinstance(desc, Instance):
        assert isinstance(obj, NObject)
        assert obj.class_name == desc.class_name
        assert obj.library == (desc.library or "mscorlib")
        assert list(obj.members) == [name for name, _, _ in desc.members]
        if desc.value_type:
            assert obj.object_id is not None
            assert obj.object_id < 0
        for name, _, value in desc.members:
            assert_same(value, obj.members[name], seen, owners)
    elif isinstance(desc, Array):
        assert isinstance(obj, list)
        assert len(obj) == len(desc.items)
        for item, got in zip(desc.items, obj, strict=True):
            assert_same(item, got, seen, owners)
    elif isinstance(desc, Str):
        assert obj == desc.text
    elif isinstance(desc, Boxed):
        assert_same(desc.value, obj, seen, owners)
    elif isinstance(desc, TimeSpan):
        assert isinstance(obj, ReadTimeSpan)
        assert obj.ticks == desc.ticks
    elif isinstance(desc, float):
        assert obj == pytest.approx(desc)
    else:
        assert obj == desc
        assert type(obj) is type(desc) or desc is None


def roundtrip(root: Any, **options: Any) -> Any:
    data = serialize(root, **options)
    stream = read_stream(data)
    assert_same(root, stream.root, {}, {})
    return stream


# ------------------------------------------------------------------ writer basics
def test_header_and_message_end() -> None:
    root = Instance("Thing", [("a", INT32, 7)], LIB)
    data = serialize(root)
    assert data.startswith(HEADER)
    assert data[17] == RecordType.BINARY_LIBRARY
    assert data.endswith(bytes([RecordType.MESSAGE_END]))
    stream = read_stream(data)
    assert stream.end_offset == len(data)
    assert stream.libraries == {2: LIB}


def test_export_starts_like_real_exports() -> None:
    data = payload(Runbook(), "1.10")
    encoded = base64.b64encode(data).decode()
    assert encoded.startswith("AAEAAAD/////AQAAAAAAAAAM")
    assert len(data) == 8192
    assert data[read_stream(data).end_offset :] == bytes(8192 - read_stream(data).end_offset)


@pytest.mark.parametrize("size", [0, 1, 100, 8192, 8193, 40_000])
def test_padding_is_a_power_of_two(size: int) -> None:
    padded = pad_power_of_two(b"x" * size)
    assert len(padded) >= max(size, 8192)
    assert len(padded) & (len(padded) - 1) == 0
    assert padded[size:] == bytes(len(padded) - size)


@pytest.mark.parametrize("length", [0, 1, 127, 128, 300, 16_383, 16_384, 70_000])
def test_string_length_prefix(length: int) -> None:
    text = "é" * (length // 2) + "a" * (length % 2)
    roundtrip(Instance("S", [("s", STRING, text)], LIB))


@pytest.mark.parametrize(
    ("run", "record"),
    [
        (1, RecordType.OBJECT_NULL),
        (2, RecordType.OBJECT_NULL_MULTIPLE_256),
        (255, RecordType.OBJECT_NULL_MULTIPLE_256),
        (256, RecordType.OBJECT_NULL_MULTIPLE),
        (1000, RecordType.OBJECT_NULL_MULTIPLE),
    ],
)
def test_null_runs(run: int, record: int) -> None:
    array = Array(["a", *([None] * run), "b"], kind="object")
    data, info = serialize_with_info(array)
    assert record in {kind for _, _, kind, _ in info.records}
    assert read_stream(data).root == ["a", *([None] * run), "b"]


def test_every_primitive_type_typed_and_boxed() -> None:
    values = [
        (PrimitiveType.BOOLEAN, True),
        (PrimitiveType.BYTE, 200),
        (PrimitiveType.CHAR, "é"),
        (PrimitiveType.DECIMAL, "12.50"),
        (PrimitiveType.DOUBLE, 2.5),
        (PrimitiveType.INT16, -300),
        (PrimitiveType.INT32, -70_000),
        (PrimitiveType.INT64, -(2**40)),
        (PrimitiveType.SBYTE, -5),
        (PrimitiveType.SINGLE, 1.5),
        (PrimitiveType.TIMESPAN, TimeSpan(36_000_000_000)),
        (PrimitiveType.DATETIME, 637_000_000_000_000_000),
        (PrimitiveType.UINT16, 65_000),
        (PrimitiveType.UINT32, 4_000_000_000),
        (PrimitiveType.UINT64, 2**63 + 5),
    ]
    typed = Instance("Typed", [(f"m{kind}", prim(kind), value) for kind, value in values], LIB)
    boxed = Array([Boxed(kind, value) for kind, value in values], kind="object")
    roundtrip(
        Instance(
            "Both", [("typed", klass("Typed", LIB), typed), ("boxed", OBJECT_ARRAY, boxed)], LIB
        )
    )


def test_primitive_arrays() -> None:
    single = Array([1, -2, 3], kind="primitive", element=prim(PrimitiveType.INT32))
    binary = Array([True, False], kind="binary", element=prim(PrimitiveType.BOOLEAN))
    offset = Array(["x", None, "y"], kind="binary", element=STRING, lower_bound=5)
    root = Instance(
        "Arrays",
        [
            ("single", prim_array(PrimitiveType.INT32), single),
            ("binary", OBJECT, binary),
            ("offset", OBJECT, offset),
        ],
        LIB,
    )
    roundtrip(root)


@pytest.mark.parametrize("layout", ["dotnet", "nested"])
def test_shared_references_and_class_reuse(layout: str) -> None:
    shared = Instance("Leaf", [("v", INT32, 1)], LIB)
    other = Instance("Leaf", [("v", INT32, 2)], LIB)
    name = Str("shared name")
    enum = [Instance("Mode", [("value__", INT32, i)], LIB, value_type=True) for i in range(3)]
    root = Instance(
        "Root",
        [
            ("a", klass("Leaf", LIB), shared),
            ("b", klass("Leaf", LIB), shared),
            ("c", klass("Leaf", LIB), other),
            ("n1", STRING, name),
            ("n2", STRING, name),
            ("modes", OBJECT_ARRAY, Array(enum, kind="object")),
            ("nothing", OBJECT, None),
            ("flag", BOOLEAN, True),
        ],
        LIB,
    )
    _, info = serialize_with_info(root, layout=layout)
    kinds = [kind for _, _, kind, _ in info.records]
    assert kinds.count(RecordType.CLASS_WITH_MEMBERS_AND_TYPES) == 3  # Root, Leaf, Mode
    assert kinds.count(RecordType.CLASS_WITH_ID) == 3  # second Leaf, two more Modes
    assert RecordType.MEMBER_REFERENCE in kinds
    stream = roundtrip(root, layout=layout)
    assert stream.root.members["a"] is stream.root.members["b"]
    assert stream.root.members["a"] is not stream.root.members["c"]
    modes = stream.root.members["modes"]
    assert all(m.object_id < 0 for m in modes)
    assert len({m.object_id for m in modes}) == 3


def test_dotnet_layout_uses_forward_references() -> None:
    child = Instance("Child", [("v", INT32, 1)], LIB)
    root = Instance("Root", [("child", klass("Child", LIB), child)], LIB)
    data, info = serialize_with_info(root, layout="dotnet")
    reference = next(
        start for start, _, kind, _ in info.records if kind == RecordType.MEMBER_REFERENCE
    )
    (target,) = struct.unpack_from("<i", data, reference + 1)
    definition = next(
        start for start, _, kind, depth in info.records if depth == 0 and start > reference
    )
    assert struct.unpack_from("<i", data, definition + 1)[0] == target
    roundtrip(root)


def test_cycles_survive() -> None:
    a = Instance("Node", [("next", OBJECT, None)], LIB)
    b = Instance("Node", [("next", OBJECT, a)], LIB)
    a.members[0] = ("next", OBJECT, b)
    stream = read_stream(serialize(a))
    assert stream.root.members["next"].members["next"] is stream.root


def test_reader_rejects_what_the_writer_marks_as_broken() -> None:
    data, info = serialize_with_info(Instance("Thing", [("s", STRING, "x" * 50)], LIB))
    with pytest.raises(NrbfError):
        read_stream(data[: info.message_end])
    with pytest.raises(NrbfError):
        read_stream(data[:-20] + data[-1:])


# ----------------------------------------------------------------- GraphRunbook
def _rich_runbook() -> Runbook:
    return Runbook(
        seed="rich",
        parameters=[
            Parameter(
                "ConnectionName", default="AzureRunAsConnection", description="which connection"
            ),
            Parameter("Count", type_name="System.Int32", optional=False),
            Parameter("Flag", type_name="System.Boolean", default=True),
        ],
        activities=[
            Command(
                "Get Connection",
                "Get-AutomationConnection",
                "",
                {"Name": RunbookParameter("ConnectionName")},
            ),
            Command(
                "Login",
                "Connect-AzAccount",
                "Az.Accounts",
                {
                    "ServicePrincipal": Constant(True),
                    "Tenant": ActivityOutput("Get Connection", ("TenantId",), stream_type=0),
                    "Subscription": Expression("$env:SUB # comment"),
                    "Credential": AutomationCredential("Cred"),
                    "Environment": NullConstant(),
                    "AccountId": EmptyStringConstant(),
                    "Certificate": AutomationCertificate("Cert"),
                    "Connection": AutomationConnection("Conn"),
                    "Var": AutomationVariable("Var"),
                    "Retries": Constant(3),
                },
                parameter_set="ServicePrincipalCertificate",
                custom_parameters="-ErrorAction Stop",
                loop_exit="$RetryCount -gt 3",
            ),
            Command("No parameters", "Get-Date", "Microsoft.PowerShell.Utility"),
            InvokeRunbook("Run child", "Child-Runbook", {"Target": Constant("vm1")}),
            Code(
                "Script",
                begin="$a = 1",
                process="Write-Output $a",
                end="# done",
                output_types=("System.String",),
            ),
            Junction("Join"),
        ],
        links=[
            Link("Get Connection", "Login", link_type="Pipeline"),
            Link("Login", "No parameters", condition="$ActivityOutput['Login'] -ne $null"),
            Link("No parameters", "Run child", condition="$false", enabled=False),
            Link("Run child", "Script", stream="Error"),
            Link("Script", "Join"),
        ],
        comments=[Comment("A comment on the canvas")],
        output_types=["System.String"],
    )


SCHEMAS = (*KNOWN_SCHEMAS, "2.10999")


@pytest.mark.parametrize("layout", ["dotnet", "nested"])
@pytest.mark.parametrize("schema", SCHEMAS)
def test_graph_roundtrip(schema: str, layout: str) -> None:
    root = build_graph(_rich_runbook(), schema)
    roundtrip(root, layout=layout)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_graph_shape(schema: str) -> None:
    stream = read_stream(payload(_rich_runbook(), schema))
    root = stream.root
    assert root.bare_class == "GraphRunbook"
    new = schema not in ("1.0", "1.2")
    assert list(root.members) == ["parameters", "activities", "links"] + (
        ["comments", "outputTypes"] if new else []
    )
    assert root.library == (MODEL_72 if schema in ("1.0", "1.2", "1.7", "1.9") else MODEL_73)
    activities = root.members["activities"]
    assert len(activities.members["_items"]) == 8  # capacity past _size
    assert activities.members["_size"] == 6
    assert activities.members["_items"][6:] == [None, None]
    command = activities.members["_items"][2]  # "No parameters": empty dictionary
    parameters = command.member("Parameters")
    assert "KeyValuePairs" not in parameters.members
    assert parameters.members["HashSize"] == 0
    login = activities.members["_items"][1]
    assert ("InvocationActivity+<Flatten>k__BackingField" in login.members) == (schema == "1.0")
    assert ("LoopableActivity+loopExitCondition" in login.members) == (schema != "1.0")
    assert ("InvocationActivity+<ExceptionsToErrors>k__BackingField" in login.members) == (
        schema not in ("1.0", "1.2", "1.7")
    )
    pairs = login.member("Parameters").members["KeyValuePairs"]
    assert all(pair.object_id < 0 for pair in pairs)
    assert pairs[0].members["key"].members["CaseInsensitiveName`1+name"] == "ServicePrincipal"
    entity_id = login.member("EntityId")
    assert entity_id == (entity_id.upper() if schema in ("1.0", "1.2") else entity_id.lower())
    # The activity's name and the ActivityOutput naming it share one string object.
    get_connection = activities.members["_items"][0]
    tenant = next(p for p in pairs if p.members["key"].member("name") == "Tenant")
    assert tenant.members["value"].member("ActivityName").member("name") is get_connection.member(
        "Name"
    ).member("name")
    link = root.members["links"].members["_items"][0]
    assert ("linkStreamType" in link.members) == new
    assert ("<Enabled>k__BackingField" in link.members) == (schema == "1.0")


def _model_of(runbook: Runbook, schema: str) -> GraphRunbookModel:
    return load_model(export(runbook, schema, runbook_type="GraphPowerShellWorkflow"))


@pytest.mark.parametrize("schema", SCHEMAS)
def test_load_model(schema: str) -> None:
    spec = _rich_runbook()
    model = _model_of(spec, schema)
    ids = GraphBuilder(spec, schema).entity_ids
    has_type = schema not in ("1.0", "1.2")
    assert model.schema_version == schema
    assert model.schema == tuple(int(p) for p in schema.split("."))
    assert model.runbook_type == ("GraphPowerShellWorkflow" if has_type else None)
    assert model.workflow == has_type
    assert model.model_assembly == (MODEL_73 if schema in ("1.10", "2.10999") else MODEL_72)
    assert not model.odd_padding
    assert [
        (p.name, p.type_name, p.optional, p.default, p.description) for p in model.parameters
    ] == [
        ("ConnectionName", "System.String", True, "AzureRunAsConnection", "which connection"),
        ("Count", "System.Int32", False, None, None),
        ("Flag", "System.Boolean", True, True, None),
    ]
    assert [(a.kind, a.name, a.entity_id) for a in model.activities] == [
        ("CommandActivity", "Get Connection", ids["Get Connection"]),
        ("CommandActivity", "Login", ids["Login"]),
        ("CommandActivity", "No parameters", ids["No parameters"]),
        ("InvokeRunbookActivity", "Run child", ids["Run child"]),
        ("WorkflowScriptActivity", "Script", ids["Script"]),
        ("JunctionActivity", "Join", ids["Join"]),
    ]
    login = model.activities[1]
    assert (login.command, login.module, login.parameter_set) == (
        "Connect-AzAccount",
        "Az.Accounts",
        "ServicePrincipalCertificate",
    )
    assert login.custom_parameters == "-ErrorAction Stop"
    assert login.loop_exit_condition == (None if schema == "1.0" else "$RetryCount -gt 3")
    bound = dict(login.parameters)
    assert list(bound) == [
        "ServicePrincipal",
        "Tenant",
        "Subscription",
        "Credential",
        "Environment",
        "AccountId",
        "Certificate",
        "Connection",
        "Var",
        "Retries",
    ]
    assert (bound["ServicePrincipal"].kind, bound["ServicePrincipal"].value) == ("Constant", True)
    assert (bound["Retries"].kind, bound["Retries"].value) == ("Constant", 3)
    assert (bound["Tenant"].kind, bound["Tenant"].activity) == ("ActivityOutput", "Get Connection")
    assert bound["Subscription"].expression == "$env:SUB # comment"
    assert bound["Environment"].kind == "NullConstant"
    assert bound["AccountId"].kind == "EmptyStringConstant"
    assert [
        (bound[k].kind, bound[k].asset) for k in ("Credential", "Certificate", "Connection", "Var")
    ] == [
        ("AutomationCredential", "Cred"),
        ("AutomationCertificate", "Cert"),
        ("AutomationConnection", "Conn"),
        ("AutomationVariable", "Var"),
    ]
    assert model.activities[0].parameters[0][1].parameter == "ConnectionName"
    child = model.activities[3]
    assert (child.command, dict(child.parameters)["Target"].value) == ("Child-Runbook", "vm1")
    assert model.activities[4].code == (
        ("Begin", "$a = 1"),
        ("Process", "Write-Output $a"),
        ("End", "# done"),
    )
    assert [
        (k.source, k.destination, k.link_type, k.stream, k.condition, k.condition_enabled)
        for k in model.links
    ] == [
        ("Get Connection", "Login", "Pipeline", "Output", None, False),
        (
            "Login",
            "No parameters",
            "Sequence",
            "Output",
            "$ActivityOutput['Login'] -ne $null",
            True,
        ),
        ("No parameters", "Run child", "Sequence", "Output", "$false", False),
        ("Run child", "Script", "Sequence", "Error" if has_type else "Output", None, False),
        ("Script", "Join", "Sequence", "Output", None, False),
    ]
    assert model.comments == (["A comment on the canvas"] if has_type else [])


@pytest.mark.parametrize("schema", ["1.7", "1.9", "1.10"])
def test_load_model_field_path_string_array(schema: str) -> None:
    model = _model_of(_rich_runbook(), schema)
    assert dict(model.activities[1].parameters)["Tenant"].field_path == ("TenantId",)


@pytest.mark.parametrize("schema", ["1.0", "1.2"])
def test_load_model_field_path_list(schema: str) -> None:
    model = _model_of(_rich_runbook(), schema)
    assert dict(model.activities[1].parameters)["Tenant"].field_path == ("TenantId",)
