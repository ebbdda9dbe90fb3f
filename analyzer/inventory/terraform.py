"""Terraform inventories: ``azurerm_automation_*`` resources and ``azapi_resource``.

A real HCL parser (python-hcl2, imported lazily) is needed: real repositories comment out
whole resource blocks with ``/* … */``, which a regex would still "find". We walk the raw
Lark tree of ``hcl2.parses_to_tree()`` rather than the serialised dict because the tree
keeps every expression's structure and position: a declaration points at its ``resource``
line and a secret at its attribute, and expressions are evaluated exactly, not re-parsed
from ``${…}`` strings.

Names are evaluated the way Terraform would for the parts that are knowable before
``apply``: literals, ``var.x`` (``terraform.tfvars`` / ``*.auto.tfvars``, else the
default), ``local.x``, ``for_each`` and ``count`` over known collections, ``fileset()``
against the directory of the ``.tf`` file, string interpolation and the common pure
functions. A Terraform module is a directory, so variables, locals and referenced
resources come from every ``.tf`` file beside the one being read. Everything else
(``random_string.x.result``, module outputs, data attributes) makes the name unknown, with
the reason and, when part of a string is known, a pattern.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from analyzer.discovery import ALWAYS_SKIPPED_DIRS, display_path
from analyzer.inventory.iac import (
    EVAL_BUDGET,
    MAX_EVAL_DEPTH,
    MAX_FILE_CHARS,
    MAX_ITEMS,
    Analysis,
    Details,
    FieldLiteral,
    ResourceId,
    Unknown,
    arm_child_type,
    arm_details,
    arm_type_kind,
    canonical_runbook_type,
    declaration,
    disk_path,
    encrypted_fields,
    finish,
    first_unknown,
    get_ci,
    join_text,
    map_text,
    property_text,
    read_side_file,
    run_cache,
    to_text,
)
from analyzer.inventory.model import (
    BUILTIN_CONNECTION_TYPES,
    Declaration,
    FieldDef,
    InventoryKind,
    InventoryProblem,
    LoadResult,
    SecretLiteral,
    SourceRef,
)

if TYPE_CHECKING:
    from lark import Token, Tree

    from analyzer.inventory.loader import InventoryFile, LoadContext

FORMAT = "terraform"
#: Resource type → (kind, connection type the resource implies).
TYPED_RESOURCES: dict[str, tuple[InventoryKind, str | None]] = {
    "azurerm_automation_account": ("account", None),
    "azurerm_automation_connection": ("connection", None),
    "azurerm_automation_connection_service_principal": ("connection", "AzureServicePrincipal"),
    "azurerm_automation_connection_certificate": ("connection", "Azure"),
    "azurerm_automation_connection_classic_certificate": ("connection", "AzureClassicCertificate"),
    "azurerm_automation_connection_type": ("connection_type", None),
    "azurerm_automation_credential": ("credential", None),
    "azurerm_automation_variable_string": ("variable", None),
    "azurerm_automation_variable_int": ("variable", None),
    "azurerm_automation_variable_bool": ("variable", None),
    "azurerm_automation_variable_datetime": ("variable", None),
    "azurerm_automation_variable_object": ("variable", None),
    "azurerm_automation_certificate": ("certificate", None),
    "azurerm_automation_runbook": ("runbook", None),
    "azurerm_automation_dsc_configuration": ("dsc_configuration", None),
    "azurerm_automation_module": ("module", None),
    "azurerm_automation_powershell72_module": ("module", None),
    "azurerm_automation_python3_package": ("python_package", None),
}
#: Module resources → how ARM spells their child type (the ``resourceType`` property).
_MODULE_RESOURCE_TYPES = {
    "azurerm_automation_module": "modules",
    "azurerm_automation_powershell72_module": "powershell72Modules",
    "azurerm_automation_python3_package": "python3Packages",
}
#: Attributes that name the owning account, in order of preference.
ACCOUNT_ATTRIBUTES = (
    "automation_account_name",
    "account_name",
    "automation_account_id",
    "parent_id",
)
#: Files a directory walk for fileset() or sibling .tf files looks at, at most.
MAX_FILES = 10_000
_PURE_FUNCTIONS_UNKNOWN = {
    "timestamp": "known only at apply time",
    "uuid": "random at apply time",
    "bcrypt": "random at apply time",
    "file": "file contents are not read",
    "filebase64": "file contents are not read",
    "templatefile": "templates are not rendered",
}


# ====================================================================== the Lark tree


def _trees(node: Tree) -> list[Tree]:
    """Child rules, without tokens and comments/newlines."""
    from lark import Tree

    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _has_token(node: Tree, value: str) -> bool:
    from lark import Token

    return any(isinstance(c, Token) and c == value for c in node.children)


def _name_of(node: Tree | Token) -> str:
    """The text of an identifier/keyword/literal_value rule or a token."""
    from lark import Tree

    if isinstance(node, Tree):
        if node.data == "string":
            return _literal_string(node) or ""
        return "".join(str(c) for c in node.children if not isinstance(c, Tree))
    return str(node)


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            value = int(code[1:], 16)
            return chr(value) if value <= 0x10FFFF else "\ufffd"
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(replace, text)


def _part_text(token: Token) -> str:
    if token.type == "STRING_CHARS":
        return _unescape(str(token))
    # ESCAPED_INTERPOLATION "$${" / ESCAPED_DIRECTIVE "%%{": one sign is the escape
    return str(token)[1:]


def _literal_string(node: Tree) -> str | None:
    """The value of a quoted string without interpolations, else None."""
    from lark import Token, Tree

    out = []
    for part in node.children:
        if isinstance(part, Tree) and part.data == "string_part":
            inner = part.children[0]
            if not isinstance(inner, Token):
                return None
            out.append(_part_text(inner))
    return "".join(out)


def _unwrap(node: Tree) -> Tree:
    """The inner rule of ``expr_term`` wrappers (not of parentheses)."""
    while node.data == "expr_term" and not _has_token(node, "("):
        inner = _trees(node)
        if len(inner) != 1:
            break
        node = inner[0]
    return node


@dataclass
class _Block:
    type: str
    labels: list[str]
    line: int
    path: str
    attributes: dict[str, Tree] = field(default_factory=dict)
    blocks: list[_Block] = field(default_factory=list)


def _line(node: Tree) -> int | None:
    meta = node.meta
    return None if meta.empty else meta.line


def _body(body: Tree, path: str) -> tuple[dict[str, Tree], list[_Block]]:
    attributes: dict[str, Tree] = {}
    blocks: list[_Block] = []
    for child in _trees(body):
        if child.data == "attribute":
            parts = _trees(child)
            if len(parts) >= 2:
                attributes.setdefault(_name_of(parts[0]), parts[-1])
        elif child.data == "block":
            parts = _trees(child)
            inner = parts[-1]
            block = _Block(_name_of(parts[0]), [_name_of(p) for p in parts[1:-1]], 0, path)
            block.line = _line(child) or 0
            block.attributes, block.blocks = _body(inner, path)
            blocks.append(block)
    return attributes, blocks


def _parse(path: str, text: str) -> list[_Block] | InventoryProblem:
    """Top-level blocks of one file, or the problem that makes it unreadable."""
    if len(text) > MAX_FILE_CHARS:
        return InventoryProblem(path, None, "Terraform file too large to read")
    import hcl2
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
    )

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            opener = _unclosed(text)
            if opener is not None:
                char, line = opener
                return InventoryProblem(
                    path, line, f"invalid HCL: '{char}' opened at line {line} is never closed"
                )
            return InventoryProblem(
                path, None, "invalid HCL: unexpected end of file (a string is not closed?)"
            )
        token = str(exc.token).strip() or "\n"
        found = repr(token if len(token) <= 40 else token[:40] + "…")
        return InventoryProblem(
            path,
            exc.line if exc.line > 0 else None,
            f"invalid HCL: unexpected {found} at line {exc.line}, column {exc.column}",
        )
    except UnexpectedCharacters as exc:
        return InventoryProblem(
            path,
            exc.line,
            f"invalid HCL: unexpected character {exc.char!r} at line {exc.line}, "
            f"column {exc.column}",
        )
    except UnexpectedEOF as exc:
        return InventoryProblem(path, None, f"invalid HCL: unexpected end of file ({exc})")
    except UnexpectedInput as exc:  # pragma: no cover - other Lark input errors
        return InventoryProblem(path, getattr(exc, "line", None), f"invalid HCL: {exc}")
    except RecursionError:
        return InventoryProblem(path, None, "invalid HCL: nested too deeply")
    except Exception as exc:  # the parser must never end the run
        return InventoryProblem(path, None, f"invalid HCL: {type(exc).__name__}: {exc}")
    body = _trees(tree)[0] if _trees(tree) else None
    if body is None:
        return []
    return _body(body, path)[1]


_SCAN = re.compile(
    r'#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|"(?:[^"\\\n]|\\.)*"?'
    r"|<<-?([A-Za-z][\w.-]*)\r?\n.*?^[ \t]*\1[ \t]*\r?$"
    r"|[{}\[\]()]|\n",
    re.S | re.M,
)


def _unclosed(text: str) -> tuple[str, int] | None:
    """The innermost bracket never closed, for a useful line when the file just ends.
    Comments, strings and heredocs are skipped: their brackets do not count."""
    stack: list[tuple[str, int]] = []
    line = 1
    for match in _SCAN.finditer(text):
        token = match.group()
        if token in ("{", "[", "("):
            stack.append((token, line))
        elif token in ("}", "]", ")") and stack:
            stack.pop()
        line += token.count("\n")
    return stack[-1] if stack else None


# ====================================================================== a module (directory)


@dataclass
class _Module:
    """Everything one Terraform module (directory) declares, for reference resolution."""

    folder: Path
    files: dict[str, list[_Block] | InventoryProblem] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    variables: dict[str, _Block] = field(default_factory=dict)
    tfvars: dict[str, Tree] = field(default_factory=dict)
    locals: dict[str, Tree] = field(default_factory=dict)
    resources: dict[tuple[str, str], _Block] = field(default_factory=dict)
    data: dict[tuple[str, str], _Block] = field(default_factory=dict)

    def add(self, path: str, text: str) -> None:
        parsed = _parse(path, text)
        self.files[path] = parsed
        self.texts[path] = text
        if isinstance(parsed, InventoryProblem):
            return
        for block in parsed:
            if block.type == "variable" and len(block.labels) == 1:
                self.variables.setdefault(block.labels[0], block)
            elif block.type == "locals":
                for name, node in block.attributes.items():
                    self.locals.setdefault(name, node)
            elif block.type == "resource" and len(block.labels) == 2:
                self.resources.setdefault((block.labels[0], block.labels[1]), block)
            elif block.type == "data" and len(block.labels) == 2:
                self.data.setdefault((block.labels[0], block.labels[1]), block)

    def add_tfvars(self) -> None:
        """``terraform.tfvars`` then ``*.auto.tfvars`` (later wins), as Terraform reads them."""
        try:
            names = sorted(p.name for p in self.folder.iterdir() if p.name.endswith(".auto.tfvars"))
        except OSError:
            return
        import hcl2

        for name in ["terraform.tfvars", *names]:
            text = read_side_file(self.folder / name)
            if text is None:
                continue
            try:
                tree = hcl2.parses_to_tree(text)
            except Exception:  # a broken tfvars file only means: no values from it
                continue
            body = _trees(tree)
            if body:
                self.tfvars.update(_body(body[0], name)[0])


def _module(file: InventoryFile, context: LoadContext) -> _Module:
    """The module of ``file``: every ``.tf`` file in its directory (inventory files first,
    then others on disk, so ``--inventory main.tf`` still sees ``variables.tf``)."""
    folder = PurePosixPath(file.path).parent
    siblings = sorted(
        (
            f
            for f in context.files.values()
            if f.format == FORMAT and PurePosixPath(f.path).parent == folder
        ),
        key=lambda f: f.path,
    )
    cache = run_cache(context, "terraform-modules")
    key = (str(folder), tuple((f.path, f.text) for f in siblings))
    if key in cache:
        return cache[key]
    directory = disk_path(file.path, context).parent
    module = _Module(directory)
    known: set[Path] = set()
    for sibling in siblings:
        module.add(sibling.path, sibling.text)
        known.add(disk_path(sibling.path, context).resolve())
    for extra in _more_tf_files(directory, known):
        text = read_side_file(extra)
        if text is not None:
            module.add(display_path(extra, context.cwd), text)
    module.add_tfvars()
    cache[key] = module
    return module


def _more_tf_files(directory: Path, known: set[Path]) -> list[Path]:
    try:
        found = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".tf" and p.is_file())
    except OSError:
        return []
    return [p for p in found[:MAX_FILES] if p.resolve() not in known]


# ====================================================================== evaluation


@dataclass(frozen=True, slots=True)
class _Each:
    key: object
    value: object


#: Functions _Evaluator.call evaluates itself (lazily, or with partly known arguments).
_SPECIAL_FUNCTIONS = {
    "try",
    "can",
    "lower",
    "upper",
    "title",
    "format",
    "join",
    "fileset",
    "coalesce",
}
_EACH = "\0each"
_COUNT = "\0count"


class _Evaluator:
    """Terraform expression evaluation over what a module declares (see module docstring)."""

    def __init__(self, module: _Module) -> None:
        self.module = module
        self.cache: dict[str, object] = {}
        self.in_progress: set[str] = set()
        self.budget = EVAL_BUDGET
        self.depth = 0

    def memo(self, key: str, compute: Callable[[], object], cycle: str) -> object:
        if key in self.cache:
            return self.cache[key]
        if key in self.in_progress:
            return Unknown(cycle)
        self.in_progress.add(key)
        try:
            value = compute()
        finally:
            self.in_progress.discard(key)
        self.cache[key] = value
        return value

    # ------------------------------------------------------------- expressions
    def eval(self, node: Tree, scope: dict[str, object]) -> object:
        self.budget -= 1
        if self.budget < 0:
            return Unknown("too complex to evaluate")
        if self.depth >= MAX_EVAL_DEPTH:
            return Unknown("nested too deeply to evaluate")
        self.depth += 1
        try:
            return self.evaluate(node, scope)
        finally:
            self.depth -= 1

    def evaluate(self, node: Tree, scope: dict[str, object]) -> object:
        data = node.data
        if data == "expr_term":
            inner = _trees(node)
            return self.eval(inner[0], scope) if len(inner) == 1 else Unknown("empty expression")
        if data == "int_lit":
            return int(str(node.children[0]))
        if data == "float_lit":
            return float(str(node.children[0]))
        if data == "literal_value":
            text = str(node.children[0])
            return None if text == "null" else text == "true"
        if data == "string":
            return self.template(node, scope)
        if data in ("heredoc_template", "heredoc_template_trim"):
            return _heredoc(str(node.children[0]), trim=data.endswith("trim"))
        if data == "tuple":
            return [self.eval(item, scope) for item in _trees(node)[:MAX_ITEMS]]
        if data == "object":
            return self.object(node, scope)
        if data == "identifier":
            name = _name_of(node)
            return scope[name] if name in scope else Unknown(f"'{name}' is not known here")
        if data in ("get_attr_expr_term", "index_expr_term"):
            return self.traversal(node, scope)
        if data == "function_call":
            return self.call(node, scope)
        if data in ("attr_splat_expr_term", "full_splat_expr_term"):
            return Unknown("a splat expression")
        if data in ("for_tuple_expr", "for_object_expr"):
            return self.for_expression(node, scope)
        if data == "conditional":
            parts = _trees(node)
            cond = self.eval(parts[0], scope)
            if isinstance(cond, bool):
                return self.eval(parts[1] if cond else parts[2], scope)
            yes, no = self.eval(parts[1], scope), self.eval(parts[2], scope)
            if yes == no and not isinstance(yes, Unknown):
                return yes
            reason = cond.reason if isinstance(cond, Unknown) else "a condition"
            return Unknown(f"a condition that depends on {reason}", input=_input(cond))
        if data == "binary_op":
            return self.binary(node, scope)
        if data == "unary_op":
            operator = str(node.children[0])
            value = self.eval(_trees(node)[0], scope)
            if operator == "!" and isinstance(value, bool):
                return not value
            if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return -value
            return value.opaque() if isinstance(value, Unknown) else Unknown("bad operand")
        if data == "interpolation":
            return self.eval(_trees(node)[0], scope)
        return Unknown(f"unsupported expression ({data})")

    def template(self, node: Tree, scope: dict[str, object]) -> object:
        from lark import Token

        parts: list[object] = []
        for part in _trees(node):
            inner = part.children[0]
            if isinstance(inner, Token):
                parts.append(_part_text(inner))
            elif inner.data == "interpolation":
                parts.append(self.eval(inner, scope))
            else:
                return Unknown("a template directive (%{…})")
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${x}" is x itself, not its text
        return join_text(parts)

    def object(self, node: Tree, scope: dict[str, object]) -> object:
        out: dict[str, object] = {}
        for elem in _trees(node):
            if elem.data != "object_elem":
                continue
            parts = _trees(elem)
            key_node = _trees(parts[0])[0] if _trees(parts[0]) else parts[0]
            inner = _unwrap(key_node)
            key = (
                _name_of(inner)
                if inner.data in ("identifier", "keyword", "object_elem_key")
                else to_text(self.eval(key_node, scope))
            )
            if isinstance(key, str):
                out[key] = self.eval(parts[-1], scope)
        return out

    def binary(self, node: Tree, scope: dict[str, object]) -> object:
        left_node, term = _trees(node)[:2]
        operator_node, right_node = _trees(term)[:2]
        operator = _name_of(operator_node).strip()
        left = self.eval(left_node, scope)
        right = self.eval(right_node, scope)
        unknown = first_unknown((left, right))
        if unknown is not None:
            return unknown.opaque()
        if operator in ("==", "!="):
            return (left == right) == (operator == "==")
        if operator in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if operator == "&&" else (left or right)
        numbers = (int, float)
        if (
            isinstance(left, numbers)
            and isinstance(right, numbers)
            and not isinstance(left, bool)
            and not isinstance(right, bool)
        ):
            try:
                return _arith(operator, left, right)
            except (ArithmeticError, ValueError):
                return Unknown(f"cannot compute '{operator}'")
        return Unknown(f"unsupported operation '{operator}'")

    def for_expression(self, node: Tree, scope: dict[str, object]) -> object:
        parts = _trees(node)
        intro = parts[0]
        names = [_name_of(t) for t in _trees(intro) if t.data == "identifier"]
        collection = self.eval(_trees(intro)[-1], scope)
        condition = parts[-1] if parts[-1].data == "for_cond" else None
        bodies = [p for p in parts[1:] if p is not condition]
        if isinstance(collection, Unknown):
            return collection.opaque()
        if _has_token(node, "..."):
            return Unknown("a grouping for expression")
        pairs: list[tuple[object, object]]
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Unknown("a for expression over a non-collection")
        is_object = node.data == "for_object_expr"
        out_list: list[object] = []
        out_map: dict[str, object] = {}
        for key, value in pairs[:MAX_ITEMS]:
            inner = dict(scope)
            if len(names) == 2:
                inner[names[0]], inner[names[1]] = key, value
            else:
                inner[names[0]] = value
            if condition is not None:
                keep = self.eval(_trees(condition)[0], inner)
                if keep is False:
                    continue
                if not isinstance(keep, bool):
                    return Unknown("a for expression filter known only at apply")
            if is_object:
                out_key = to_text(self.eval(bodies[0], inner))
                if not isinstance(out_key, str):
                    return Unknown("a for expression with unknown keys")
                out_map[out_key] = self.eval(bodies[1], inner)
            else:
                out_list.append(self.eval(bodies[0], inner))
        return out_map if is_object else out_list

    # ------------------------------------------------------------- references
    def traversal(self, node: Tree, scope: dict[str, object]) -> object:
        steps: list[Tree] = []
        current = node
        while True:
            current = _unwrap(current)
            if current.data in ("get_attr_expr_term", "index_expr_term"):
                target, step = _trees(current)[:2]
                steps.append(step)
                current = target
                continue
            break
        steps.reverse()
        if current.data != "identifier":
            return self.apply(self.eval(current, scope), steps, scope)
        root = _name_of(current)
        if root in scope:
            return self.apply(scope[root], steps, scope)
        first = _attr(steps[0]) if steps else None
        if root == "var" and first:
            return self.apply(self.variable(first), steps[1:], scope)
        if root == "local" and first:
            return self.apply(self.local(first), steps[1:], scope)
        if root == "each":
            each = scope.get(_EACH)
            if not isinstance(each, _Each):
                return Unknown("each is used outside for_each")
            if first == "key":
                return self.apply(each.key, steps[1:], scope)
            if first == "value":
                return self.apply(each.value, steps[1:], scope)
            return Unknown("each has only key and value")
        if root == "count" and first == "index":
            return scope.get(_COUNT, Unknown("count.index is used outside count"))
        if root == "path" and first in ("module", "root", "cwd"):
            return "."
        if root == "terraform":
            return Unknown("the Terraform workspace is known only at plan time")
        if root == "data" and len(steps) >= 2:
            return self.data_ref(_attr(steps[0]) or "", _attr(steps[1]) or "", steps[2:], scope)
        if root == "module":
            return Unknown(f"an output of module '{first}'")
        if root == "self":
            return Unknown("self is known only at apply time")
        if first is None:
            return Unknown(f"'{root}' is not known here")
        return self.resource_ref(root, first, steps[1:], scope)

    def apply(self, value: object, steps: list[Tree], scope: dict[str, object]) -> object:
        for step in steps:
            if isinstance(value, Unknown):
                return value.opaque()
            name = _attr(step)
            key: object
            if name is not None:
                key = name
            elif step.data == "short_index":
                key = int(str(step.children[-1]))
            else:
                key = self.eval(_trees(step)[0], scope)
            if isinstance(key, Unknown):
                return key.opaque()
            if _has_item(value, key):
                value = value[key]  # type: ignore[index]
            elif isinstance(value, ResourceId):
                return Unknown("an attribute of a resource id")
            else:
                return Unknown(f"no attribute or item {key!r}")
        return value

    def variable(self, name: str) -> object:
        def compute() -> object:
            if name in self.module.tfvars:
                return self.eval(self.module.tfvars[name], {})
            block = self.module.variables.get(name)
            if block is None:
                return Unknown(f"variable '{name}' is not declared in this directory")
            default = block.attributes.get("default")
            if default is None:
                return Unknown(f"variable '{name}' has no default", input=True)
            value = self.eval(default, {})
            if value is None:
                return Unknown(f"variable '{name}' defaults to null", input=True)
            return value

        return self.memo(f"var.{name}", compute, f"variable '{name}' refers to itself")

    def local(self, name: str) -> object:
        node = self.module.locals.get(name)
        if node is None:
            return Unknown(f"local '{name}' is not declared in this directory")
        return self.memo(
            f"local.{name}", lambda: self.eval(node, {}), f"local '{name}' refers to itself"
        )

    def data_ref(
        self, kind: str, label: str, steps: list[Tree], scope: dict[str, object]
    ) -> object:
        """A data source looks up an existing object by name: its ``name`` (and the id of
        an existing account) are as known as that argument."""
        block = self.module.data.get((kind, label))
        attribute = _attr(steps[0]) if steps else None
        if block is None or attribute not in ("name", "id") or "name" not in block.attributes:
            return Unknown(f"data.{kind}.{label}.{attribute} is read at apply time")
        name = self.eval(block.attributes["name"], {})
        if attribute == "id":
            return ResourceId("account" if kind == "azurerm_automation_account" else "", name)
        return self.apply(name, steps[1:], scope)

    def resource_ref(
        self, kind: str, label: str, steps: list[Tree], scope: dict[str, object]
    ) -> object:
        block = self.module.resources.get((kind, label))
        instance: object = None
        if steps and _attr(steps[0]) is None:
            index_step = steps[0]
            instance = (
                int(str(index_step.children[-1]))
                if index_step.data == "short_index"
                else self.eval(_trees(index_step)[0], scope)
            )
            steps = steps[1:]
        attribute = _attr(steps[0]) if steps else None
        shown = f"{kind}.{label}" + (f".{attribute}" if attribute else "")
        if block is None or attribute not in ("name", "id"):
            return Unknown(f"{shown} is known only after apply")
        name = self.instance_name(block, instance)
        if attribute == "id":
            return ResourceId(_block_kind(block, self) or "", name)
        return self.apply(name, steps[1:], scope)

    def instance_name(self, block: _Block, instance: object) -> object:
        if "name" not in block.attributes:
            return Unknown(f"{block.labels[0]}.{block.labels[1]} has no name")
        scopes = self.instances(block)
        if instance is None:
            if len(scopes) != 1 or _EACH in scopes[0] or _COUNT in scopes[0]:
                return Unknown(f"{block.labels[0]}.{block.labels[1]} has several instances")
            chosen = scopes[0]
        else:
            if isinstance(instance, Unknown):
                return instance.opaque()
            matches = [
                s
                for s in scopes
                if (isinstance(s.get(_EACH), _Each) and s[_EACH].key == instance)  # type: ignore[union-attr]
                or s.get(_COUNT) == instance
            ]
            if len(matches) != 1:
                return Unknown(f"{block.labels[0]}.{block.labels[1]}[{instance!r}] is not known")
            chosen = matches[0]
        key = f"name of {block.labels[0]}.{block.labels[1]}[{instance!r}]"
        return self.memo(
            key, lambda: self.eval(block.attributes["name"], chosen), f"{key} refers to itself"
        )

    # ------------------------------------------------------------- instances
    def instances(self, block: _Block) -> list[dict[str, object]]:
        """One scope per instance: ``for_each`` keys, ``count`` indexes, or one. An unknown
        collection gives one scope whose ``each``/``count`` is unknown."""
        for_each = block.attributes.get("for_each")
        if for_each is not None:
            collection = self.collection(for_each)
            if isinstance(collection, Unknown):
                unknown = Unknown(
                    f"for_each is unknown: {collection.reason}", input=collection.input
                )
                return [{_EACH: _Each(unknown, unknown)}]
            if isinstance(collection, dict):
                return [{_EACH: _Each(k, collection[k])} for k in sorted(collection)[:MAX_ITEMS]]
            if isinstance(collection, list):
                keys = [to_text(v) for v in collection]
                if any(isinstance(k, Unknown) for k in keys):
                    unknown = Unknown("for_each is unknown: a set with unknown items")
                    return [{_EACH: _Each(unknown, unknown)}]
                return [{_EACH: _Each(k, k)} for k in sorted(set(keys))[:MAX_ITEMS]]  # type: ignore[type-var]
            unknown = Unknown("for_each is unknown: not a map or set")
            return [{_EACH: _Each(unknown, unknown)}]
        count = block.attributes.get("count")
        if count is not None:
            value = self.eval(count, {})
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                reason = value.reason if isinstance(value, Unknown) else "a non-number"
                return [{_COUNT: Unknown(f"count is unknown: {reason}", input=_input(value))}]
            return [{_COUNT: i} for i in range(max(0, min(int(value), MAX_ITEMS)))]
        return [{}]

    def collection(self, node: Tree) -> object:
        """A for_each collection; a variable whose default is empty is an input, not
        "nothing" (reusable modules default their asset maps to ``{}``)."""
        value = self.eval(node, {})
        if value in ({}, []):
            target = _unwrap(node)
            if target.data == "get_attr_expr_term":
                root, step = _trees(target)[:2]
                root = _unwrap(root)
                name = _attr(step)
                if (
                    root.data == "identifier"
                    and _name_of(root) == "var"
                    and name is not None
                    and name not in self.module.tfvars
                ):
                    return Unknown(
                        f"variable '{name}' defaults to an empty collection; the caller "
                        "supplies the items",
                        input=True,
                    )
        return value

    # ------------------------------------------------------------- functions
    def call(self, node: Tree, scope: dict[str, object]) -> object:
        parts = _trees(node)
        names = [p for p in parts if p.data == "identifier"]
        name = _name_of(names[0])
        if len(names) > 1:
            return Unknown(f"uses provider function {'::'.join(_name_of(n) for n in names)}()")
        arguments = [p for p in parts if p.data == "arguments"]
        arg_nodes = _trees(arguments[0]) if arguments else []
        if arguments and _has_token(arguments[0], "..."):
            return Unknown(f"{name}() with expanded arguments")
        if name in _PURE_FUNCTIONS_UNKNOWN:
            return Unknown(f"uses {name}(): {_PURE_FUNCTIONS_UNKNOWN[name]}")
        if name == "try":
            values = [self.eval(arg, scope) for arg in arg_nodes]
            return next(
                (v for v in values if not isinstance(v, Unknown)), values[0] if values else None
            )
        if name == "can":
            return not isinstance(self.eval(arg_nodes[0], scope), Unknown) if arg_nodes else False
        args = [self.eval(arg, scope) for arg in arg_nodes]
        if name in ("lower", "upper", "title") and len(args) == 1:
            return map_text(
                args[0], {"lower": str.lower, "upper": str.upper, "title": str.title}[name]
            )
        if name == "format":
            return _format(args)
        if name == "join" and len(args) == 2 and isinstance(args[1], list):
            separator = args[0]
            pieces: list[object] = []
            for index, item in enumerate(args[1]):
                if index:
                    pieces.append(separator)
                pieces.append(item)
            return join_text(pieces)
        if name == "fileset":
            return self.fileset(args)
        if name == "coalesce":
            for arg in args:
                if isinstance(arg, Unknown):
                    return arg
                if arg is not None and arg != "":
                    return arg
            return Unknown("coalesce() of nothing")
        unknown = first_unknown(args)
        if unknown is not None:
            return unknown.opaque()  # an unknowable argument says more than the function
        if name not in _FUNCTIONS:
            return Unknown(f"uses {name}()")
        try:
            return _FUNCTIONS[name](*args)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError):
            return Unknown(f"cannot evaluate {name}()")

    def fileset(self, args: list[object]) -> object:
        """fileset(path, pattern) against the directory of the .tf file: the runbooks a
        ``for_each = fileset("./runbooks", "*.ps1")`` uploads are files of the repository."""
        if len(args) != 2 or not all(isinstance(a, str) for a in args):
            unknown = first_unknown(args)
            return unknown.opaque() if unknown else Unknown("fileset() with unknown arguments")
        base, pattern = str(args[0]), str(args[1])
        root = Path(base) if Path(base).is_absolute() else self.module.folder / base
        if not root.is_dir():
            return []
        pattern = pattern.removeprefix("./")
        matcher = _glob_regex(pattern)
        depth = None if "**" in pattern else pattern.count("/")
        found: list[str] = []
        seen = 0
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            level = len(here.relative_to(root).parts)
            if depth is not None and level >= depth:
                dirnames[:] = []
            dirnames[:] = sorted(d for d in dirnames if d not in ALWAYS_SKIPPED_DIRS)
            for filename in sorted(filenames):
                seen += 1
                if seen > MAX_FILES:
                    return Unknown("fileset() over too many files")
                relative = (here / filename).relative_to(root).as_posix()
                if matcher.fullmatch(relative):
                    found.append(relative)
        if len(found) > MAX_ITEMS:
            return Unknown("fileset() matches too many files")
        return sorted(found)


def _input(value: object) -> bool:
    return isinstance(value, Unknown) and value.input


def _has_item(value: object, key: object) -> bool:
    if isinstance(value, dict):
        return isinstance(key, str) and key in value
    if isinstance(value, list):
        return (
            isinstance(key, int) and not isinstance(key, bool) and -len(value) <= key < len(value)
        )
    return False


def _attr(step: Tree) -> str | None:
    if step.data == "get_attr":
        names = _trees(step)
        return _name_of(names[0]) if names else None
    return None


def _object_items(node: Tree) -> list[tuple[str | None, Tree, int | None]]:
    """(key, value, line) of an object's elements; key None when it is computed."""
    out: list[tuple[str | None, Tree, int | None]] = []
    for elem in _trees(node):
        if elem.data != "object_elem":
            continue
        parts = _trees(elem)
        key_parts = _trees(parts[0])
        key: str | None = None
        if key_parts:
            inner = _unwrap(key_parts[0])
            if inner.data in ("identifier", "keyword"):
                key = _name_of(inner)
            elif inner.data == "string":
                key = _literal_string(inner)
        else:
            key = _name_of(parts[0])  # keyword keys
        out.append((key, parts[-1], _line(elem)))
    return out


