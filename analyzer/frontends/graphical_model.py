"""Graphical runbook exports (``.graphrunbook``): container → NRBF → a plain model.

Three layers: an outer JSON object, base64 of a BinaryFormatter stream, and the
``Orchestrator.GraphRunbook.Model`` object graph inside it. This module peels them and maps
the object graph onto small dataclasses (parameters, activities, value descriptors,
links) that both the graphical frontend and ``runbook-analyzer dump`` use. Every member
that depends on the schema version is read as optional, because headers can be wrong
(a hand-edited ``"2.10999"`` exists over a 1.10 payload). What the model does not know (a
schema version, an activity or value class, bytes after the end) is recorded as an
:class:`Unknown` beside what was read, never instead of it: only a file that cannot be
decoded raises :class:`GraphRunbookError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from analyzer.frontends.nrbf import NObject, NrbfError, TimeSpan, read_stream

#: A real export is under 100 KB; refuse to decode absurd sizes before allocating.
MAX_DEFINITION_CHARS = 24 * 1024 * 1024
KNOWN_ACTIVITIES = frozenset(
    {"CommandActivity", "InvokeRunbookActivity", "WorkflowScriptActivity", "JunctionActivity"}
)


class GraphRunbookError(Exception):
    """The file is not a readable graphical runbook export (reported as RB902)."""


@dataclass(frozen=True)
class Descriptor:
    """How an activity parameter gets its value (``IValueDescriptor``).

    ``kind`` is the class name without ``ValueDescriptor``: ``Constant``, ``NullConstant``,
    ``EmptyStringConstant``, ``RunbookParameter``, ``ActivityOutput``,
    ``PowerShellExpression``, ``AutomationVariable``, ``AutomationConnection``,
    ``AutomationCredential``, ``AutomationCertificate``, or the class name of anything
    unknown.
    """

    kind: str
    value: Any = None
    parameter: str | None = None
    activity: str | None = None
    field_path: tuple[str, ...] = ()
    expression: str | None = None
    asset: str | None = None


@dataclass(frozen=True)
class RunbookParameter:
    name: str
    type_name: str | None
    optional: bool
    default: Any
    description: str | None


@dataclass(frozen=True)
class Activity:
    kind: str  # CommandActivity, InvokeRunbookActivity, WorkflowScriptActivity, …
    name: str
    entity_id: str | None
    command: str | None = None
    module: str | None = None
    parameter_set: str | None = None
    parameters: tuple[tuple[str, Descriptor], ...] = ()
    custom_parameters: str | None = None
    code: tuple[tuple[str, str], ...] = ()  # (Begin|Process|End, text)
    loop_exit_condition: str | None = None
    description: str | None = None
    position: tuple[int | None, int | None] = (None, None)


@dataclass(frozen=True)
class Link:
    source: str | None
    destination: str | None
    link_type: str
    stream: str
    condition: str | None
    condition_enabled: bool


@dataclass(frozen=True)
class Unknown:
    """Something the model does not know, in a file it could decode (reported as RB907).

    ``activity`` and ``entity_id`` say where, when it is one activity; ``parameter``
    narrows it to one of that activity's parameters.
    """

    message: str
    help: str
    activity: str | None = None
    entity_id: str | None = None
    parameter: str | None = None


@dataclass
class GraphRunbookModel:
    schema_version: str
    schema: tuple[int, int] | None
    runbook_type: str | None
    model_assembly: str | None
    parameters: list[RunbookParameter] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    #: Trailing bytes after MessageEnd that are not NUL padding.
    odd_padding: bool = False
    #: Things the model does not know (schema version, activity or descriptor classes,
    #: trailing bytes): reported, while everything known is still read.
    unknowns: list[Unknown] = field(default_factory=list)

    @property
    def workflow(self) -> bool:
        return (self.runbook_type or "").lower() == "graphpowershellworkflow"


def parse_version(text: str) -> tuple[int, int] | None:
    """``"1.10"`` → (1, 10); compared as integers, never as strings or floats."""
    parts = text.strip().split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def decode_container(data: bytes) -> tuple[dict[str, Any], bytes]:
    """Outer JSON and the decoded NRBF payload."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise GraphRunbookError("not a graphical runbook export: the file is not UTF-8") from None
    if not text.strip():
        raise GraphRunbookError("not a graphical runbook export: the file is empty (no JSON)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if re.search(r"^<{7}(?: |$)", text, re.M):
            raise GraphRunbookError(
                "the export holds git merge-conflict markers (<<<<<<<); keep one of the "
                "two versions"
            ) from None
        if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()):
            raise GraphRunbookError(
                "the export is cut off: its JSON ends before it is complete, at line "
                f"{text.count(chr(10)) + 1}"
            ) from None
        raise GraphRunbookError(
            f"not a graphical runbook export: invalid JSON at line {exc.lineno}, "
            f"column {exc.colno} ({exc.msg})"
        ) from None
    if not isinstance(document, dict):
        raise GraphRunbookError("not a graphical runbook export: the JSON is not an object")
    definition = document.get("RunbookDefinition")
    if not isinstance(definition, str):
        raise GraphRunbookError(
            "not a graphical runbook export: no RunbookDefinition string in the JSON"
        )
    if len(definition) > MAX_DEFINITION_CHARS:
        raise GraphRunbookError(
            f"RunbookDefinition is {len(definition)} characters, over the "
            f"{MAX_DEFINITION_CHARS} limit for an export"
        )
    try:
        payload = base64.b64decode(definition.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise GraphRunbookError("RunbookDefinition is not valid base64") from None
    return document, payload


def _text(value: Any) -> str | None:
    """Strings, and ``CaseInsensitiveName`` objects (activity, parameter, asset names)."""
    if isinstance(value, str):
        return value
    if isinstance(value, NObject):
        name = value.member("name")
        return name if isinstance(name, str) else None
    return None


def _items(value: Any) -> list[Any]:
    """Elements of a serialized ``List<T>`` (``_items`` is padded past ``_size``)."""
    if isinstance(value, list):
        return [v for v in value if v is not None]
    if not isinstance(value, NObject):
        return []
    items = value.member("_items")
    size = value.member("_size")
    if not isinstance(items, list):
        return []
    if isinstance(size, int) and 0 <= size <= len(items):
        items = items[:size]
    return [v for v in items if v is not None]


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    """Entries of a serialized ``Dictionary<K,V>`` (empty ones have no ``KeyValuePairs``)."""
    if not isinstance(value, NObject):
        return []
    pairs = value.member("KeyValuePairs")
    out = []
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, NObject):
            out.append((pair.member("key"), pair.member("value")))
    return out


