"""Live exports: REST pages, ``Get-AzAutomation* | ConvertTo-Json`` and our inventory file.

An export is the truth for one account: names are literal, and a *list* of one kind is
everything of that kind, which is what lets RB102 call a name missing (a
:class:`Coverage`). So the care here goes into when a file may claim that:

* REST (``rest``): a ``value[]`` page, an ``az … list`` array or the Azure REST spec
  example wrapper (``{"parameters": …, "responses": {"200": {"body": …}}}``). A single GET
  covers nothing. A page whose ``nextLink`` leads to a page we were not given, or a page
  known to be a later one (``$skip`` in the example's parameters), is only part of the
  list: it covers its kind only when the loaded pages of that kind and account include a
  last page and a first one. An empty page covers nothing either: the kind is only
  written in item ids.
* Az PowerShell (``ps-export``): the kind is recognised by the properties each model class
  serialises (reference §4.3); every kind present is covered, since a listing with one
  result is serialised exactly like a single ``-Name`` lookup.
* Our ``azure-automation-inventory`` file (``inventory``, :mod:`analyzer.inventory.canonical`):
  each array present is covered.

Values are never read: not variable values, not connection field values (only their
keys), not user names. Exports are not infrastructure code, so they yield no
:class:`SecretLiteral` either. Wrong shapes become :class:`InventoryProblem` s with a line.

:class:`KeyLines` and :func:`as_bool` are shared with the module and local-asset loaders.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from analyzer.inventory.canonical import KIND as INVENTORY_KIND
from analyzer.inventory.canonical import SECTIONS
from analyzer.inventory.jsonc import JArray, JObject
from analyzer.inventory.loader import InventoryFile, LoadContext
from analyzer.inventory.model import (
    ARM_CHILD_KINDS,
    Coverage,
    Declaration,
    FieldDef,
    InventoryKind,
    InventoryProblem,
    LoadResult,
    SourceRef,
    fold,
)

# --------------------------------------------------------------------------- shared helpers

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|[{}\[\]:,]', re.S)


def _unquote_token(token: str) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token[1:-1]


class KeyLines:
    """Lines of object keys, to point at ``"Name": "x"`` rather than at the object's ``{``.

    The tolerant parser records only the line an object starts on. One linear pass over
    the text indexes every object's direct keys with their lines and string values; an
    object is then found by its start line *and* the value it holds, so several objects
    starting on one line (minified JSON) are still told apart. Whatever cannot be matched
    falls back to the object's own line.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._by_line: dict[int, list[dict[str, tuple[int, str | None]]]] | None = None

    def _index(self) -> dict[int, list[dict[str, tuple[int, str | None]]]]:
        if self._by_line is not None:
            return self._by_line
        by_line: dict[int, list[dict[str, tuple[int, str | None]]]] = {}
        stack: list[dict[str, tuple[int, str | None]] | None] = []  # None: an array
        state = "value"
        pending: str | None = None
        text = self._text
        line, last = 1, 0
        for match in _TOKEN.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            token = match.group()
            first = token[0]
            top = stack[-1] if stack else None
            if first == "/":
                continue
            if first == "{":
                keys: dict[str, tuple[int, str | None]] = {}
                by_line.setdefault(line, []).append(keys)
                stack.append(keys)
                state, pending = "key", None
            elif first == "[":
                stack.append(None)
                state, pending = "value", None
            elif first in "}]":
                if stack:
                    stack.pop()
                state, pending = "after", None
            elif first == ":":
                state = "value"
            elif first == ",":
                state = "key" if isinstance(top, dict) else "value"
            elif state == "key" and isinstance(top, dict):
                pending = _unquote_token(token).lower()
                top.setdefault(pending, (line, None))
                state = "colon"
            else:
                if state == "value" and isinstance(top, dict) and pending is not None:
                    key_line, value = top[pending]
                    if value is None:
                        top[pending] = (key_line, _unquote_token(token))
                state, pending = "after", None
        self._by_line = by_line
        return by_line

    def line(self, obj: Any, key: str, value: str | None = None) -> int | None:
        """The line of ``obj``'s ``key`` (case-insensitive) — of the one holding ``value``
        when given — else the line ``obj`` starts on, else None."""
        start = getattr(obj, "line", 0) or None
        if start is None:
            return None
        for keys in self._index().get(start, ()):
            hit = keys.get(key.lower())
            if hit is not None and (value is None or hit[1] == value):
                return hit[0]
        return start