def _heredoc(token: str, *, trim: bool) -> object:
    lines = token.replace("\r\n", "\n").split("\n")
    body = lines[1:-2] if len(lines) >= 3 else []
    if trim:
        indents = [len(x) - len(x.lstrip(" \t")) for x in body if x.strip()]
        cut = min(indents, default=0)
        body = [x[cut:] for x in body]
    text = "\n".join(body) + ("\n" if body else "")
    if re.search(r"(?<![$%])[$%]\{", text):
        return Unknown("a heredoc with interpolations")
    return text.replace("$${", "${").replace("%%{", "%{")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Terraform fileset() patterns: ``*``, ``**``, ``?``, ``[class]``, ``{a,b}``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := pattern.find("]", i + 2)) > 0:
            content = pattern[i + 1 : end]
            negate = content[:1] in ("!", "^")
            content = content[1:] if negate else content
            out.append("[" + ("^" if negate else "") + content.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        elif char == "{" and (end := pattern.find("}", i)) > 0:
            choices = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(re.escape(c) for c in choices) + ")")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(re.escape(pattern))


def _arith(operator: str, left: float, right: float) -> object:
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "/":
        return left / right
    if operator == "%":
        return left % right
    if operator == "<":
        return left < right
    if operator == ">":
        return left > right
    if operator == "<=":
        return left <= right
    if operator == ">=":
        return left >= right
    raise ValueError(operator)


