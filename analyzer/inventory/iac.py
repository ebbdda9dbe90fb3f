"""What Bicep, ARM-in-HCL (``azapi_resource``) and Terraform loaders share.

ARM resource type → inventory kind, ARM property mapping (connection types and fields,
encryption, runbook types), partly known values with the reason they are unknown, and the
declarations, coverage and secrets built from them. Kept apart from the format readers so
each reader stays about its own syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.inventory.model import (
    ARM_CHILD_KINDS,
    LOOKUP_KINDS,
    Coverage,
    Declaration,
    FieldDef,
    InventoryKind,
    InventoryProblem,
    LoadResult,
    SecretLiteral,
    SourceRef,
    fold,
)

if TYPE_CHECKING:
    from analyzer.inventory.loader import LoadContext


#: Inventory files larger than this are reported, not read: real IaC files are far smaller,
#: and every loader must do bounded work on any input.
MAX_FILE_CHARS = 4_000_000
#: Loop instances, collection items and fileset() matches a loader expands at most.
MAX_ITEMS = 1000
#: Expression evaluation steps per file; beyond it values become unknown.
EVAL_BUDGET = 200_000
#: Nesting of one evaluation (keeps far below Python's recursion limit).
MAX_EVAL_DEPTH = 120
#: Declarations one file may yield (loops over loops stay bounded).
MAX_DECLARATIONS = 10_000
#: Raw names longer than this are shortened in declarations (they end up in reports).
MAX_RAW = 300
#: Bytes read by loadTextContent()/loadJsonContent()/terraform.tfvars.
MAX_SIDE_FILE = 1_000_000


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known statically: why, and which parts of a string are known.

    ``pieces`` holds known text and ``None`` for each unknown gap, so a partly known name
    becomes a pattern (``tftest*``) and ``'${account}/${name}'`` can still be split into
    account and child. ``input`` marks values that depend on a deployment input (a
    parameter or variable without a value): a reusable module, whose declarations must not
    claim coverage (reference §9.4).
    """

    reason: str
    pieces: tuple[str | None, ...] | None = None
    input: bool = False

    @property
    def pattern(self) -> str | None:
        if not self.pieces:
            return None
        out: list[str] = []
        for piece in self.pieces:
            if piece is None:
                if not out or out[-1] != "*":
                    out.append("*")
            elif piece:
                out.append(_glob_escape(piece))
        pattern = "".join(out)
        return None if not pattern.strip("*") else pattern

    def opaque(self) -> Unknown:
        """The same unknown without string structure (after a non-string operation)."""
        return Unknown(self.reason, None, self.input)


@dataclass(frozen=True, slots=True)
class ResourceId:
    """The id of a declared resource (``parent_id``, ``automation_account_id``): its kind
    and name are all the analyzer needs from it."""

    kind: str
    name: object


def _glob_escape(text: str) -> str:
    """Literal name parts must not act as wildcards in an fnmatch pattern."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def first_unknown(values: Iterable[object]) -> Unknown | None:
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def to_text(value: object) -> str | Unknown:
    """A value as it appears inside an interpolated string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceId):
        return Unknown("a resource id is known only after deployment")
    if value is None:
        return Unknown("null used as text")
    return Unknown("a collection used as text")


def join_text(parts: Iterable[object]) -> str | Unknown:
    """Concatenate values as text; unknown parts become gaps of the result's pattern."""
    pieces: list[str | None] = []
    unknown: Unknown | None = None
    is_input = False
    for part in parts:
        text = to_text(part)
        if isinstance(text, Unknown):
            unknown = unknown or text
            is_input = is_input or text.input
            pieces.extend(text.pieces if text.pieces else (None,))
        else:
            pieces.append(text)
    if unknown is None:
        return "".join(p for p in pieces if p is not None)
    return Unknown(unknown.reason, _merge_pieces(pieces), is_input)


def _merge_pieces(pieces: list[str | None]) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for piece in pieces:
        if piece is None:
            if not out or out[-1] is not None:
                out.append(None)
        elif piece:
            if out and out[-1] is not None:
                out[-1] = f"{out[-1]}{piece}"
            else:
                out.append(piece)
    return tuple(out)


