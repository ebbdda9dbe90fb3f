"""ARM templates (JSON): the assets a template declares in its Automation accounts.

Real templates declare Automation assets in four forms (inventory-formats §1.2): nested in
the account's ``resources`` with a short type (``"type": "connections"``, name = the child);
top level with the full type and an ``account/child`` name; nested with the full type and
the qualified name; and ``languageVersion 2.0`` templates whose ``resources`` is an object
keyed by symbolic names, where ``"existing": true`` marks a reference, not a declaration.
Types and property keys are case-insensitive. Names are evaluated first
(:mod:`analyzer.inventory.arm_expressions`) and then split into account and child by
segment count (one ``/``-segment per type segment after the namespace); when the whole
name is unknown, its known parts still give the child (the account is often the only
unknown) or a ``pattern``. ``copy`` loops are expanded when their count is known.

Parameter files: a template is evaluated once per parameter file that belongs to it, and
every distinct declaration is kept (a ``dev`` and a ``prod`` file deploy different names;
both exist somewhere). A parameter file belongs to template ``<stem>.json`` when it lies in
the same directory and is named ``<stem>.parameters.json``, ``<stem>.parameters.<any>.json``,
``<stem>-parameters[.<any>].json`` or ``<stem>.params[.<any>].json`` (case-insensitive).
A parameter file in the directory that names no template there (``azuredeploy.parameters.json``
beside ``main.json``, automation-packs' shared ``azuredeploy-parameters.json``) belongs to
every template of that directory. Without a parameter file, only ``defaultValue`` is used.
Parameter files come in the modern shape (``{"$schema": …deploymentParameters…,
"parameters": {"x": {"value": …}}}``) and the bare legacy one (``{"x": {"value": …}}``);
Key Vault ``reference`` values stay unknown.

Inline nested deployments (``Microsoft.Resources/deployments`` with ``properties.template``,
which is what ``bicep build`` makes of a module) are read too: in the outer scope by
default, with their own parameters (bound from ``properties.parameters``) when
``expressionEvaluationOptions.scope`` is ``inner``. Linked templates are not followed.

Every declaration points at the line of its ``name`` property: that is where a person
fixes the name, and where the reference samples point (the object's line when there is no
such key). Secrets never enter a declaration; a secret written down (a credential
password, an encrypted variable's value, a connection field its type marks encrypted) is
recorded as a :class:`SecretLiteral` with its location only, for RB303. "Written down"
means a literal in the template, or an expression whose every input is known before
deployment: a ``defaultValue`` (pointed at there) or a parameter file value (pointed at in
the parameter file). A parameter without a default, a Key Vault reference or a deploy-time
function is a secret supplied at deployment: not reported.

Coverage: a template manages every lookup kind (connection, credential, variable,
certificate) it declares at least one asset of, for each account it declares them in
(``None`` when the account name is unknown).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.inventory.arm_expressions import (
    Evaluator,
    Origin,
    Supplied,
    Unknown,
    Unresolved,
    escape_literal,
    get_ci,
    is_expression,
    literal_text,
    to_text,
)
from analyzer.inventory.jsonc import JArray, JObject, JsonError, loads
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
    from analyzer.inventory.loader import InventoryFile, LoadContext

FORMAT = "arm"

#: How ARM spells the child types, for ``properties`` (the input's case varies).
CANONICAL_CHILD = {
    "modules": "modules",
    "powershell72modules": "powershell72Modules",
    "python2packages": "python2Packages",
    "python3packages": "python3Packages",
}
#: ARM's own limit on copy loop iterations.
MAX_COPY = 800
#: Nested deployments inside nested deployments, before giving up.
MAX_DEPLOYMENT_DEPTH = 8
_PARAMETER_FILE = re.compile(
    r"^(?P<stem>.+?)(?:\.parameters|-parameters|\.params)(?:\..*)?$", re.IGNORECASE
)


# --------------------------------------------------------------------------- key lines


class KeyLines:
    """The line of every property key, per object: jsonc records where an object starts,
    but a declaration should point at its ``name`` line and a secret at its own key.

    One linear scan over the text; objects are found again by their start line and keys.
    """

    _TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|[{}\[\],]|\n', re.S)

    def __init__(self, text: str) -> None:
        self.objects: dict[int, list[dict[str, int]]] = {}
        line = 1
        stack: list[dict[str, int] | None] = []
        previous = ""
        for match in self._TOKEN.finditer(text):
            token = match.group()
            if token == "\n":
                line += 1
                continue
            if token.startswith(("//", "/*")):
                line += token.count("\n")
                continue
            if token == "{":
                keys: dict[str, int] = {}
                self.objects.setdefault(line, []).append(keys)
                stack.append(keys)
            elif token == "[":
                stack.append(None)
            elif token in "}]":
                if stack:
                    stack.pop()
            elif (
                token.startswith('"') and previous in ("{", ",") and stack and stack[-1] is not None
            ):
                stack[-1].setdefault(_json_key(token), line)
            previous = token[:1] if token.startswith('"') else token

    def line(self, obj: Any, key: str) -> int | None:
        """The line of ``obj``'s property ``key`` (case-insensitive), else the object's."""
        start = getattr(obj, "line", None)
        if not isinstance(obj, Mapping) or start is None:
            return start
        real = next((k for k in obj if isinstance(k, str) and k.lower() == key.lower()), None)
        if real is None:
            return start
        candidates = self.objects.get(start, [])
        keys = set(obj)
        for candidate in candidates:
            if set(candidate) == keys and real in candidate:
                return candidate[real]
        for candidate in candidates:
            if real in candidate:
                return candidate[real]
        return start


def _json_key(token: str) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token[1:-1]


# --------------------------------------------------------------------------- parameters


def _stem(path: str) -> str:
    name = posixpath.basename(path)
    for suffix in (".jsonc", ".json"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _template_named(parameter_path: str) -> str | None:
    """The template stem a parameter file's name points at (``x.parameters.dev.json`` → x)."""
    match = _PARAMETER_FILE.match(_stem(parameter_path))
    return match.group("stem").lower() if match else None