def _enum(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, NObject):
        inner = value.member("value__")
        return inner if isinstance(inner, int) else None
    return None


def _plain(value: Any) -> Any:
    """Primitive values as JSON-friendly Python values.

    Never recurses into object graphs: the reader shares objects between paths, so
    printing one in full could take time exponential in the file's size.
    """
    if isinstance(value, TimeSpan):
        return f"{value.ticks / 10_000_000:g}s"
    if isinstance(value, NObject):
        return _text(value) or f"<{value.bare_class}>"
    if isinstance(value, list):
        if len(value) <= 64 and all(
            v is None or isinstance(v, (str, int, float, bool)) for v in value
        ):
            return list(value)
        return f"<array of {len(value)}>"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return f"<{type(value).__name__}>"


def descriptor(value: Any) -> Descriptor:
    if not isinstance(value, NObject):
        return Descriptor("Constant", _plain(value))
    kind = value.bare_class
    short = kind[: -len("ValueDescriptor")] if kind.endswith("ValueDescriptor") else kind
    if short == "Constant":
        return Descriptor(short, _plain(value.member("Value")))
    if short in ("NullConstant", "EmptyStringConstant"):
        return Descriptor(short, None if short == "NullConstant" else "")
    if short == "RunbookParameter":
        return Descriptor(short, parameter=_text(value.member("ParameterName")))
    if short == "ActivityOutput":
        path = value.member("FieldPath")
        # string[] from schema 1.7 on; a List<string> object in 1.0 and 1.2.
        fields = tuple(p for p in _items(path) if isinstance(p, str))
        return Descriptor(short, activity=_text(value.member("ActivityName")), field_path=fields)
    if short == "PowerShellExpression":
        expression = value.member("expression")
        return Descriptor(short, expression=expression if isinstance(expression, str) else None)
    if short.startswith("Automation") and short[len("Automation") :] in (
        "Variable",
        "Connection",
        "Credential",
        "Certificate",
    ):
        noun = short[len("Automation") :]
        asset = _text(value.member(f"{noun}Name"))
        if asset is None:  # member names were never seen for all four; take any name
            asset = next((_text(v) for v in value.members.values() if _text(v) is not None), None)
        return Descriptor(short, asset=asset)
    return Descriptor(kind)


KNOWN_DESCRIPTORS = frozenset(
    {
        "Constant",
        "NullConstant",
        "EmptyStringConstant",
        "RunbookParameter",
        "ActivityOutput",
        "PowerShellExpression",
        "AutomationVariable",
        "AutomationConnection",
        "AutomationCredential",
        "AutomationCertificate",
    }
)
#: Schema versions seen in real exports (1.0 to 1.10); others are reported, then read.
KNOWN_SCHEMAS = ((1, 0), (1, 10))
#: Model assembly versions of real exports, and the schemas whose content each one holds.
KNOWN_MODELS = {"7.2.0.0": "1.0 to 1.9", "7.3.0.0": "1.10"}
_ASSEMBLY_VERSION = re.compile(r"\bVersion=([\d.]+)")