def map_text(value: object, function: Callable[[str], str]) -> object:
    """Apply a string function to a known string or to the known pieces of a partial one."""
    if isinstance(value, str):
        return function(value)
    if isinstance(value, Unknown):
        if value.pieces:
            pieces = tuple(None if p is None else function(p) for p in value.pieces)
            return Unknown(value.reason, pieces, value.input)
        return value
    return Unknown("not a string")


def split_segments(value: object, count: int) -> list[object] | None:
    """Split ``account/child`` into ``count`` segments; partly known names split on their
    known slashes, so the child can be known when only the account is not."""
    if count == 1:
        return [value]
    if isinstance(value, str):
        parts: list[object] = list(value.split("/"))
        return parts if len(parts) == count else None
    if not isinstance(value, Unknown) or not value.pieces:
        return None
    segments: list[list[str | None]] = [[]]
    for piece in value.pieces:
        if piece is None:
            segments[-1].append(None)
            continue
        chunks = piece.split("/")
        segments[-1].append(chunks[0])
        segments.extend([chunk] for chunk in chunks[1:])
    if len(segments) != count:
        return None
    out: list[object] = []
    for segment in segments:
        if None in segment:
            out.append(Unknown(value.reason, _merge_pieces(segment), value.input))
        else:
            out.append("".join(p for p in segment if p is not None))
    return out


def get_ci(mapping: object, key: str) -> object:
    """Case-insensitive property lookup (ARM property names are case-insensitive)."""
    if not isinstance(mapping, dict):
        return None
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    for existing, value in mapping.items():
        if isinstance(existing, str) and existing.lower() == lowered:
            return value
    return None


def as_flag(value: object) -> bool | None:
    """ARM flags: booleans, ``0``/``1`` in old samples, and ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


RUNBOOK_TYPES = (
    "Graph",
    "GraphPowerShell",
    "GraphPowerShellWorkflow",
    "PowerShell",
    "PowerShell7",
    "PowerShell72",
    "PowerShellWorkflow",
    "Python",
    "Python2",
    "Python3",
    "Script",
)


def canonical_runbook_type(value: object) -> str | None:
    """The SDK spelling of a runbook type (providers accept any case)."""
    if not isinstance(value, str) or not value:
        return None
    for known in RUNBOOK_TYPES:
        if known.lower() == value.lower():
            return known
    return value


def arm_child_type(type_string: str) -> str | None:
    """The last segment of an ARM child type (``connections``), lower case."""
    parts = type_string.split("@", 1)[0].strip().lower().split("/")
    return parts[2] if len(parts) == 3 else None


def arm_type_kind(type_string: str) -> tuple[InventoryKind, int] | None:
    """Kind and number of ``/``-segments of the name for an ARM resource type
    (``Microsoft.Automation/automationAccounts/connections@2023-11-01`` → connection, 2)."""
    parts = type_string.split("@", 1)[0].strip().lower().split("/")
    if len(parts) < 2 or parts[0] != "microsoft.automation" or parts[1] != "automationaccounts":
        return None
    if len(parts) == 2:
        return "account", 1
    if len(parts) == 3 and parts[2] in ARM_CHILD_KINDS:
        return ARM_CHILD_KINDS[parts[2]], 2
    return None


@dataclass
class Details:
    """Kind-specific facts of one declaration (ARM ``properties`` or provider attributes)."""

    connection_type: str | None = None
    fields: tuple[FieldDef, ...] | None = None
    encrypted: bool | None = None
    runbook_type: str | None = None
    properties: tuple[tuple[str, str], ...] = ()


#: How ARM spells module child types (the ``resourceType`` property the ARM loader records).
MODULE_RESOURCE_TYPES = {
    "modules": "modules",
    "powershell72modules": "powershell72Modules",
    "python2packages": "python2Packages",
    "python3packages": "python3Packages",
}


def property_text(value: object) -> str | None:
    """A property value as RB304 compares it (the ARM loader's rules: no booleans,
    collections or unknowns)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list, Unknown)):
        return None
    text = to_text(value)
    return text if isinstance(text, str) else None