def _format(args: list[object]) -> object:
    """Terraform's format(): %s %d %v %q %t %f %x with flags, width and precision."""
    if not args or not isinstance(args[0], str):
        return first_unknown(args) or Unknown("format() with an unknown format string")
    template, values = args[0], list(args[1:])
    parts: list[object] = []
    position = 0
    for match in re.finditer(r"%(%|([-+# 0]*)(\d*)(\.\d+)?([a-zA-Z]))", template):
        parts.append(template[position : match.start()])
        position = match.end()
        if match.group(1) == "%":
            parts.append("%")
            continue
        if not values:
            return Unknown("format() with too few arguments")
        value = values.pop(0)
        verb = match.group(5)
        if isinstance(value, Unknown) or verb in ("s", "v"):
            text = to_text(value)
            if isinstance(text, str) and (match.group(3) or match.group(4)):
                text = f"%{match.group(2)}{match.group(3)}{match.group(4) or ''}s" % text
            parts.append(text)
            continue
        if verb == "q":
            parts.append(json.dumps(value))
            continue
        if verb == "t" and isinstance(value, bool):
            parts.append("true" if value else "false")
            continue
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or verb not in "dfeEgGxXob"
        ):
            return Unknown(f"format() verb %{verb} with this value")
        spec = match.group(2) + match.group(3) + (match.group(4) or "")
        parts.append(f"%{spec}{verb}" % (int(value) if verb in "dxXob" else value))
    parts.append(template[position:])
    return join_text(parts)