def parameter_files_for(template: str, context: LoadContext) -> list[tuple[str, JObject]]:
    """The parameter files that belong to ``template`` (the rule is in the module doc)."""
    directory = posixpath.dirname(template)
    beside = [
        (path, doc) for path, doc in context.parameter_files if posixpath.dirname(path) == directory
    ]
    stem = _stem(template).lower()
    named = [(path, doc) for path, doc in beside if _template_named(path) == stem]
    if named:
        return named
    templates = {stem} | {
        _stem(f.path).lower()
        for f in context.files.values()
        if f.format == FORMAT and posixpath.dirname(f.path) == directory
    }
    return [(path, doc) for path, doc in beside if _template_named(path) not in templates]


def supplied_values(path: str, document: Any) -> dict[str, Supplied]:
    """Parameter values from a parameter file, modern or bare shape."""
    if not isinstance(document, Mapping):
        return {}
    schema = str(get_ci(document, "$schema")[1] or "").lower()
    found, inner = get_ci(document, "parameters")
    envelope = {"$schema", "contentversion", "parameters"}
    if (
        found
        and isinstance(inner, Mapping)
        and ("deploymentparameters" in schema or {str(k).lower() for k in document} <= envelope)
    ):
        document = inner
    values: dict[str, Supplied] = {}
    for name, entry in document.items():
        if not isinstance(entry, Mapping):
            continue
        line = getattr(entry, "line", None)
        has_value, value = get_ci(entry, "value")
        if has_value:
            values[str(name).lower()] = Supplied(escape_literal(value), path, line)
        elif get_ci(entry, "reference")[0]:
            reason = f"parameter '{name}' is a Key Vault reference in {path}, known at deployment"
            values[str(name).lower()] = Supplied(None, path, line, reason)
    return values


# --------------------------------------------------------------------------- resources