def _activity(obj: NObject) -> Activity:
    kind = obj.bare_class
    name = _text(obj.member("Name")) or ""
    entity_id = obj.member("EntityId")
    command = module = None
    command_type = obj.member("CommandType") or obj.member("RunbookActivityType")
    if isinstance(command_type, NObject):
        command = _text(command_type.member("CommandName"))
        module = _text(command_type.member("ModuleName"))
    parameters = tuple(
        (_text(key) or "", descriptor(value)) for key, value in _pairs(obj.member("Parameters"))
    )
    code = tuple(
        (part, text)
        for part in ("Begin", "Process", "End")
        if isinstance(text := obj.member(part), str) and text.strip()
    )
    loop = obj.member("loopExitCondition")
    loop_expression = loop.member("expression") if isinstance(loop, NObject) else None
    if isinstance(loop, NObject) and _enum(loop.member("Mode")) == 1:
        loop_expression = None  # a disabled condition is never evaluated
    x, y = obj.member("PositionX"), obj.member("PositionY")
    custom = obj.member("CustomParameters")
    parameter_set = obj.member("ParameterSetName")
    description = obj.member("Description")
    return Activity(
        kind=kind,
        name=name,
        entity_id=entity_id if isinstance(entity_id, str) else None,
        command=command,
        module=module,
        parameter_set=parameter_set if isinstance(parameter_set, str) else None,
        parameters=parameters,
        custom_parameters=custom if isinstance(custom, str) and custom else None,
        code=code,
        loop_exit_condition=loop_expression
        if isinstance(loop_expression, str) and loop_expression.strip()
        else None,
        description=description if isinstance(description, str) and description else None,
        position=(x if isinstance(x, int) else None, y if isinstance(y, int) else None),
    )


def _link(obj: NObject, names: dict[str, str]) -> Link:
    source = _text(obj.member("SourceActivityEntityId"))
    destination = _text(obj.member("DestinationActivityEntityId"))
    condition = obj.member("condition")
    expression = condition.member("expression") if isinstance(condition, NObject) else None
    mode = _enum(condition.member("Mode")) if isinstance(condition, NObject) else None
    link_type = _enum(obj.member("LinkType"))
    stream = _enum(obj.member("linkStreamType"))
    return Link(
        source=names.get((source or "").lower(), source),
        destination=names.get((destination or "").lower(), destination),
        link_type={0: "Sequence", 1: "Pipeline"}.get(link_type or 0, str(link_type)),
        stream={0: "Output", 1: "Error"}.get(stream or 0, str(stream)),
        condition=expression if isinstance(expression, str) and expression.strip() else None,
        condition_enabled=mode == 0,
    )


def load_model(data: bytes) -> GraphRunbookModel:
    """Decode a ``.graphrunbook`` file; raise :class:`GraphRunbookError` if it is not one."""
    document, payload = decode_container(data)
    version = document.get("SchemaVersion")
    version_text = version if isinstance(version, str) else ""
    runbook_type = document.get("RunbookType")
    try:
        stream = read_stream(payload)
    except NrbfError as exc:
        shown = ""
        if version_text:
            newer = _is_newer(parse_version(version_text))
            shown = (
                f" (schema version {_quoted(version_text)}{', newer than known' if newer else ''})"
            )
        raise GraphRunbookError(f"the runbook definition cannot be decoded{shown}: {exc}") from None
    root = stream.root
    if not isinstance(root, NObject) or root.bare_class != "GraphRunbook":
        found = root.bare_class if isinstance(root, NObject) else type(root).__name__
        raise GraphRunbookError(f"the runbook definition holds a {found}, not a GraphRunbook")
    model = GraphRunbookModel(
        schema_version=version_text,
        schema=parse_version(version_text),
        runbook_type=runbook_type if isinstance(runbook_type, str) else None,
        model_assembly=root.library,
        odd_padding=any(payload[stream.end_offset :]),
    )
    for parameter in _items(root.member("parameters")):
        if not isinstance(parameter, NObject):
            continue
        model.parameters.append(
            RunbookParameter(
                name=_text(parameter.member("Name")) or "",
                type_name=_text(parameter.member("TypeName")),
                optional=bool(parameter.member("Optional")),
                default=_plain(parameter.member("DefaultValue")),
                description=_text(parameter.member("Description")) or None,
            )
        )
    for activity in _items(root.member("activities")):
        if isinstance(activity, NObject):
            model.activities.append(_activity(activity))
    schema_note = _schema_note(document, model.schema, model.model_assembly)
    if schema_note is not None:
        model.unknowns.append(schema_note)
    for activity in model.activities:
        if activity.kind not in KNOWN_ACTIVITIES:
            model.unknowns.append(
                Unknown(
                    f"activity of a kind the analyzer does not know ({activity.kind}); "
                    "only its parameters were checked",
                    "check this activity's assets and child runbooks by hand, or look for "
                    "a newer runbook-analyzer",
                    activity.name,
                    activity.entity_id,
                )
            )
        for parameter, d in activity.parameters:
            if d.kind not in KNOWN_DESCRIPTORS:
                model.unknowns.append(
                    Unknown(
                        f"value of a kind the analyzer does not know ({d.kind}); "
                        "it was not checked",
                        "check this value by hand, or look for a newer runbook-analyzer",
                        activity.name,
                        activity.entity_id,
                        parameter,
                    )
                )
    if model.odd_padding:
        model.unknowns.append(
            Unknown(
                "bytes other than NUL padding follow the end of the runbook definition; "
                "they were ignored",
                "export the runbook again from the portal if the file was edited or joined "
                "by a tool",
            )
        )
    names = {(a.entity_id or "").lower(): a.name for a in model.activities}
    for link in _items(root.member("links")):
        if isinstance(link, NObject):
            model.links.append(_link(link, names))
    for comment in _items(root.member("comments")):
        if isinstance(comment, NObject):
            text = comment.member("Text") or comment.member("text")
            if isinstance(text, str):
                model.comments.append(text)
    return model