def _text(value: object) -> str:
    text = to_text(value)
    if isinstance(text, Unknown):
        raise ValueError(text.reason)
    return text


def _element(items: list[object], index: int) -> object:
    return items[index % len(items)]


def _toset(items: list[object]) -> list[object]:
    if all(isinstance(i, str) for i in items):
        return sorted(set(items))  # type: ignore[type-var]
    out: list[object] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _flatten(items: list[object]) -> list[object]:
    out: list[object] = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out[:MAX_ITEMS]


def _merge(*maps: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in maps:
        out.update(item)
    return out


_FUNCTIONS: dict[str, Callable[..., object]] = {
    "tostring": _text,
    "tonumber": lambda v: v if isinstance(v, (int, float)) else float(v) if "." in v else int(v),
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "tolist": list,
    "toset": _toset,
    "tomap": dict,
    "trimspace": lambda s: s.strip(),
    "trim": lambda s, chars: s.strip(chars),
    "trimprefix": lambda s, p: s.removeprefix(p),
    "trimsuffix": lambda s, p: s.removesuffix(p),
    "chomp": lambda s: s.rstrip("\r\n"),
    "replace": lambda s, old, new: (
        s.replace(old, new) if not (old.startswith("/") and old.endswith("/")) else _no_regex()
    ),
    "split": lambda sep, s: s.split(sep) if sep else list(s),
    "substr": lambda s, offset, length: s[offset:] if length < 0 else s[offset : offset + length],
    "element": _element,
    "index": lambda items, value: items.index(value),
    "length": len,
    "concat": lambda *lists: [x for item in lists for x in item][:MAX_ITEMS],
    "merge": _merge,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "lookup": lambda m, key, *default: m[key] if key in m or not default else default[0],
    "contains": lambda items, value: value in items,
    "distinct": _toset,
    "compact": lambda items: [i for i in items if i not in ("", None)],
    "flatten": _flatten,
    "one": lambda items: items[0] if len(items) == 1 else None if not items else _no_one(),
    "reverse": lambda items: list(reversed(items)),
    "sort": lambda items: sorted(_text(i) for i in items),
    "range": lambda *a: list(range(*(int(x) for x in a)))[:MAX_ITEMS],
    "basename": lambda p: PurePosixPath(p).name,
    "dirname": lambda p: str(PurePosixPath(p).parent),
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strrev": lambda s: s[::-1],
    "abs": abs,
    "min": min,
    "max": max,
    "jsonencode": lambda v: json.dumps(_known(v), sort_keys=True, separators=(",", ":")),
    "jsondecode": json.loads,
    "zipmap": lambda keys, values: dict(zip(keys, values, strict=True)),
}


def _no_regex() -> str:
    raise ValueError("replace() with a regular expression")


def _no_one() -> object:
    raise ValueError("one() of several items")


def _known(value: object) -> object:
    if isinstance(value, Unknown):
        raise ValueError(value.reason)
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v) for v in value]
    if isinstance(value, ResourceId):
        raise ValueError("a resource id")
    return value