@dataclass
class _Resource:
    """A Microsoft.Automation resource found in the template, classified but unevaluated."""

    obj: JObject
    kind: InventoryKind
    child_type: str  # last type segment, lower case ("" for the account)
    segments: int  # name segments the full type asks for
    short: bool  # nested with a short type: the name is the child alone
    parent_name: Any  # the enclosing account's raw name, for short nested children
    evaluator: Evaluator


@dataclass
class _Name:
    name: str | None
    account: str | None
    reason: str | None = None
    pattern: str | None = None


@dataclass
class _Output:
    declarations: list[Declaration] = field(default_factory=list)
    secrets: list[SecretLiteral] = field(default_factory=list)
    problems: list[InventoryProblem] = field(default_factory=list)


def _flag(value: Any) -> bool | None:
    """``isEncrypted`` and friends: bool, 0/1 in 2015-era samples, or strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _segments(parts: list[str | Unknown]) -> list[list[str | Unknown]]:
    segments: list[list[str | Unknown]] = [[]]
    for part in parts:
        if isinstance(part, str):
            pieces = part.split("/")
            segments[-1].append(pieces[0])
            for piece in pieces[1:]:
                segments.append([piece])
        else:
            segments[-1].append(part)
    return [[p for p in seg if p != ""] for seg in segments]


def _segment_value(segment: list[str | Unknown]) -> tuple[str | None, str | None, str | None]:
    """(value, reason, pattern) of one name segment."""
    unknown = [p for p in segment if isinstance(p, Unknown)]
    if not unknown:
        return "".join(p for p in segment if isinstance(p, str)), None, None
    pattern = re.sub(
        r"\*+", "*", "".join(_glob_escape(p) if isinstance(p, str) else "*" for p in segment)
    )
    return None, unknown[0].reason, pattern if pattern != "*" else None


class _TemplateLoader:
    """One template evaluated with one set of parameter values."""

    def __init__(
        self,
        file: InventoryFile,
        document: JObject,
        keys: KeyLines,
        supplied: dict[str, Supplied],
        supplied_from: str | None,
    ) -> None:
        self.file = file
        self.document = document
        self.keys = keys
        self.supplied = supplied
        self.supplied_from = supplied_from
        self.out = _Output()
        self.connection_types: dict[str, tuple[FieldDef, ...]] = {}

    # ------------------------------------------------------------------ walking
    def run(self) -> _Output:
        evaluator = self._evaluator(self.document, self.supplied, self.supplied_from)
        resources = list(self._template(self.document, evaluator, 0))
        for resource in resources:
            if resource.kind == "connection_type":
                for declaration, _ in self._declare(resource):
                    if declaration.name is not None and declaration.fields is not None:
                        self.connection_types[fold(declaration.name)] = declaration.fields
        for resource in resources:
            for declaration, secrets in self._declare(resource):
                self.out.declarations.append(declaration)
                self.out.secrets.extend(secrets)
        return self.out

    def _evaluator(
        self, template: Mapping[str, Any], supplied: dict[str, Supplied], source: str | None
    ) -> Evaluator:
        parameters = get_ci(template, "parameters")[1]
        variables = get_ci(template, "variables")[1]
        for section, value in (("parameters", parameters), ("variables", variables)):
            if value is not None and not isinstance(value, Mapping):
                self._problem(template, f"template '{section}' is not an object; ignored")
        return Evaluator(
            parameters if isinstance(parameters, Mapping) else None,
            variables if isinstance(variables, Mapping) else None,
            supplied=supplied,
            supplied_from=source,
            template_path=self.file.path,
        )

    def _problem(self, obj: Any, message: str) -> None:
        self.out.problems.append(
            InventoryProblem(self.file.path, getattr(obj, "line", None), message)
        )

    def _template(self, template: JObject, evaluator: Evaluator, depth: int) -> Iterator[_Resource]:
        found, resources = get_ci(template, "resources")
        if not found:
            return
        yield from self._resources(resources, template, None, evaluator, depth)

    def _resources(
        self,
        resources: Any,
        owner: JObject,
        parent: tuple[list[str], Any] | None,
        evaluator: Evaluator,
        depth: int,
    ) -> Iterator[_Resource]:
        if isinstance(resources, JArray):
            items = list(resources)
        elif isinstance(resources, JObject):  # languageVersion 2.0: symbolic names
            items = list(resources.values())
        else:
            self._problem(owner, "'resources' is neither an array nor an object; ignored")
            return
        for item in items:
            if not isinstance(item, JObject):
                self._problem(resources, "a resource is not an object; ignored")
                continue
            yield from self._resource(item, parent, evaluator, depth)

    def _resource(
        self,
        obj: JObject,
        parent: tuple[list[str], Any] | None,
        evaluator: Evaluator,
        depth: int,
    ) -> Iterator[_Resource]:
        if _flag(get_ci(obj, "existing")[1]) is True:
            return  # a reference to a resource deployed elsewhere
        raw_type = get_ci(obj, "type")[1]
        if not isinstance(raw_type, str) or not raw_type.strip():
            self._problem(obj, "resource without a 'type'; ignored")
            return
        type_segments = [s.strip() for s in raw_type.split("@")[0].split("/")]
        short = "." not in type_segments[0]
        if short:
            if parent is None:
                return  # a short type outside a parent: ARM rejects it, nothing declared
            type_segments = parent[0] + type_segments
        namespace, rest = type_segments[0].lower(), [s.lower() for s in type_segments[1:]]
        if namespace == "microsoft.resources" and rest == ["deployments"]:
            yield from self._deployment(obj, evaluator, depth)
            return
        if namespace != "microsoft.automation" or not rest or rest[0] != "automationaccounts":
            return
        kind: InventoryKind | None
        if len(rest) == 1:
            kind = "account"
        elif len(rest) == 2:
            kind = ARM_CHILD_KINDS.get(rest[1])
        else:
            kind = None
        if kind is not None:
            parent_name = parent[1] if (short and parent is not None) else None
            yield _Resource(
                obj,
                kind,
                rest[1] if len(rest) > 1 else "",
                len(rest),
                short,
                parent_name,
                evaluator,
            )
        found, children = get_ci(obj, "resources")
        if found and kind == "account":  # grandchildren (runbooks/draft, …) are no assets
            parent_info = (type_segments, get_ci(obj, "name")[1])
            yield from self._resources(children, obj, parent_info, evaluator, depth)

    def _deployment(self, obj: JObject, outer: Evaluator, depth: int) -> Iterator[_Resource]:
        """An inline nested deployment (what ``bicep build`` makes of a module): its
        resources, evaluated in the outer scope, or with its own parameters when
        ``expressionEvaluationOptions.scope`` is ``inner``."""
        properties = get_ci(obj, "properties")[1]
        if not isinstance(properties, JObject):
            return
        template = get_ci(properties, "template")[1]
        if not isinstance(template, JObject):
            return  # a linked template (templateLink): not in this file
        if depth >= MAX_DEPLOYMENT_DEPTH:
            self._problem(obj, "nested deployments nested too deeply; ignored")
            return
        options = get_ci(properties, "expressionEvaluationOptions")[1]
        scope = get_ci(options, "scope")[1] if isinstance(options, Mapping) else None
        if str(scope or "").lower() != "inner":
            yield from self._template(template, outer, depth + 1)
            return
        supplied: dict[str, Supplied] = {}
        passed = get_ci(properties, "parameters")[1]
        if isinstance(passed, Mapping):
            for name, entry in passed.items():
                if not isinstance(entry, Mapping):
                    continue
                has_value, value = get_ci(entry, "value")
                line = getattr(entry, "line", None)
                if not has_value:
                    reason = f"parameter '{name}' of a nested deployment is known at deployment"
                    supplied[str(name).lower()] = Supplied(None, self.file.path, line, reason)
                    continue
                try:
                    evaluated = outer.evaluate(value)
                except Unresolved as exc:
                    supplied[str(name).lower()] = Supplied(None, self.file.path, line, exc.reason)
                    continue
                supplied[str(name).lower()] = Supplied(
                    escape_literal(evaluated), self.file.path, line
                )
        inner = self._evaluator(template, supplied, None)
        yield from self._template(template, inner, depth + 1)

    # ------------------------------------------------------------------ declarations
    def _declare(self, resource: _Resource) -> Iterator[tuple[Declaration, list[SecretLiteral]]]:
        obj = resource.obj
        raw = get_ci(obj, "name")[1]
        if not isinstance(raw, str):
            what = "has no 'name'" if raw is None else "has a 'name' that is not a string"
            self._problem(obj, f"{resource.kind.replace('_', ' ')} resource {what}; ignored")
            return
        line = self.keys.line(obj, "name")
        source = SourceRef(self.file.path, line, FORMAT)
        evaluator = resource.evaluator
        copy = get_ci(obj, "copy")[1]
        if not isinstance(copy, Mapping):
            yield from self._instance(resource, raw, source)
            return
        loop = get_ci(copy, "name")[1]
        loop = loop if isinstance(loop, str) else None
        try:
            count, origins = evaluator.evaluate_tracked(get_ci(copy, "count")[1])
        except Unresolved as exc:
            yield self._unknown(resource, raw, source, f"copy loop count unknown: {exc.reason}")
            return
        if isinstance(count, str) and count.strip().isdigit():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            yield self._unknown(resource, raw, source, "copy loop count is not a number")
            return
        if count > MAX_COPY:
            reason = f"copy loop count {count} exceeds ARM's limit of {MAX_COPY}"
            yield self._unknown(resource, raw, source, reason)
            return
        defaults = [o.parameter for o in origins if o.via == "default"]
        if count == 0 and defaults:
            reason = (
                f"copy loop over parameter '{defaults[0]}', whose default is empty; "
                "pass a parameter file"
            )
            yield self._unknown(resource, raw, source, reason)
            return
        for index in range(count):
            with evaluator.copy_scope(loop, index):
                yield from self._instance(resource, raw, source)

    def _unknown(
        self, resource: _Resource, raw: str, source: SourceRef, reason: str
    ) -> tuple[Declaration, list[SecretLiteral]]:
        account = None
        if resource.short:
            account = self._account_of(resource)
        else:
            parts = resource.evaluator.parts(raw)
            segments = _segments(parts)
            if len(segments) == resource.segments and resource.segments > 1:
                account = _segment_value(segments[0])[0]
        return Declaration(resource.kind, None, raw, source, account, reason), []

    def _account_of(self, resource: _Resource) -> str | None:
        if not isinstance(resource.parent_name, str):
            return None
        value, _, _ = _segment_value(_segments(resource.evaluator.parts(resource.parent_name))[0])
        return value or None

    def _name(self, resource: _Resource, raw: str) -> _Name | None:
        """Evaluate, then split by segment count; None (with a problem) when the name
        cannot be a valid name for this type at all."""
        parts = resource.evaluator.parts(raw)
        segments = _segments(parts)
        unknown = next((p for p in parts if isinstance(p, Unknown)), None)
        expected = resource.segments
        if resource.short and len(segments) == 1:
            value, reason, pattern = _segment_value(segments[0])
            return _Name(value, self._account_of(resource), reason, pattern)
        if len(segments) == expected:
            value, reason, pattern = _segment_value(segments[-1])
            account = _segment_value(segments[0])[0] if expected > 1 else None
            if value == "":
                return None
            return _Name(value, account or None, reason, pattern)
        if unknown is not None and len(segments) < expected:
            # The unknown part may hold the missing '/': nothing can be split off.
            return _Name(None, None, unknown.reason)
        return None

    def _instance(
        self, resource: _Resource, raw: str, source: SourceRef
    ) -> Iterator[tuple[Declaration, list[SecretLiteral]]]:
        name = self._name(resource, raw)
        if name is None:
            shown = "".join(p if isinstance(p, str) else "*" for p in resource.evaluator.parts(raw))
            count = resource.segments if not resource.short else 1
            self._problem(
                resource.obj,
                f"{resource.kind.replace('_', ' ')} name {shown!r} does not have the "
                f"{count} '/'-separated segment{'s' if count > 1 else ''} its type needs; ignored",
            )
            return
        if name.name is not None and not name.name.strip():
            self._problem(resource.obj, f"{resource.kind.replace('_', ' ')} with an empty name")
            return
        properties = get_ci(resource.obj, "properties")[1]
        if not isinstance(properties, JObject):
            properties = JObject()
        details = _Details(self, resource, properties, name.name)
        declaration = Declaration(
            resource.kind,
            name.name,
            raw,
            source,
            account=name.account,
            reason=name.reason,
            pattern=name.pattern,
            connection_type=details.connection_type,
            fields=details.fields,
            encrypted=details.encrypted,
            runbook_type=details.runbook_type,
            properties=tuple(details.properties),
        )
        yield declaration, details.secrets


class _Details:
    """The kind-specific part of one declaration: type, fields, flags, printable
    properties and secrets written as literals."""

    def __init__(
        self,
        loader: _TemplateLoader,
        resource: _Resource,
        properties: JObject,
        name: str | None,
    ) -> None:
        self.loader = loader
        self.resource = resource
        self.props = properties
        self.name = name
        self.connection_type: str | None = None
        self.fields: tuple[FieldDef, ...] | None = None
        self.encrypted: bool | None = None
        self.runbook_type: str | None = None
        self.properties: list[tuple[str, str]] = []
        self.secrets: list[SecretLiteral] = []
        handler = getattr(self, f"_{resource.kind}", None)
        if handler is not None:
            handler()

    # helpers ----------------------------------------------------------------------
    def _value(self, value: Any) -> Any:
        try:
            return self.resource.evaluator.evaluate(value)
        except Unresolved:
            return None

    def _text(self, obj: Any, key: str) -> str | None:
        if not isinstance(obj, Mapping):
            return None
        value = self._value(get_ci(obj, key)[1])
        if isinstance(value, bool) or value is None or isinstance(value, (Mapping, list)):
            return None
        return to_text(value)

    def _prop(self, label: str, value: str | None) -> None:
        if value is not None:
            self.properties.append((label, value))

    def _secret(self, obj: JObject, key: str, field_name: str) -> None:
        """Record ``obj[key]`` if it is a secret written down: a literal, or an
        expression whose every input is a literal default or a parameter file value."""
        value = get_ci(obj, key)[1]
        at = SourceRef(self.loader.file.path, self.loader.keys.line(obj, key), FORMAT)
        if isinstance(value, str) and not is_expression(value):
            if literal_text(value) not in ("", '""'):
                self._record(field_name, at)
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self._record(field_name, at)
            return
        if not isinstance(value, str):
            return
        try:
            evaluated, origins = self.resource.evaluator.evaluate_tracked(value)
        except Unresolved:
            return  # supplied at deployment (or computed there): not written down
        if evaluated in (None, "", '""') or isinstance(evaluated, (Mapping, list)):
            return
        self._record(field_name, self._origin_source(origins) or at)

    def _origin_source(self, origins: tuple[Origin, ...]) -> SourceRef | None:
        for via in ("file", "default"):
            for origin in origins:
                if origin.via != via:
                    continue
                line = origin.line
                if via == "default":
                    _, declared = get_ci(self.resource.evaluator.parameters, origin.parameter)
                    line = self.loader.keys.line(declared, "defaultValue") or line
                return SourceRef(origin.path, line, FORMAT)
        return None

    def _record(self, field_name: str, at: SourceRef) -> None:
        self.secrets.append(SecretLiteral(self.resource.kind, self.name, field_name, at))

    # kinds ------------------------------------------------------------------------
    def _connection(self) -> None:
        connection_type = get_ci(self.props, "connectionType")[1]
        self.connection_type = self._text(connection_type, "name")
        self._prop("connectionType", self.connection_type)
        values = get_ci(self.props, "fieldDefinitionValues")[1]
        if not isinstance(values, JObject):
            return
        self.fields = tuple(FieldDef(str(key)) for key in values)
        encrypted = self._encrypted_fields()
        for key in values:
            if fold(str(key)) in encrypted:
                self._secret(values, str(key), str(key))

    def _encrypted_fields(self) -> set[str]:
        """Encrypted fields of this connection's type. Built-in types have none; types
        declared in the same template say so; other types are unknown here."""
        if self.connection_type is None:
            return set()
        fields = self.loader.connection_types.get(fold(self.connection_type), ())
        return {fold(f.name) for f in fields if f.encrypted}

    def _connection_type(self) -> None:
        definitions = get_ci(self.props, "fieldDefinitions")[1]
        if not isinstance(definitions, Mapping):
            return
        fields = []
        for key, spec in definitions.items():
            spec = spec if isinstance(spec, Mapping) else {}
            fields.append(
                FieldDef(
                    str(key),
                    encrypted=_flag(self._value(get_ci(spec, "isEncrypted")[1])) is True,
                    optional=_flag(self._value(get_ci(spec, "isOptional")[1])) is True,
                    type=self._text(spec, "type"),
                )
            )
        self.fields = tuple(fields)
        self._prop("fields", ",".join(f.name for f in self.fields))

    def _credential(self) -> None:
        self._prop("userName", self._text(self.props, "userName"))
        if get_ci(self.props, "password")[0]:
            self._secret(self.props, "password", "password")

    def _variable(self) -> None:
        found, flag = get_ci(self.props, "isEncrypted")
        self.encrypted = _flag(self._value(flag)) if found else False
        if self.encrypted is not None:
            self._prop("isEncrypted", "true" if self.encrypted else "false")
        if self.encrypted and get_ci(self.props, "value")[0]:
            self._secret(self.props, "value", "value")

    def _certificate(self) -> None:
        exportable = _flag(self._value(get_ci(self.props, "isExportable")[1]))
        if exportable is not None:
            self._prop("isExportable", "true" if exportable else "false")

    def _runbook(self) -> None:
        self.runbook_type = self._text(self.props, "runbookType")
        self._prop("runbookType", self.runbook_type)
        self._prop("runtimeEnvironment", self._text(self.props, "runtimeEnvironment"))

    def _dsc_configuration(self) -> None:
        self._prop("sourceType", self._text(get_ci(self.props, "source")[1], "type"))

    def _module(self) -> None:
        self._prop("resourceType", CANONICAL_CHILD.get(self.resource.child_type))
        self._prop("version", self._text(get_ci(self.props, "contentLink")[1], "version"))

    _python_package = _module


# --------------------------------------------------------------------------- entry point


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """Declarations, coverage and literal secrets of one ARM template."""
    document = file.document
    if document is None:
        try:
            document = loads(file.text)
        except JsonError as exc:
            problem = InventoryProblem(file.path, exc.line, f"invalid JSON: {exc}")
            return LoadResult(problems=[problem])
    if not isinstance(document, JObject):
        return LoadResult(problems=[InventoryProblem(file.path, None, "not an ARM template")])
    keys = KeyLines(file.text)
    scenarios: list[tuple[dict[str, Supplied], str | None]] = [
        (supplied_values(path, doc), path) for path, doc in parameter_files_for(file.path, context)
    ] or [({}, None)]
    result = LoadResult()
    for supplied, source in scenarios:
        output = _TemplateLoader(file, document, keys, supplied, source).run()
        _extend_unique(result.declarations, output.declarations)
        _extend_unique(result.secrets, output.secrets)
        _extend_unique(result.problems, output.problems)
    result.coverage = _coverage(result.declarations, file.path)
    return result


def _extend_unique(target: list[Any], items: list[Any]) -> None:
    seen = set(target)
    for item in items:
        if item not in seen:
            seen.add(item)
            target.append(item)


def _coverage(declarations: list[Declaration], path: str) -> list[Coverage]:
    """The template manages every lookup kind it declares an asset of, per account."""
    first: dict[tuple[str, str], Coverage] = {}
    for declaration in declarations:
        if declaration.kind not in LOOKUP_KINDS:
            continue
        key = (declaration.kind, fold(declaration.account or ""))
        if key not in first:
            first[key] = Coverage(
                declaration.kind,
                declaration.account,
                SourceRef(path, declaration.source.line, FORMAT),
            )
    return list(first.values())