def _quoted(value: Any) -> str:
    """A header value as the user would find it in the JSON, bounded for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_newer(schema: tuple[int, int] | None) -> bool:
    return schema is not None and schema > KNOWN_SCHEMAS[1]


def _schema_note(
    document: dict[str, Any], schema: tuple[int, int] | None, model: str | None
) -> Unknown | None:
    """The note for a SchemaVersion outside 1.0 to 1.10, naming what the content is.

    The header alone proves little (one public export says ``"2.10999"`` over a 1.10
    payload); the model assembly the payload was written with says which layout was read.
    """
    if schema is not None and KNOWN_SCHEMAS[0] <= schema <= KNOWN_SCHEMAS[1]:
        return None
    version = document.get("SchemaVersion")
    shown = _quoted(version)
    if version is None:
        header = "the export has no SchemaVersion"
    elif _is_newer(schema):
        header = f"schema version {shown} is newer than the analyzer knows (1.0 to 1.10)"
    else:
        header = f"schema version {shown} is not one the analyzer knows (1.0 to 1.10)"
    found = _ASSEMBLY_VERSION.search(model or "")
    assembly = found.group(1) if found else None
    if assembly in KNOWN_MODELS:
        return Unknown(
            f"{header}; its content is in the schema {KNOWN_MODELS[assembly]} model "
            "and was read as such",
            "if SchemaVersion was edited by hand, export the runbook again from the portal; "
            "otherwise look for a newer runbook-analyzer",
        )
    content = f"model {assembly}" if assembly else "an unknown model"
    return Unknown(
        f"{header}; its content ({content}) was read as schema 1.10, so some lookups "
        "may be missing",
        "look for a newer runbook-analyzer; until then, check this runbook's assets and "
        "child runbooks by hand",
    )


def model_to_dict(model: GraphRunbookModel) -> dict[str, Any]:
    """The readable form ``runbook-analyzer dump`` prints (deterministic key order)."""

    def describe(d: Descriptor) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": d.kind}
        for key in ("value", "parameter", "activity", "expression", "asset"):
            value = getattr(d, key)
            if value is not None or (key == "value" and d.kind == "Constant"):
                out[key] = value
        if d.field_path:
            out["field_path"] = list(d.field_path)
        return out

    return {
        "schema_version": model.schema_version,
        "runbook_type": model.runbook_type,
        "model_assembly": model.model_assembly,
        "parameters": [
            {
                "name": p.name,
                "type": p.type_name,
                "optional": p.optional,
                "default": p.default,
                "description": p.description,
            }
            for p in model.parameters
        ],
        "activities": [
            {
                "name": a.name,
                "entity_id": a.entity_id,
                "type": a.kind,
                **({"command": a.command, "module": a.module} if a.command is not None else {}),
                **({"parameter_set": a.parameter_set} if a.parameter_set else {}),
                "parameters": {name: describe(d) for name, d in a.parameters},
                **({"custom_parameters": a.custom_parameters} if a.custom_parameters else {}),
                **({"code": dict(a.code)} if a.code else {}),
                **({"loop_exit_condition": a.loop_exit_condition} if a.loop_exit_condition else {}),
                **({"description": a.description} if a.description else {}),
                "position": list(a.position),
            }
            for a in model.activities
        ],
        "links": [
            {
                "from": link.source,
                "to": link.destination,
                "type": link.link_type,
                "stream": link.stream,
                **({"condition": link.condition} if link.condition else {}),
                "condition_enabled": link.condition_enabled,
            }
            for link in model.links
        ],
        "comments": model.comments,
    }