def as_bool(value: Any) -> bool | None:
    """A flag as exports and hand-written files spell it (``true``, ``1``, ``"True"``);
    None when it is none of these."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _text(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value.strip() else None


def _line_of(value: Any) -> int | None:
    return getattr(value, "line", 0) or None


class Collector:
    """A :class:`LoadResult` under construction for one file and one format: every
    declaration, coverage and problem gets the same path and format."""

    def __init__(self, file: InventoryFile, fmt: str) -> None:
        self.file = file
        self.format = fmt
        self.lines = KeyLines(file.text)
        self.result = LoadResult()

    def source(self, line: int | None) -> SourceRef:
        return SourceRef(self.file.path, line, self.format)

    def problem(self, line: int | None, message: str) -> None:
        self.result.problems.append(InventoryProblem(self.file.path, line, message))

    def cover(self, kind: InventoryKind, account: str | None, line: int | None) -> None:
        self.result.coverage.append(Coverage(kind, account, self.source(line)))

    def declare(self, declaration: Declaration) -> None:
        self.result.declarations.append(declaration)

    def declare_accounts(self, accounts: dict[str, tuple[str, str | None, int | None]]) -> None:
        """One ``account`` declaration per account the export shows exists."""
        for name, resource_group, line in accounts.values():
            properties = (("resourceGroup", resource_group),) if resource_group else ()
            self.declare(
                Declaration("account", name, name, self.source(line), properties=properties)
            )


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """Read one export; ``file.format`` is what ``loader.classify_json`` detected."""
    if file.format == "rest":
        return _load_rest(file, context)
    if file.format == "ps-export":
        return _load_ps(file)
    if file.format == "inventory":
        return _load_inventory(file)
    result = Collector(file, file.format)
    result.problem(None, f"the exports loader cannot read format {file.format!r}")
    return result.result


# --------------------------------------------------------------------------- REST


@dataclass
class _Id:
    """What an ARM resource id says: kind (None: not an asset), account, resource group."""

    kind: InventoryKind | None
    account: str | None
    resource_group: str | None
    name: str | None


def _parse_id(resource_id: str) -> _Id | None:
    """``…/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa/<type>/<name>``;
    None when the id names no Automation account at all."""
    segments = resource_id.strip("/").split("/")
    lowered = [s.lower() for s in segments]
    if "automationaccounts" not in lowered:
        return None
    at = lowered.index("automationaccounts")
    account = unquote(segments[at + 1]) if at + 1 < len(segments) else None
    group = None
    if "resourcegroups" in lowered:
        index = lowered.index("resourcegroups")
        group = unquote(segments[index + 1]) if index + 1 < len(segments) else None
    rest = segments[at + 2 :]
    if not rest:
        return _Id("account", account, group, account)
    if len(rest) == 2:
        return _Id(ARM_CHILD_KINDS.get(rest[0].lower()), account, group, unquote(rest[1]))
    return _Id(None, account, group, None)  # a sub-resource (runbooks/x/draft), no asset


def _kind_from_type(resource_type: Any) -> InventoryKind | None:
    """``Microsoft.Automation/AutomationAccounts/Connections`` → ``connection``."""
    if not isinstance(resource_type, str):
        return None
    parts = resource_type.strip("/").split("/")
    if len(parts) < 2 or parts[0].lower() != "microsoft.automation":
        return None
    if [p.lower() for p in parts[1:]] == ["automationaccounts"]:
        return "account"
    if len(parts) == 3 and parts[1].lower() == "automationaccounts":
        return ARM_CHILD_KINDS.get(parts[2].lower())
    return None


@dataclass
class _Page:
    """A REST response body taken apart."""

    items: list[Any] = field(default_factory=list)
    is_list: bool = False
    has_next: bool = False
    #: A later page by its own account (``$skip`` / ``$skiptoken`` in the example's request).
    later: bool = False
    account_hint: str | None = None
    line: int | None = None
    error: str | None = None


def _later_page(parameters: Any) -> bool:
    if not isinstance(parameters, JObject):
        return False
    skip = parameters.get_ci("$skip")
    if isinstance(skip, (int, str)) and str(skip).strip() not in ("", "0"):
        return True
    return parameters.get_ci("$skiptoken") is not None


def _page(document: Any) -> _Page:
    body, parameters = document, None
    if isinstance(document, JObject) and isinstance(document.get_ci("responses"), JObject):
        parameters = document.get_ci("parameters")
        responses = document.get_ci("responses")
        statuses = sorted((s for s in responses if s.startswith("2")), key=lambda s: s != "200")
        body = next(
            (
                responses[s].get_ci("body")
                for s in statuses
                if isinstance(responses[s], JObject) and responses[s].get_ci("body") is not None
            ),
            None,
        )
        if body is None:
            return _Page(line=_line_of(responses), error="the example has no 2xx response body")
    page = _Page(line=_line_of(body), later=_later_page(parameters))
    if isinstance(parameters, JObject):
        page.account_hint = _text(parameters.get_ci("automationAccountName"))
    if isinstance(body, JObject) and body.get_ci("value") is not None:
        value = body.get_ci("value")
        if not isinstance(value, JArray):
            page.error = "'value' is not an array of resources"
            return page
        page.items, page.is_list, page.line = list(value), True, value.line
        page.has_next = _text(body.get_ci("nextLink")) is not None
    elif isinstance(body, JArray):
        page.items, page.is_list = list(body), True
    elif isinstance(body, JObject):
        page.items = [body]
    else:
        page.error = "the response body is neither a resource nor a page of resources"
    return page


def _rest_identity(item: JObject, hint: str | None) -> tuple[_Id | None, str | None]:
    """(what the item is, a problem) — from its ``id``, else its ``type``."""
    resource_id = item.get_ci("id")
    if isinstance(resource_id, str):
        parsed = _parse_id(resource_id)
        if parsed is not None:
            return parsed, None
    kind = _kind_from_type(item.get_ci("type"))
    if kind is not None:
        return _Id(kind, hint if kind != "account" else None, None, None), None
    if resource_id is None and item.get_ci("type") is None:
        return None, "resource has neither 'id' nor 'type'"
    return None, None  # another provider's resource, or an Automation non-asset


def _page_pairs(page: _Page) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for item in page.items:
        if isinstance(item, JObject):
            identity, _ = _rest_identity(item, page.account_hint)
            if identity is not None and identity.kind is not None:
                pairs.add((identity.kind, fold(identity.account or "")))
    return pairs


@dataclass
class _PageFacts:
    pairs: set[tuple[str, str]]
    has_next: bool
    later: bool


def _loaded_pages(context: LoadContext, path: str) -> list[_PageFacts]:
    """Every other REST list page among the loaded inventory files."""
    facts: list[_PageFacts] = []
    for other_path, other in context.files.items():
        if other.format != "rest" or other_path == path:
            continue
        page = _page(other.document)
        if page.is_list and page.error is None:
            facts.append(_PageFacts(_page_pairs(page), page.has_next, page.later))
    return facts


def _complete(pair: tuple[str, str], own: _PageFacts, path: str, context: LoadContext) -> bool:
    """Do the loaded pages of this kind and account make up the whole list? A page with no
    ``nextLink`` that is not a later page is the whole list on its own; only the parts of a
    paged list look at the other files."""
    if not own.has_next and not own.later:
        return True
    pages = [own] + [p for p in _loaded_pages(context, path) if pair in p.pairs]
    return any(not p.has_next for p in pages) and any(not p.later for p in pages)


def _rest_declaration(out: Collector, item: JObject, identity: _Id) -> Declaration | None:
    kind = identity.kind
    if kind is None:
        return None
    written = _text(item.get_ci("name"))
    raw = written or identity.name
    if raw is None:
        out.problem(item.line, f"{kind} resource has no name")
        return None
    name = raw.rsplit("/", 1)[-1]  # child names are bare in REST; tolerate "account/child"
    source = out.source(out.lines.line(item, "name", raw) if written else item.line)
    if kind == "account":
        group = (("resourceGroup", identity.resource_group),) if identity.resource_group else ()
        return Declaration(kind, name, raw, source, properties=group)
    properties = item.get_ci("properties")
    if properties is None:
        properties = item  # `az automation … list` flattens the properties into the item
    elif not isinstance(properties, JObject):
        out.problem(item.line, f"{kind} {name!r}: 'properties' is not an object")
        properties = JObject()
    details: dict[str, Any] = {}
    if kind == "connection":
        connection_type = properties.get_ci("connectionType")
        if isinstance(connection_type, JObject):
            connection_type = connection_type.get_ci("name")
        details["connection_type"] = _text(connection_type)
        # A list call returns null values: the field names are then unknown, not absent.
        values = properties.get_ci("fieldDefinitionValues")
        if isinstance(values, JObject) and values:
            details["fields"] = tuple(FieldDef(k) for k in values)
    elif kind == "connection_type":
        definitions = properties.get_ci("fieldDefinitions")
        if isinstance(definitions, JObject):
            details["fields"] = tuple(
                _rest_field(out, item, field_name, spec, name)
                for field_name, spec in definitions.items()
            )
        elif definitions is not None:
            out.problem(item.line, f"connection type {name!r}: 'fieldDefinitions' is not an object")
    elif kind == "variable":
        details["encrypted"] = as_bool(properties.get_ci("isEncrypted"))
    elif kind == "runbook":
        details["runbook_type"] = _text(properties.get_ci("runbookType"))
    return Declaration(kind, name, raw, source, account=identity.account, **details)


def _rest_field(out: Collector, item: JObject, name: str, spec: Any, type_name: str) -> FieldDef:
    if not isinstance(spec, JObject):
        out.problem(item.line, f"connection type {type_name!r}: field {name!r} is not an object")
        return FieldDef(name)
    flags = []
    for key in ("isEncrypted", "isOptional"):
        value = spec.get_ci(key)
        if value is not None and as_bool(value) is None:
            out.problem(
                spec.line,
                f"connection type {type_name!r}: {key} of field {name!r} is not true or false",
            )
        flags.append(bool(as_bool(value)))
    return FieldDef(name, encrypted=flags[0], optional=flags[1], type=_text(spec.get_ci("type")))


def _load_rest(file: InventoryFile, context: LoadContext) -> LoadResult:
    out = Collector(file, "rest")
    page = _page(file.document)
    if page.error is not None:
        out.problem(page.line, page.error)
        return out.result
    accounts: dict[str, tuple[str, str | None, int | None]] = {}
    pairs: dict[tuple[str, str], tuple[InventoryKind, str | None]] = {}
    for item in page.items:
        if not isinstance(item, JObject):
            out.problem(page.line, "a page entry is not a resource object")
            continue
        identity, problem = _rest_identity(item, page.account_hint)
        if problem is not None:
            out.problem(item.line, problem)
        if identity is None or identity.kind is None:
            continue
        declaration = _rest_declaration(out, item, identity)
        if declaration is None:
            continue
        out.declare(declaration)
        if declaration.kind != "account" and identity.account:
            accounts.setdefault(
                fold(identity.account),
                (identity.account, identity.resource_group, declaration.source.line),
            )
        key = (declaration.kind, fold(declaration.account or ""))
        pairs.setdefault(key, (declaration.kind, declaration.account))
    # Accounts listed as items are declared above; the others are implied by child ids.
    listed = {fold(d.name or "") for d in out.result.declarations if d.kind == "account"}
    out.declare_accounts({k: v for k, v in accounts.items() if k not in listed})
    if page.is_list:
        own = _PageFacts(set(pairs), page.has_next, page.later)
        for pair, (kind, account) in pairs.items():
            if _complete(pair, own, file.path, context):
                out.cover(kind, account, page.line)
    return out.result


# --------------------------------------------------------------------------- Az PowerShell


def _ps_kind(item: JObject) -> InventoryKind | None:
    """Which ``Get-AzAutomation*`` model class this object is, by its properties."""
    keys = {k.lower() for k in item}
    if "connectionfields" in keys:
        return "connection_type"
    if keys & {"connectiontypename", "fielddefinitionvalues"}:
        return "connection"
    if "encrypted" in keys:
        return "variable"
    if "username" in keys:
        return "credential"
    if keys & {"thumbprint", "expirytime"}:
        return "certificate"
    if "runbooktype" in keys:
        return "runbook"
    if "nodeconfigurationcount" in keys or {"state", "parameters", "logverbose"} <= keys:
        return "dsc_configuration"
    if keys & {"provisioningstate", "sizeinbytes", "activitycount"}:
        return "module"
    return None


#: Properties of Get-AzAutomation* objects that are no assets (schedules, jobs, webhooks…).
_PS_NOT_ASSETS = {"frequency", "starttime", "jobid", "jobscheduleid", "webhookuri", "isenabled"}


def _ps_fields(out: Collector, item: JObject, name: str) -> tuple[FieldDef, ...] | None:
    connection_fields = item.get_ci("ConnectionFields")
    if not isinstance(connection_fields, JArray):
        out.problem(item.line, f"connection type {name!r}: 'ConnectionFields' is not an array")
        return None
    return module_fields(out, connection_fields, name)


def module_fields(out: Collector, entries: JArray, type_name: str) -> tuple[FieldDef, ...]:
    """``[{IsEncrypted, IsOptional, Name, TypeName}]`` → field definitions (module files
    and ``ConnectionFields`` in exports share the shape)."""
    fields: list[FieldDef] = []
    for entry in entries:
        if not isinstance(entry, JObject):
            out.problem(entries.line, f"connection type {type_name!r}: a field is not an object")
            continue
        if _text(entry.get_ci("Name")) is None:
            out.problem(entry.line, f"connection type {type_name!r}: a field has no Name")
            continue
        flags = {}
        for key in ("IsEncrypted", "IsOptional"):
            value = entry.get_ci(key)
            flag = as_bool(value)
            if flag is None and value is not None:
                out.problem(
                    entry.line,
                    f"connection type {type_name!r}: {key} of field "
                    f"{entry.get_ci('Name')!r} is not true or false",
                )
            flags[key] = bool(flag)
        fields.append(
            FieldDef(
                entry.get_ci("Name"),
                encrypted=flags["IsEncrypted"],
                optional=flags["IsOptional"],
                type=_text(entry.get_ci("TypeName")),
            )
        )
    return tuple(fields)


def _load_ps(file: InventoryFile) -> LoadResult:
    out = Collector(file, "ps-export")
    document = file.document
    items = list(document) if isinstance(document, JArray) else [document]
    accounts: dict[str, tuple[str, str | None, int | None]] = {}
    covered: dict[tuple[str, str], tuple[InventoryKind, str | None, int | None]] = {}
    for item in items:
        if item is None:
            continue
        if not isinstance(item, JObject):
            out.problem(_line_of(document), "an array entry is not an object")
            continue
        kind = _ps_kind(item)
        if kind is None:
            if not {k.lower() for k in item} & _PS_NOT_ASSETS:
                out.problem(
                    item.line,
                    "cannot tell which Get-AzAutomation* object this is (no ConnectionTypeName, "
                    "Encrypted, UserName, Thumbprint or RunbookType property)",
                )
            continue
        raw = _text(item.get_ci("Name"))
        if raw is None:
            out.problem(item.line, f"{kind} object has no Name")
            continue
        account = _text(item.get_ci("AutomationAccountName"))
        line = out.lines.line(item, "Name", raw)
        source = out.source(line)
        if kind == "connection":
            values = item.get_ci("FieldDefinitionValues")
            fields = tuple(FieldDef(k) for k in values) if isinstance(values, JObject) else ()
            declaration = Declaration(
                kind,
                raw,
                raw,
                source,
                account=account,
                connection_type=_text(item.get_ci("ConnectionTypeName")),
                fields=fields or None,
            )
        elif kind == "connection_type":
            declaration = Declaration(
                kind, raw, raw, source, account=account, fields=_ps_fields(out, item, raw)
            )
        elif kind == "variable":
            encrypted = as_bool(item.get_ci("Encrypted"))
            declaration = Declaration(kind, raw, raw, source, account=account, encrypted=encrypted)
        elif kind == "runbook":
            runbook_type = _text(item.get_ci("RunbookType"))
            declaration = Declaration(
                kind, raw, raw, source, account=account, runbook_type=runbook_type
            )
        else:
            declaration = Declaration(kind, raw, raw, source, account=account)
        out.declare(declaration)
        if account:
            group = _text(item.get_ci("ResourceGroupName"))
            accounts.setdefault(fold(account), (account, group, line))
        covered.setdefault((kind, fold(account or "")), (kind, account, line))
    out.declare_accounts(accounts)
    for kind, account, line in covered.values():
        out.cover(kind, account, line)
    return out.result


# --------------------------------------------------------------------------- inventory file


def _load_inventory(file: InventoryFile) -> LoadResult:
    out = Collector(file, "inventory")
    document = file.document
    if not isinstance(document, JObject) or (
        str(document.get_ci("kind", "")).lower() != INVENTORY_KIND
    ):
        out.problem(_line_of(document), f"not an {INVENTORY_KIND} file")
        return out.result
    version = document.get_ci("version", 1)
    if version != 1 or isinstance(version, bool):
        out.problem(
            out.lines.line(document, "version"),
            f"unsupported {INVENTORY_KIND} version {version!r}; this analyzer reads version 1",
        )
        return out.result
    account = document.get_ci("account")
    if account is not None and _text(account) is None:
        out.problem(out.lines.line(document, "account"), "'account' is not a non-empty string")
        account = None
    group = document.get_ci("resourceGroup")
    if account is not None:
        out.declare_accounts(
            {
                fold(account): (
                    account,
                    _text(group),
                    out.lines.line(document, "account", account),
                )
            }
        )
    for key, kind in SECTIONS:
        entries = document.get_ci(key)
        if entries is None:
            continue
        key_line = out.lines.line(document, key)
        if not isinstance(entries, JArray):
            out.problem(key_line, f"'{key}' is not an array")
            continue
        out.cover(kind, account, key_line)  # type: ignore[arg-type]
        for index, entry in enumerate(entries):
            declaration = _inventory_entry(out, key, index, entry, kind, account, entries.line)
            if declaration is not None:
                out.declare(declaration)
    return out.result


def _inventory_entry(
    out: Collector,
    key: str,
    index: int,
    entry: Any,
    kind: Any,
    account: str | None,
    array_line: int,
) -> Declaration | None:
    where = f"{key}[{index}]"
    if not isinstance(entry, JObject):
        out.problem(array_line, f"{where} is not an object")
        return None
    raw = _text(entry.get_ci("name"))
    if raw is None:
        out.problem(entry.line, f"{where} has no name")
        return None
    source = out.source(out.lines.line(entry, "name", raw))
    if kind == "connection":
        connection_type = entry.get_ci("connectionType")
        if connection_type is not None and _text(connection_type) is None:
            out.problem(entry.line, f"{where}: 'connectionType' is not a string")
        names = entry.get_ci("fields")
        fields = None
        if isinstance(names, JArray):
            fields = tuple(_inventory_field(out, where, f, entry.line) for f in names)
            fields = tuple(f for f in fields if f is not None)
        elif names is not None:
            out.problem(entry.line, f"{where}: 'fields' is not an array of field names")
        return Declaration(
            kind,
            raw,
            raw,
            source,
            account=account,
            connection_type=_text(connection_type),
            fields=fields,
        )
    if kind == "connection_type":
        definitions = entry.get_ci("fields")
        fields = None
        if isinstance(definitions, JArray):
            fields = tuple(_inventory_field(out, where, f, entry.line) for f in definitions)
            fields = tuple(f for f in fields if f is not None)
        elif definitions is not None:
            out.problem(entry.line, f"{where}: 'fields' is not an array")
        return Declaration(kind, raw, raw, source, account=account, fields=fields)
    if kind == "variable":
        encrypted = entry.get_ci("encrypted")
        flag = as_bool(encrypted)
        if flag is None and encrypted is not None:
            out.problem(entry.line, f"{where}: 'encrypted' is not true or false")
        return Declaration(kind, raw, raw, source, account=account, encrypted=flag)
    if kind == "runbook":
        runbook_type = entry.get_ci("runbookType")
        if runbook_type is not None and _text(runbook_type) is None:
            out.problem(entry.line, f"{where}: 'runbookType' is not a string")
        return Declaration(
            kind, raw, raw, source, account=account, runbook_type=_text(runbook_type)
        )
    return Declaration(kind, raw, raw, source, account=account)


def _inventory_field(out: Collector, where: str, spec: Any, line: int) -> FieldDef | None:
    """A field: a bare name (connections) or ``{name, encrypted, optional, type}``."""
    if isinstance(spec, str) and spec.strip():
        return FieldDef(spec)
    if isinstance(spec, JObject) and _text(spec.get_ci("name")) is not None:
        flags = []
        for key in ("encrypted", "optional"):
            value = spec.get_ci(key)
            if value is not None and as_bool(value) is None:
                out.problem(spec.line, f"{where}: field {key!r} is not true or false")
            flags.append(bool(as_bool(value)))
        return FieldDef(
            spec.get_ci("name"),
            encrypted=flags[0],
            optional=flags[1],
            type=_text(spec.get_ci("type")),
        )
    out.problem(_line_of(spec) or line, f"{where}: a field has no name")
    return None