def arm_details(kind: str, properties: object, child_type: str | None = None) -> Details:
    """What the ARM ``properties`` of an asset tell (same for ARM, Bicep and azapi), with
    the printable properties labelled as the ARM loader labels them (RB304 compares them
    across formats)."""
    details = Details()
    printable: list[tuple[str, str]] = []

    def record(label: str, value: object) -> None:
        text = property_text(value)
        if text is not None:
            printable.append((label, text))

    if kind == "variable":
        flag = get_ci(properties, "isEncrypted") if isinstance(properties, dict) else None
        if properties is None or (isinstance(properties, dict) and flag is None):
            details.encrypted = False
        else:
            details.encrypted = as_flag(flag)
        if details.encrypted is not None:
            record("isEncrypted", "true" if details.encrypted else "false")
    if not isinstance(properties, dict):
        details.properties = tuple(printable)
        return details
    if kind == "connection":
        connection_type = get_ci(get_ci(properties, "connectionType"), "name")
        if isinstance(connection_type, str):
            details.connection_type = connection_type
            record("connectionType", connection_type)
        values = get_ci(properties, "fieldDefinitionValues")
        if isinstance(values, dict):
            details.fields = tuple(FieldDef(str(k)) for k in values)
    elif kind == "connection_type":
        definitions = get_ci(properties, "fieldDefinitions")
        if isinstance(definitions, dict):
            details.fields = tuple(
                FieldDef(
                    str(name),
                    encrypted=as_flag(get_ci(spec, "isEncrypted")) is True,
                    optional=as_flag(get_ci(spec, "isOptional")) is True,
                    type=value if isinstance(value := get_ci(spec, "type"), str) else None,
                )
                for name, spec in definitions.items()
            )
            record("fields", ",".join(f.name for f in details.fields))
    elif kind == "credential":
        record("userName", get_ci(properties, "userName"))
    elif kind == "certificate":
        exportable = as_flag(get_ci(properties, "isExportable"))
        if exportable is not None:
            record("isExportable", "true" if exportable else "false")
    elif kind == "runbook":
        runbook_type = get_ci(properties, "runbookType")
        details.runbook_type = canonical_runbook_type(runbook_type)
        record("runbookType", runbook_type)
        record("runtimeEnvironment", get_ci(properties, "runtimeEnvironment"))
    elif kind == "dsc_configuration":
        record("sourceType", get_ci(get_ci(properties, "source"), "type"))
    elif kind in ("module", "python_package"):
        record("resourceType", MODULE_RESOURCE_TYPES.get((child_type or "").lower()))
        record("version", get_ci(get_ci(properties, "contentLink"), "version"))
    details.properties = tuple(printable)
    return details


def account_name(value: object) -> str | None:
    """The account a child belongs to, from a name, a resource id or an ARM id string."""
    if isinstance(value, ResourceId):
        value = value.name if value.kind == "account" else None
    if isinstance(value, str) and value:
        marker = "/automationaccounts/"
        lowered = value.lower()
        if marker in lowered:
            rest = value[lowered.rindex(marker) + len(marker) :]
            return rest.split("/", 1)[0] or None
        return value
    return None


def shorten(raw: str) -> str:
    raw = raw.strip()
    return raw if len(raw) <= MAX_RAW else raw[: MAX_RAW - 1] + "…"


@dataclass(frozen=True, slots=True)
class FieldLiteral:
    """A connection field given a literal value: a secret if its type marks it encrypted,
    which is known only once every connection type of the directory has been read."""

    connection: str | None
    connection_type: str | None
    field: str
    line: int | None


@dataclass
class Analysis:
    """What one file declares, before directory-wide facts (connection types) are applied."""

    declarations: list[Declaration] = field(default_factory=list)
    #: Per declaration: it depends on deployment inputs (no coverage claim).
    input_only: list[bool] = field(default_factory=list)
    secrets: list[SecretLiteral] = field(default_factory=list)
    field_literals: list[FieldLiteral] = field(default_factory=list)
    problems: list[InventoryProblem] = field(default_factory=list)

    def add(self, declaration: Declaration, input_only: bool = False) -> None:
        if len(self.declarations) >= MAX_DECLARATIONS:
            if not any(p.message.startswith("more than") for p in self.problems):
                self.problems.append(
                    InventoryProblem(
                        declaration.source.path,
                        declaration.source.line,
                        f"more than {MAX_DECLARATIONS} declarations in one file; the rest are "
                        "ignored",
                    )
                )
            return
        self.declarations.append(declaration)
        self.input_only.append(input_only)