# ====================================================================== declarations


def _block_kind(block: _Block, evaluator: _Evaluator | None = None) -> InventoryKind | None:
    resource_type = block.labels[0]
    if resource_type in TYPED_RESOURCES:
        return TYPED_RESOURCES[resource_type][0]
    if resource_type == "azapi_resource":
        info = _azapi_type(block, evaluator)
        return info[0] if info else None
    return None


def _azapi_type(block: _Block, evaluator: _Evaluator | None) -> tuple[InventoryKind, int] | None:
    node = block.attributes.get("type")
    if node is None:
        return None
    inner = _unwrap(node)
    value: object = _literal_string(inner) if inner.data == "string" else None
    if value is None and evaluator is not None:
        value = evaluator.eval(node, {})
    return arm_type_kind(value) if isinstance(value, str) else None


def _literal_line(node: Tree | None) -> int | None:
    """The line of a secret written as a literal (a string without interpolation, a
    number or a boolean); None for references such as ``var.x`` or ``random_password``."""
    if node is None:
        return None
    inner = _unwrap(node)
    if inner.data == "string":
        value = _literal_string(inner)
        return _line(inner) if value else None
    if inner.data in ("heredoc_template", "heredoc_template_trim"):
        value = _heredoc(str(inner.children[0]), trim=False)
        return _line(inner) if isinstance(value, str) and value.strip() else None
    if inner.data in ("int_lit", "float_lit"):
        return _line(inner)
    if inner.data == "literal_value" and str(inner.children[0]) in ("true", "false"):
        return _line(inner)
    return None


