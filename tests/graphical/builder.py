"""Build ``Orchestrator.GraphRunbook.Model`` object graphs the way real exports lay them out.

A runbook is described with the small spec classes below (parameters, activities, value
descriptors, links); :func:`build_graph` turns the spec into the object graph a portal
export of the given schema version holds (class names, backing-field member names, member
types, ``List<T>`` capacity padding, ``Dictionary`` layout, boxed enums, shared strings),
and :func:`export` wraps it as a ``.graphrunbook`` file: JSON → base64 → NRBF.

Layouts per schema were taken from the real exports in ``shared/samples/graphrunbook``:

========  ==========================================================================
1.0       7.2.0.0 / null token; no RunbookType key; ``Flatten`` on command and code
          activities; links with ``Enabled`` and ``Delay``; no loop fields;
          ``FieldPath`` is a ``List<string>``; upper-case EntityIds
1.2       as 1.0 but with loop fields (``loopExitCondition``, ``LoopDelay``) and
          without ``Flatten`` or link ``Enabled``/``Delay``
1.7       RunbookType key; root gains ``comments`` and ``outputTypes``; links gain
          ``linkStreamType`` (a boxed ``System.Int32``); ``FieldPath`` is ``string[]``
1.9       ``ExceptionsToErrors`` on command and code activities; ``streamType`` on
          ``ActivityOutputValueDescriptor``
1.10      7.3.0.0 / token 31bf3856ad364e35; ``OutputTypeNames`` on code activities
========  ==========================================================================

Not in any real sample, so member names follow the format notes and the SDK naming
pattern: ``InvokeRunbookActivity`` (``RunbookActivityType``: ``InvokeRunbookActivityType``
with ``InputParameterSets`` and ``CommandName``), ``EmptyStringConstantValueDescriptor``,
``NullConstantValueDescriptor``, the connection/credential/certificate asset descriptors
and ``Comment`` (``Text``, ``PositionX``, ``PositionY``).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.graphical.nrbf_writer import (
    BOOLEAN,
    INT32,
    OBJECT,
    STRING,
    STRING_ARRAY,
    TIMESPAN,
    Array,
    Boxed,
    Instance,
    MemberType,
    PrimitiveType,
    Str,
    TimeSpan,
    klass,
    pad_power_of_two,
    serialize,
    system_class,
)

NS = "Orchestrator.GraphRunbook.Model"
MSCORLIB = "mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"
MODEL_72 = "Orchestrator.GraphRunbook.Model, Version=7.2.0.0, Culture=neutral, PublicKeyToken=null"
MODEL_73 = (
    "Orchestrator.GraphRunbook.Model, Version=7.3.0.0, Culture=neutral, "
    "PublicKeyToken=31bf3856ad364e35"
)
KNOWN_SCHEMAS = ("1.0", "1.2", "1.7", "1.9", "1.10")


# ------------------------------------------------------------------ value descriptors
@dataclass(frozen=True)
class Constant:
    value: Any  # str, bool, int or TimeSpan


@dataclass(frozen=True)
class NullConstant:
    pass


@dataclass(frozen=True)
class EmptyStringConstant:
    pass


@dataclass(frozen=True)
class RunbookParameter:
    name: str


@dataclass(frozen=True)
class ActivityOutput:
    activity: str
    field_path: tuple[str, ...] | None = None
    stream_type: int | None = None


@dataclass(frozen=True)
class Expression:
    text: str


@dataclass(frozen=True)
class AssetValue:
    """``Automation{noun}ValueDescriptor`` with member ``{noun}Name``."""

    noun: str  # Variable, Connection, Credential, Certificate
    name: str


def AutomationVariable(name: str) -> AssetValue:
    return AssetValue("Variable", name)


def AutomationConnection(name: str) -> AssetValue:
    return AssetValue("Connection", name)


def AutomationCredential(name: str) -> AssetValue:
    return AssetValue("Credential", name)


def AutomationCertificate(name: str) -> AssetValue:
    return AssetValue("Certificate", name)


@dataclass(frozen=True)
class UnknownDescriptor:
    """A value descriptor class the analyzer does not know (a future SDK version)."""

    class_name: str
    text: str | None = None


Descriptor = (
    Constant
    | NullConstant
    | EmptyStringConstant
    | RunbookParameter
    | ActivityOutput
    | Expression
    | AssetValue
    | UnknownDescriptor
)


# --------------------------------------------------------------------------- spec
@dataclass
class Parameter:
    name: str
    type_name: str = "System.String"
    optional: bool = True
    default: Any = None
    description: str | None = None


@dataclass
class Command:
    name: str
    command: str
    module: str = ""
    parameters: dict[str, Descriptor] = field(default_factory=dict)
    parameter_set: str = "Default"
    custom_parameters: str = ""
    loop_exit: str = ""
    description: str = ""
    checkpoint_after: bool = False


@dataclass
class InvokeRunbook:
    name: str
    runbook: str
    parameters: dict[str, Descriptor] = field(default_factory=dict)
    parameter_set: str = "Default"
    loop_exit: str = ""
    description: str = ""


@dataclass
class Code:
    name: str
    begin: str = ""
    process: str = ""
    end: str = ""
    loop_exit: str = ""
    output_types: tuple[str, ...] = ()
    description: str = ""


@dataclass
class Junction:
    name: str
    description: str = ""


@dataclass
class UnknownActivity:
    name: str
    class_name: str


ActivitySpec = Command | InvokeRunbook | Code | Junction | UnknownActivity


@dataclass
class Link:
    source: str
    destination: str
    link_type: str = "Sequence"  # or Pipeline
    stream: str = "Output"  # or Error
    condition: str = ""
    enabled: bool | None = None  # condition mode; default: enabled iff there is text
    description: str = ""


@dataclass
class Comment:
    text: str


@dataclass
class Runbook:
    parameters: list[Parameter] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    output_types: list[str] = field(default_factory=list)
    #: Seed for EntityIds (deterministic per runbook).
    seed: str = "runbook"


# ------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Family:
    """Which version-dependent members a layout has."""

    version: tuple[int, int]

    def at_least(self, major: int, minor: int) -> bool:
        return self.version >= (major, minor)

    @property
    def assembly(self) -> str:
        return MODEL_73 if self.at_least(1, 10) else MODEL_72

    @property
    def flatten(self) -> bool:
        return self.version < (1, 2)

    @property
    def loops(self) -> bool:
        return self.at_least(1, 2)

    @property
    def link_enabled_delay(self) -> bool:
        return self.version < (1, 2)

    @property
    def root_extras(self) -> bool:
        return self.at_least(1, 7)

    @property
    def exceptions_to_errors(self) -> bool:
        return self.at_least(1, 9)

    @property
    def stream_type(self) -> bool:
        return self.at_least(1, 9)

    @property
    def output_type_names(self) -> bool:
        return self.at_least(1, 10)

    @property
    def field_path_is_list(self) -> bool:
        return self.version < (1, 7)

    @property
    def has_runbook_type(self) -> bool:
        return self.at_least(1, 7)

    @property
    def upper_case_ids(self) -> bool:
        return self.version < (1, 7)


def family(schema: str) -> Family:
    """Layout family of a SchemaVersion string; unknown versions use the newest layout."""
    parts = schema.split(".")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        version = (int(parts[0]), int(parts[1]))
        if version >= (1, 10):
            return Family((1, 10))
        return Family(version)
    return Family((1, 10))


def _capacity(size: int) -> int:
    """``List<T>`` capacity after ``size`` adds: 0, then 4, doubling."""
    if size == 0:
        return 0
    capacity = 4
    while capacity < size:
        capacity *= 2
    return capacity


_PRIMES = (3, 7, 11, 17, 23, 29, 37, 47, 59, 71, 89, 107, 131, 163, 197, 239, 293, 353)


def _hash_size(count: int) -> int:
    """``Dictionary`` bucket count after ``count`` adds (3, then the prime above 2x)."""
    if count == 0:
        return 0
    size = 3
    while size < count:
        size = next(p for p in _PRIMES if p >= 2 * size)
    return size


# ------------------------------------------------------------------------ builder
class GraphBuilder:
    def __init__(self, runbook: Runbook, schema: str, assembly: str | None = None) -> None:
        """``assembly`` overrides the model assembly of the layout (a future model)."""
        self.spec = runbook
        self.family = family(schema)
        self.asm = assembly or self.family.assembly
        self.shared: dict[str, Str] = {}
        self.empty_arrays: dict[str, Array] = {}
        self.comparer = Instance(
            "System.Collections.Generic.ObjectEqualityComparer`1"
            f"[[{NS}.ExecutableView.ParameterName, {self.asm}]]",
            [],
        )
        self.entity_ids: dict[str, str] = {}
        for activity in runbook.activities:
            text = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{runbook.seed}/{activity.name}"))
            self.entity_ids[activity.name] = text.upper() if self.family.upper_case_ids else text

    # ------------------------------------------------------------- helpers
    def text(self, value: str) -> Str | str:
        """Strings the .NET side shares by identity: '' and activity names."""
        if value not in self.shared:
            self.shared[value] = Str(value)
        return self.shared[value]

    def model(self, name: str) -> MemberType:
        return klass(f"{NS}.{name}", self.asm)

    def instance(self, name: str, members: list[tuple[str, MemberType, Any]]) -> Instance:
        return Instance(f"{NS}.{name}", members, self.asm)

    def list_type(self, element: str | None) -> str:
        if element is None:
            return f"System.Collections.Generic.List`1[[System.String, {MSCORLIB}]]"
        return f"System.Collections.Generic.List`1[[{NS}.{element}, {self.asm}]]"

    def list_of(self, element: str | None, items: list[Any]) -> Instance:
        """``List<T>``: ``_items`` padded with nulls to the capacity, ``_size``, ``_version``.
        ``element=None`` makes a ``List<string>``. Empty lists share one empty array."""
        capacity = _capacity(len(items))
        key = element or "System.String"
        if not items and key in self.empty_arrays:
            array = self.empty_arrays[key]
        elif element is None:
            array = Array(list(items) + [None] * (capacity - len(items)), kind="string")
        else:
            array = Array(
                list(items) + [None] * (capacity - len(items)),
                kind="binary",
                element=self.model(element),
            )
        if not items:
            self.empty_arrays[key] = array
        items_type = STRING_ARRAY if element is None else self.model(f"{element}[]")
        return Instance(
            self.list_type(element),
            [
                ("_items", items_type, array),
                ("_size", INT32, len(items)),
                ("_version", INT32, len(items)),
            ],
        )

    def name_object(self, kind: str, name: str) -> Instance:
        value = self.text(name) if kind == "ActivityName" else name
        return self.instance(
            f"ExecutableView.{kind}", [("CaseInsensitiveName`1+name", STRING, value)]
        )

    def enum(self, name: str, value: int) -> Instance:
        return Instance(f"{NS}.{name}", [("value__", INT32, value)], self.asm, value_type=True)

    def condition(self, expression: str, enabled: bool | None = None) -> Instance:
        if enabled is None:
            enabled = bool(expression)
        return self.instance(
            "Condition",
            [
                ("expression", STRING, expression or self.text("")),
                (
                    "<Mode>k__BackingField",
                    self.model("ConditionMode"),
                    self.enum("ConditionMode", 0 if enabled else 1),
                ),
            ],
        )

    # --------------------------------------------------------- descriptors
    def descriptor(self, d: Descriptor) -> Instance:
        if isinstance(d, Constant):
            value = d.value
            if isinstance(value, bool):
                value = Boxed(PrimitiveType.BOOLEAN, value)
            elif isinstance(value, int):
                value = Boxed(PrimitiveType.INT32, value)
            elif isinstance(value, TimeSpan):
                value = Boxed(PrimitiveType.TIMESPAN, value)
            return self.instance(
                "ConstantValueDescriptor", [("<Value>k__BackingField", OBJECT, value)]
            )
        if isinstance(d, NullConstant):
            return self.instance("NullConstantValueDescriptor", [])
        if isinstance(d, EmptyStringConstant):
            return self.instance("EmptyStringConstantValueDescriptor", [])
        if isinstance(d, RunbookParameter):
            return self.instance(
                "RunbookParameterValueDescriptor",
                [
                    (
                        "<ParameterName>k__BackingField",
                        self.model("ExecutableView.ParameterName"),
                        self.name_object("ParameterName", d.name),
                    )
                ],
            )
        if isinstance(d, ActivityOutput):
            members: list[tuple[str, MemberType, Any]] = []
            if self.family.stream_type:
                members.append(
                    (
                        "streamType",
                        system_class(f"System.Nullable`1[[System.Int32, {MSCORLIB}]]"),
                        None
                        if d.stream_type is None
                        else Boxed(PrimitiveType.INT32, d.stream_type),
                    )
                )
            members.append(
                (
                    "<ActivityName>k__BackingField",
                    self.model("ExecutableView.ActivityName"),
                    self.name_object("ActivityName", d.activity),
                )
            )
            if self.family.field_path_is_list:
                path: Any = self.list_of(None, list(d.field_path or ()))
                path_type = system_class(self.list_type(None))
                if d.field_path is None:
                    path = None
            else:
                path = None if d.field_path is None else Array(list(d.field_path), kind="string")
                path_type = system_class("System.String[]")
            members.append(("<FieldPath>k__BackingField", path_type, path))
            return self.instance("ActivityOutputValueDescriptor", members)
        if isinstance(d, Expression):
            return self.instance(
                "PowerShellExpressionValueDescriptor", [("expression", STRING, d.text)]
            )
        if isinstance(d, AssetValue):
            return self.instance(
                f"Automation{d.noun}ValueDescriptor",
                [
                    (
                        f"<{d.noun}Name>k__BackingField",
                        self.model("ExecutableView.AutomationAssetName"),
                        self.name_object("AutomationAssetName", d.name),
                    )
                ],
            )
        if isinstance(d, UnknownDescriptor):
            members = [] if d.text is None else [("<Text>k__BackingField", STRING, d.text)]
            return self.instance(d.class_name, members)
        raise TypeError(d)

    def dictionary(self, parameters: dict[str, Descriptor]) -> Instance:
        asm = self.asm
        arguments = (
            f"[[{NS}.ExecutableView.ParameterName, {asm}],"
            f"[{NS}.ExecutableView.IValueDescriptor, {asm}]]"
        )
        name = "System.Collections.Generic.Dictionary`2" + arguments
        pair_name = "System.Collections.Generic.KeyValuePair`2" + arguments
        members: list[tuple[str, MemberType, Any]] = [
            ("Version", INT32, len(parameters)),
            ("Comparer", system_class(self.comparer.class_name), self.comparer),
            ("HashSize", INT32, _hash_size(len(parameters))),
        ]
        if parameters:  # an empty dictionary has no KeyValuePairs member at all
            pairs = []
            for key, value in parameters.items():
                descriptor = self.descriptor(value)
                pairs.append(
                    Instance(
                        pair_name,
                        [
                            (
                                "key",
                                self.model("ExecutableView.ParameterName"),
                                self.name_object("ParameterName", key),
                            ),
                            # BinaryFormatter records the runtime class of the first value.
                            ("value", klass(descriptor.class_name, asm), descriptor),
                        ],
                        None,
                        value_type=True,
                    )
                )
            array = Array(pairs, kind="binary", element=system_class(pair_name))
            members.append(("KeyValuePairs", system_class(pair_name + "[]"), array))
        return Instance(name, members)

    # ---------------------------------------------------------- activities
    def signature(self, parameter_set: str, parameters: dict[str, Descriptor]) -> Instance:
        """``InputParameterSets``: a copy of the cmdlet signature (one set here)."""
        signature = [
            self.instance(
                "Parameter",
                [
                    ("<DefaultValue>k__BackingField", OBJECT, None),
                    (
                        "<Name>k__BackingField",
                        self.model("ExecutableView.ParameterName"),
                        self.name_object("ParameterName", name),
                    ),
                    ("<Optional>k__BackingField", BOOLEAN, name != "Name"),
                    ("<TypeName>k__BackingField", STRING, "System.String"),
                    ("<Description>k__BackingField", STRING, None),
                ],
            )
            for name in parameters
        ]
        parameter_set_object = self.instance(
            "ParameterSet",
            [
                ("<Name>k__BackingField", STRING, parameter_set),
                ("<OutputTypeName>k__BackingField", STRING, None),
                (
                    "<Parameters>k__BackingField",
                    system_class(self.list_type("Parameter")),
                    self.list_of("Parameter", signature),
                ),
            ],
        )
        return self.list_of("ParameterSet", [parameter_set_object])

    def common(
        self, activity: ActivitySpec, index: int, description: str
    ) -> list[tuple[str, MemberType, Any]]:
        return [
            (
                "Activity+<Name>k__BackingField",
                self.model("ExecutableView.ActivityName"),
                self.name_object("ActivityName", activity.name),
            ),
            ("Activity+<EntityId>k__BackingField", STRING, self.entity_ids[activity.name]),
            ("Activity+<PositionX>k__BackingField", INT32, 100 + 220 * (index % 4)),
            ("Activity+<PositionY>k__BackingField", INT32, 60 + 160 * (index // 4)),
            (
                "Activity+<Description>k__BackingField",
                STRING,
                description or self.text(""),
            ),
        ]

    def loop_members(self, loop_exit: str) -> list[tuple[str, MemberType, Any]]:
        if not self.family.loops:
            return []
        return [
            (
                "LoopableActivity+loopExitCondition",
                self.model("Condition"),
                self.condition(loop_exit),
            ),
            (
                "LoopableActivity+<LoopDelay>k__BackingField",
                self.model("ConstantValueDescriptor"),
                self.descriptor(Constant(TimeSpan(0))),
            ),
        ]

    def invocation(
        self, spec: Command | InvokeRunbook, type_member: tuple[str, MemberType, Any], index: int
    ) -> Instance:
        family = self.family
        members = [type_member]
        if family.flatten:
            members.append(("InvocationActivity+<Flatten>k__BackingField", BOOLEAN, False))
        dictionary = self.dictionary(spec.parameters)
        custom = spec.custom_parameters if isinstance(spec, Command) else ""
        members += [
            ("InvocationActivity+<ParameterSetName>k__BackingField", STRING, spec.parameter_set),
            (
                "InvocationActivity+<Parameters>k__BackingField",
                system_class(dictionary.class_name),
                dictionary,
            ),
            (
                "InvocationActivity+<CustomParameters>k__BackingField",
                STRING,
                custom or self.text(""),
            ),
            (
                "InvocationActivity+<CheckpointAfter>k__BackingField",
                BOOLEAN,
                getattr(spec, "checkpoint_after", False),
            ),
        ]
        if family.exceptions_to_errors:
            members.append(
                ("InvocationActivity+<ExceptionsToErrors>k__BackingField", BOOLEAN, False)
            )
        members += self.loop_members(spec.loop_exit)
        members += self.common(spec, index, spec.description)
        kind = "CommandActivity" if isinstance(spec, Command) else "InvokeRunbookActivity"
        return self.instance(kind, members)

    def activity(self, spec: ActivitySpec, index: int) -> Instance:
        if isinstance(spec, Command):
            command_type = self.instance(
                "CommandActivityType",
                [
                    (
                        "<InputParameterSets>k__BackingField",
                        system_class(self.list_type("ParameterSet")),
                        self.signature(spec.parameter_set, spec.parameters),
                    ),
                    ("<CommandName>k__BackingField", STRING, spec.command),
                    (
                        "<ModuleName>k__BackingField",
                        STRING,
                        spec.module or self.text(""),
                    ),
                ],
            )
            member = (
                "<CommandType>k__BackingField",
                self.model("CommandActivityType"),
                command_type,
            )
            return self.invocation(spec, member, index)
        if isinstance(spec, InvokeRunbook):
            runbook_type = self.instance(
                "InvokeRunbookActivityType",
                [
                    (
                        "<InputParameterSets>k__BackingField",
                        system_class(self.list_type("ParameterSet")),
                        self.signature(spec.parameter_set, spec.parameters),
                    ),
                    ("<CommandName>k__BackingField", STRING, spec.runbook),
                ],
            )
            member = (
                "<RunbookActivityType>k__BackingField",
                self.model("InvokeRunbookActivityType"),
                runbook_type,
            )
            return self.invocation(spec, member, index)
        if isinstance(spec, Code):
            family = self.family
            members: list[tuple[str, MemberType, Any]] = [
                ("<Begin>k__BackingField", STRING, spec.begin or self.text("")),
                ("<Process>k__BackingField", STRING, spec.process or self.text("")),
                ("<End>k__BackingField", STRING, spec.end or self.text("")),
            ]
            if family.flatten:
                members.append(("<Flatten>k__BackingField", BOOLEAN, False))
            members.append(("<CheckpointAfter>k__BackingField", BOOLEAN, False))
            if family.exceptions_to_errors:
                members.append(("<ExceptionsToErrors>k__BackingField", BOOLEAN, False))
            if family.output_type_names:
                members.append(
                    (
                        "<OutputTypeNames>k__BackingField",
                        system_class(self.list_type(None)),
                        self.list_of(None, list(spec.output_types)),
                    )
                )
            members += self.loop_members(spec.loop_exit)
            members += self.common(spec, index, spec.description)
            return self.instance("WorkflowScriptActivity", members)
        if isinstance(spec, Junction):
            members = [("<CheckpointAfter>k__BackingField", BOOLEAN, False)]
            members += self.common(spec, index, spec.description)
            return self.instance("JunctionActivity", members)
        if isinstance(spec, UnknownActivity):
            members = [("<Gadget>k__BackingField", STRING, "sprocket")]
            members += self.common(spec, index, "")
            return self.instance(spec.class_name, members)
        raise TypeError(spec)

    def link(self, spec: Link) -> Instance:
        members: list[tuple[str, MemberType, Any]] = []
        if self.family.root_extras:
            stream = {"Output": 0, "Error": 1}[spec.stream]
            members.append(
                ("linkStreamType", system_class("System.Int32"), Boxed(PrimitiveType.INT32, stream))
            )
        members.append(
            ("condition", self.model("Condition"), self.condition(spec.condition, spec.enabled))
        )
        if self.family.link_enabled_delay:
            members.append(("<Delay>k__BackingField", TIMESPAN, TimeSpan(0)))
        members += [
            ("<Description>k__BackingField", STRING, spec.description or self.text("")),
            (
                "<DestinationActivityEntityId>k__BackingField",
                STRING,
                self.entity_ids[spec.destination],
            ),
        ]
        if self.family.link_enabled_delay:
            members.append(("<Enabled>k__BackingField", BOOLEAN, True))
        members += [
            (
                "<LinkType>k__BackingField",
                self.model("ExecutableView.LinkType"),
                self.enum(
                    "ExecutableView.LinkType", {"Sequence": 0, "Pipeline": 1}[spec.link_type]
                ),
            ),
            ("<SourceActivityEntityId>k__BackingField", STRING, self.entity_ids[spec.source]),
        ]
        return self.instance("Link", members)

    def parameter(self, spec: Parameter) -> Instance:
        default = spec.default
        if isinstance(default, bool):
            default = Boxed(PrimitiveType.BOOLEAN, default)
        elif isinstance(default, int):
            default = Boxed(PrimitiveType.INT32, default)
        return self.instance(
            "Parameter",
            [
                ("<DefaultValue>k__BackingField", OBJECT, default),
                (
                    "<Name>k__BackingField",
                    self.model("ExecutableView.ParameterName"),
                    self.name_object("ParameterName", spec.name),
                ),
                ("<Optional>k__BackingField", BOOLEAN, spec.optional),
                ("<TypeName>k__BackingField", STRING, spec.type_name),
                ("<Description>k__BackingField", STRING, spec.description),
            ],
        )

    def build(self) -> Instance:
        spec = self.spec
        members: list[tuple[str, MemberType, Any]] = [
            (
                "parameters",
                system_class(self.list_type("Parameter")),
                self.list_of("Parameter", [self.parameter(p) for p in spec.parameters]),
            ),
            (
                "activities",
                system_class(self.list_type("Activity")),
                self.list_of(
                    "Activity", [self.activity(a, i) for i, a in enumerate(spec.activities)]
                ),
            ),
            (
                "links",
                system_class(self.list_type("Link")),
                self.list_of("Link", [self.link(link) for link in spec.links]),
            ),
        ]
        if self.family.root_extras:
            comments = [
                self.instance(
                    "Comment",
                    [
                        ("<Text>k__BackingField", STRING, comment.text),
                        ("<PositionX>k__BackingField", INT32, 40),
                        ("<PositionY>k__BackingField", INT32, 40 + 80 * i),
                    ],
                )
                for i, comment in enumerate(spec.comments)
            ]
            members.append(
                (
                    "comments",
                    system_class(self.list_type("Comment")),
                    self.list_of("Comment", comments),
                )
            )
            members.append(
                (
                    "outputTypes",
                    system_class(self.list_type(None)),
                    self.list_of(None, list(spec.output_types)),
                )
            )
        return self.instance("GraphRunbook", members)


def build_graph(runbook: Runbook, schema: str = "1.10", assembly: str | None = None) -> Instance:
    """The ``GraphRunbook`` object graph a portal export of ``schema`` would hold."""
    return GraphBuilder(runbook, schema, assembly).build()


def payload(
    graph: Runbook | Instance,
    schema: str = "1.10",
    *,
    padding: bool = True,
    layout: str = "dotnet",
) -> bytes:
    """The NRBF stream (zero-padded to a power of two unless ``padding`` is False)."""
    root = graph if isinstance(graph, Instance) else build_graph(graph, schema)
    data = serialize(root, layout=layout)
    return pad_power_of_two(data) if padding else data


def container(
    definition: bytes | str,
    schema: str = "1.10",
    runbook_type: str | None = "GraphPowerShell",
    *,
    bom: bool = False,
) -> bytes:
    """The outer JSON object. Schemas before 1.7 have no RunbookType key."""
    if isinstance(definition, bytes):
        definition = base64.b64encode(definition).decode("ascii")
    document: dict[str, Any] = {"SchemaVersion": schema, "RunbookDefinition": definition}
    if runbook_type is not None and family(schema).has_runbook_type:
        document["RunbookType"] = runbook_type
    data = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def export(
    graph: Runbook | Instance,
    schema: str = "1.10",
    runbook_type: str | None = "GraphPowerShell",
    bom: bool = False,
    padding: bool = True,
) -> bytes:
    """A complete ``.graphrunbook`` file."""
    return container(payload(graph, schema, padding=padding), schema, runbook_type, bom=bom)