def declaration(
    kind: InventoryKind,
    name: object,
    raw: str,
    source: SourceRef,
    account: object,
    details: Details,
) -> tuple[Declaration, bool]:
    """A declaration from an evaluated name; unknown names keep their reason and pattern.

    Returns the declaration and whether it depends on deployment inputs (its name or its
    account is a parameter/variable without a value): such a template is reusable and is
    no evidence of what a particular account holds.
    """
    depends_on_input = isinstance(account, Unknown) and account.input
    if isinstance(name, bool) or name is None or isinstance(name, (dict, list)):
        name = Unknown("the name is not a string")
    elif isinstance(name, (int, float)):
        name = to_text(name)
    elif isinstance(name, ResourceId):
        name = Unknown("the name is a resource id")
    elif isinstance(name, str) and not name.strip():
        name = Unknown("the name is empty")
    common: dict[str, Any] = {
        "account": account_name(account),
        "connection_type": details.connection_type,
        "fields": details.fields,
        "encrypted": details.encrypted,
        "runbook_type": details.runbook_type,
        "properties": details.properties,
    }
    if isinstance(name, Unknown):
        return (
            Declaration(
                kind, None, shorten(raw), source, reason=name.reason, pattern=name.pattern, **common
            ),
            name.input or depends_on_input,
        )
    return Declaration(kind, str(name), shorten(raw), source, **common), depends_on_input


def coverage(analysis: Analysis, path: str, fmt: str) -> list[Coverage]:
    """One Coverage per (lookup kind, account) the file declares at least one asset of —
    unless every such declaration is named by deployment inputs only (a reusable module
    is no evidence of what an account holds; reference §9.4)."""
    out: dict[tuple[str, str | None], Coverage] = {}
    for decl, input_only in zip(analysis.declarations, analysis.input_only, strict=True):
        if decl.kind not in LOOKUP_KINDS or input_only:
            continue
        key = (decl.kind, fold(decl.account) if decl.account else None)
        if key not in out:
            out[key] = Coverage(decl.kind, decl.account, SourceRef(path, decl.source.line, fmt))
    return list(out.values())


def encrypted_fields(declarations: Iterable[Declaration]) -> dict[str, set[str]]:
    """Connection type (folded) → its encrypted field names (folded)."""
    table: dict[str, set[str]] = {}
    for decl in declarations:
        if decl.kind == "connection_type" and decl.name and decl.fields:
            table.setdefault(fold(decl.name), set()).update(
                fold(f.name) for f in decl.fields if f.encrypted
            )
    return table


def finish(
    analysis: Analysis, path: str, fmt: str, connection_types: dict[str, set[str]]
) -> LoadResult:
    """The LoadResult of one file: its declarations, coverage and every secret literal,
    including connection fields that the directory's connection types mark encrypted."""
    secrets = list(analysis.secrets)
    for literal in analysis.field_literals:
        if literal.connection_type is None:
            continue
        if fold(literal.field) in connection_types.get(fold(literal.connection_type), set()):
            secrets.append(
                SecretLiteral(
                    "connection",
                    literal.connection,
                    literal.field,
                    SourceRef(path, literal.line, fmt),
                )
            )
    unique = list(dict.fromkeys(secrets))
    return LoadResult(
        declarations=list(analysis.declarations),
        coverage=coverage(analysis, path, fmt),
        secrets=unique,
        problems=list(analysis.problems),
    )


def run_cache(context: LoadContext, name: str) -> dict[Any, Any]:
    """A per-run cache on the load context: sibling files are parsed once per run, not once
    per file that needs them. (The context is created per ``load_inventory`` call, so
    nothing outlives a run.)"""
    store = context.cache
    return store.setdefault(name, {})


def disk_path(path: str, context: LoadContext) -> Path:
    """Where a displayed inventory path is on disk."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else context.cwd / candidate


def read_side_file(path: Path) -> str | None:
    """A file a template refers to (loadTextContent, terraform.tfvars), bounded in size."""
    from analyzer.textio import DecodeError, decode

    try:
        if not path.is_file() or path.stat().st_size > MAX_SIDE_FILE:
            return None
        return decode(path.read_bytes()).text
    except (OSError, DecodeError):
        return None