def _jsonencode_argument(node: Tree) -> Tree | None:
    """The argument of ``jsonencode(x)``: older azapi bodies are JSON strings, and reading
    ``x`` itself keeps key order and any partly known values."""
    inner = _unwrap(node)
    if inner.data != "function_call":
        return None
    names = [p for p in _trees(inner) if p.data == "identifier"]
    arguments = [p for p in _trees(inner) if p.data == "arguments"]
    if len(names) == 1 and _name_of(names[0]) == "jsonencode" and arguments:
        values = _trees(arguments[0])
        return values[0] if len(values) == 1 else None
    return None


def _object_node(node: Tree | None) -> Tree | None:
    """The object literal an expression is, also inside ``jsonencode(…)``."""
    if node is None:
        return None
    inner = _unwrap(_jsonencode_argument(node) or node)
    return inner if inner.data == "object" else None


def _member(node: Tree | None, key: str) -> Tree | None:
    """An object literal's element by (case-insensitive) key."""
    obj = _object_node(node)
    if obj is None:
        return None
    for name, value, _line_number in _object_items(obj):
        if name is not None and name.lower() == key.lower():
            return value
    return None


class _FileDeclarations:
    def __init__(self, path: str, text: str, blocks: list[_Block], module: _Module) -> None:
        self.path = path
        self.text = text
        self.blocks = blocks
        self.eval = _Evaluator(module)
        self.out = Analysis()

    def source(self, line: int | None) -> SourceRef:
        return SourceRef(self.path, line, FORMAT)

    def raw(self, node: Tree | None) -> str:
        if node is None:
            return ""
        inner = _unwrap(node)
        if inner.data == "string" and (value := _literal_string(inner)) is not None:
            return value
        meta = node.meta
        if meta.empty:
            return ""
        return self.text[meta.start_pos : meta.end_pos]

    def run(self) -> Analysis:
        for block in self.blocks:
            if block.type != "resource" or len(block.labels) != 2:
                continue
            resource_type = block.labels[0]
            if resource_type in TYPED_RESOURCES:
                self.typed(block)
            elif resource_type == "azapi_resource":
                self.azapi(block)
        return self.out

    def name_and_account(self, block: _Block, scope: dict[str, object]) -> tuple[object, object]:
        name_node = block.attributes.get("name")
        name = (
            Unknown("no name argument") if name_node is None else self.eval.eval(name_node, scope)
        )
        account: object = None
        for attribute in ACCOUNT_ATTRIBUTES:
            if attribute in block.attributes:
                account = self.eval.eval(block.attributes[attribute], scope)
                break
        return name, account

    def add(
        self, kind: InventoryKind, block: _Block, name: object, account: object, details: Details
    ) -> Declaration:
        decl, input_only = declaration(
            kind,
            name,
            self.raw(block.attributes.get("name")),
            self.source(block.line),
            account if kind != "account" else None,
            details,
        )
        self.out.add(decl, input_only)
        return decl

    def secret(self, decl: Declaration, field_name: str, node: Tree | None) -> None:
        line = _literal_line(node)
        if line is not None:
            self.out.secrets.append(
                SecretLiteral(decl.kind, decl.name, field_name, self.source(line))
            )

    def field_literals(self, decl: Declaration, values: Tree | None) -> None:
        obj = _object_node(values)
        if obj is None:
            return
        for key, value, line in _object_items(obj):
            if key is not None and _literal_line(value) is not None:
                self.out.field_literals.append(
                    FieldLiteral(decl.name, decl.connection_type, key, line)
                )

    # ------------------------------------------------------------- azurerm_automation_*
    def typed(self, block: _Block) -> None:
        resource_type = block.labels[0]
        kind, implied_type = TYPED_RESOURCES[resource_type]
        attributes = block.attributes
        for scope in self.eval.instances(block):
            name, account = self.name_and_account(block, scope)
            details = self.typed_details(block, kind, implied_type, scope)
            decl = self.add(kind, block, name, account, details)
            if kind == "credential":
                self.secret(decl, "password", attributes.get("password"))
            elif kind == "variable" and decl.encrypted:
                self.secret(decl, "value", attributes.get("value"))
            elif kind == "certificate":
                self.secret(decl, "base64", attributes.get("base64"))
            elif kind == "connection" and implied_type is None:
                self.field_literals(decl, attributes.get("values"))

    def typed_details(
        self,
        block: _Block,
        kind: InventoryKind,
        implied_type: str | None,
        scope: dict[str, object],
    ) -> Details:
        """Kind-specific facts; printable properties carry the ARM loader's labels so RB304
        compares a Terraform and an ARM/Bicep declaration of one asset like with like."""
        attributes = block.attributes

        def value(name: str, default: object = None) -> object:
            return self.eval.eval(attributes[name], scope) if name in attributes else default

        details = Details(connection_type=implied_type)
        printable: list[tuple[str, str | None]] = []
        if implied_type is not None:
            details.fields = tuple(FieldDef(f) for f in BUILTIN_CONNECTION_TYPES[implied_type])
            printable.append(("connectionType", implied_type))
        elif kind == "connection":
            connection_type = value("type")
            if isinstance(connection_type, str):
                details.connection_type = connection_type
                printable.append(("connectionType", connection_type))
            values = value("values")
            if isinstance(values, dict):
                details.fields = tuple(FieldDef(k) for k in values)
        elif kind == "connection_type":
            details.fields = self.field_blocks(block, scope)
            if details.fields is not None:
                printable.append(("fields", ",".join(f.name for f in details.fields)))
        elif kind == "credential":
            printable.append(("userName", property_text(value("username"))))
        elif kind == "variable":
            encrypted = value("encrypted", False)
            details.encrypted = encrypted if isinstance(encrypted, bool) else None
            if details.encrypted is not None:
                printable.append(("isEncrypted", "true" if details.encrypted else "false"))
            printable.append(("type", block.labels[0].rsplit("_", 1)[-1]))
        elif kind == "certificate":
            exportable = value("exportable")
            if isinstance(exportable, bool):
                printable.append(("isExportable", "true" if exportable else "false"))
        elif kind == "runbook":
            runbook_type = value("runbook_type")
            details.runbook_type = canonical_runbook_type(runbook_type)
            printable.append(("runbookType", property_text(runbook_type)))
            printable.append(
                ("runtimeEnvironment", property_text(value("runtime_environment_name")))
            )
        elif kind == "dsc_configuration":
            printable.append(("sourceType", "embeddedContent"))
        elif kind in ("module", "python_package"):
            printable.append(("resourceType", _MODULE_RESOURCE_TYPES.get(block.labels[0])))
        details.properties = tuple((k, v) for k, v in printable if v is not None)
        return details

    def field_blocks(self, block: _Block, scope: dict[str, object]) -> tuple[FieldDef, ...] | None:
        fields: list[FieldDef] = []
        for sub in block.blocks:
            if sub.type == "dynamic":
                return None
            if sub.type != "field":
                continue
            values = {k: self.eval.eval(v, scope) for k, v in sub.attributes.items()}
            name = values.get("name")
            if not isinstance(name, str):
                return None
            kind = values.get("type")
            fields.append(
                FieldDef(
                    name,
                    encrypted=values.get("is_encrypted") is True,
                    optional=values.get("is_optional") is True,
                    type=kind if isinstance(kind, str) else None,
                )
            )
        return tuple(fields)

    # ------------------------------------------------------------- azapi_resource
    def azapi(self, block: _Block) -> None:
        info = _azapi_type(block, self.eval)
        if info is None:
            return
        kind, _segments = info
        body_node = block.attributes.get("body")
        for scope in self.eval.instances(block):
            name, account = self.name_and_account(block, scope)
            properties: object = None
            if body_node is not None:
                body = self.eval.eval(_jsonencode_argument(body_node) or body_node, scope)
                if isinstance(body, str):
                    try:
                        body = json.loads(body)
                    except ValueError:
                        body = None
                properties = (
                    get_ci(body, "properties") if isinstance(body, dict) else Unknown("body")
                )
            type_node = block.attributes.get("type")
            type_value = self.eval.eval(type_node, {}) if type_node is not None else None
            child = arm_child_type(type_value) if isinstance(type_value, str) else None
            details = arm_details(kind, properties, child)
            decl = self.add(kind, block, name, account, details)
            props_node = _member(body_node, "properties")
            if kind == "credential":
                self.secret(decl, "password", _member(props_node, "password"))
            elif kind == "variable" and decl.encrypted:
                self.secret(decl, "value", _member(props_node, "value"))
            elif kind == "certificate":
                self.secret(decl, "base64Value", _member(props_node, "base64Value"))
            elif kind == "connection":
                self.field_literals(decl, _member(props_node, "fieldDefinitionValues"))


# ====================================================================== loader entry point


def _analysis(path: str, module: _Module, context: LoadContext) -> Analysis:
    cache = run_cache(context, "terraform-analyses")
    key = (path, id(module))
    if key not in cache:
        parsed = module.files.get(path)
        if isinstance(parsed, InventoryProblem):
            cache[key] = Analysis(problems=[parsed])
        elif parsed is None:
            cache[key] = Analysis()
        else:
            try:
                cache[key] = _FileDeclarations(path, module.texts[path], parsed, module).run()
            except RecursionError:
                cache[key] = Analysis(
                    problems=[
                        InventoryProblem(path, None, "Terraform expressions nested too deeply")
                    ]
                )
    return cache[key]


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """Read one ``.tf`` file in the context of its directory (its Terraform module)."""
    module = _module(file, context)
    if file.path not in module.files:
        module.add(file.path, file.text)
    analysis = _analysis(file.path, module, context)
    declarations: list[Declaration] = []
    if analysis.field_literals:
        for path in module.files:
            declarations.extend(_analysis(path, module, context).declarations)
    return finish(analysis, file.path, FORMAT, encrypted_fields(declarations))
