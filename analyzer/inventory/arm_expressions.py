"""A small, safe evaluator for the ARM template expressions that asset names use.

Asset names in real templates are rarely literals: ``[parameters('connectionName')]``,
``[concat(parameters('accountName'), '/', variables('conn').name)]``,
``[format('{0}/{1}', …)]``. To say whether a runbook's ``Get-AutomationConnection 'X'``
names a declared asset, the ARM loader has to evaluate them with what is known before
deployment: parameter files, ``defaultValue`` and ``variables``. Everything that only the
deployment knows (``resourceGroup()``, ``uniqueString()``, ``reference()``, …) stops the
evaluation with :class:`Unresolved` and a reason a person can act on.

The input is untrusted, so the evaluator never uses ``eval``, bounds the expression length,
the nesting depth, the number of evaluation steps and the size of every value it builds,
and raises nothing but :class:`Unresolved` (of which :class:`ExpressionError`, a malformed
expression, is a kind).

:meth:`Evaluator.parts` evaluates a string expression piecewise: the known and unknown
parts of a ``concat``/``format``. The loader uses it to split ``account/child`` names when
only the account is unknown, and to build ``pattern`` values such as ``"conn-*"``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Expressions longer than this are not evaluated (real names are far shorter).
MAX_EXPRESSION_LENGTH = 20_000
#: Parser nesting (calls, brackets) before giving up.
MAX_PARSE_DEPTH = 48
#: Evaluation nesting, across variables and defaults that refer to each other.
MAX_EVAL_DEPTH = 96
#: Evaluation steps per top-level evaluation.
MAX_STEPS = 50_000
#: Largest string or array the evaluator builds.
MAX_VALUE_SIZE = 100_000

#: Functions whose value only the deployment knows.
DEPLOY_TIME_FUNCTIONS = frozenset(
    {
        "resourcegroup",
        "subscription",
        "tenant",
        "managementgroup",
        "deployment",
        "environment",
        "uniquestring",
        "guid",
        "newguid",
        "utcnow",
        "reference",
        "listkeys",
        "listsecrets",
        "listaccountsas",
        "listservicesas",
        "resourceid",
        "subscriptionresourceid",
        "tenantresourceid",
        "extensionresourceid",
        "managementgroupresourceid",
        "pickzones",
        "providers",
        "deployer",
    }
)


class Unresolved(Exception):
    """The value cannot be known before deployment; ``reason`` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _BudgetExceeded(Unresolved):
    """A limit was hit: the result depends on where the evaluation started, so it is
    never remembered."""


class ExpressionError(Unresolved):
    """The expression is malformed (ARM itself would reject it)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"malformed expression: {message}")


# --------------------------------------------------------------------------- strings


def is_expression(value: Any) -> bool:
    """ARM evaluates a string only when it starts with ``[`` (not ``[[``) and ends with ``]``.

    Anything else is a literal, including malformed ``"parameters('x')]"``.
    """
    return (
        isinstance(value, str)
        and value.startswith("[")
        and not value.startswith("[[")
        and value.endswith("]")
    )


def literal_text(value: str) -> str:
    """The literal a non-expression string stands for: ``[[`` escapes a leading ``[``."""
    return value[1:] if value.startswith("[[") else value


def escape_literal(value: Any) -> Any:
    """Make a literal survive evaluation: values from parameter files are never expressions,
    but they flow through the same lazy evaluation as defaults and variables."""
    if isinstance(value, str):
        return "[" + value if value.startswith("[") else value
    if isinstance(value, Mapping):
        return {k: escape_literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_literal(v) for v in value]
    return value


# --------------------------------------------------------------------------- syntax


@dataclass(frozen=True, slots=True)
class Constant:
    value: Any


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Member:
    target: Node
    name: str
    safe: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    target: Node
    index: Node
    safe: bool = False


Node = Constant | Call | Member | Index

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<punct>\?\.|\?\[|[()\[\],.])
    )""",
    re.X,
)


_SPACE = re.compile(r"\s*")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while True:
        space = _SPACE.match(text, pos)
        pos = space.end() if space else pos
        if pos >= len(text):
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            found = text[pos]
            raise ExpressionError(
                "unterminated string" if found == "'" else f"unexpected {found!r}"
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, text: str) -> bool:
        if self.peek()[1] == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.take(text):
            found = self.peek()[1] or "the end"
            raise ExpressionError(f"expected {text!r}, found {found!r}")

    def expression(self, depth: int) -> Node:
        if depth > MAX_PARSE_DEPTH:
            raise ExpressionError("nested too deeply")
        node = self.primary(depth)
        while True:
            text = self.peek()[1]
            if text in (".", "?."):
                self.pos += 1
                name_kind, name = self.peek()
                if name_kind != "name":
                    raise ExpressionError("expected a property name after '.'")
                self.pos += 1
                node = Member(node, name, safe=text == "?.")
            elif text in ("[", "?["):
                self.pos += 1
                index = self.expression(depth + 1)
                self.expect("]")
                node = Index(node, index, safe=text == "?[")
            else:
                return node

    def primary(self, depth: int) -> Node:
        kind, text = self.peek()
        if kind == "string":
            self.pos += 1
            return Constant(text[1:-1].replace("''", "'"))
        if kind == "number":
            self.pos += 1
            return Constant(int(text))
        if kind != "name":
            raise ExpressionError(f"unexpected {text or 'end'!r}")
        self.pos += 1
        name = text
        # User-defined functions are namespaced: ns.fn(...)
        if (
            self.peek()[1] == "."
            and self.pos + 2 < len(self.tokens)
            and self.tokens[self.pos + 1][0] == "name"
            and self.tokens[self.pos + 2][1] == "("
        ):
            name = f"{name}.{self.tokens[self.pos + 1][1]}"
            self.pos += 2
        if not self.take("("):
            bare = {"true": True, "false": False, "null": None}
            if name.lower() in bare:
                return Constant(bare[name.lower()])
            raise ExpressionError(f"expected '(' after {name!r}")
        args: list[Node] = []
        if not self.take(")"):
            while True:
                args.append(self.expression(depth + 1))
                if self.take(")"):
                    break
                self.expect(",")
        return Call(name, tuple(args))


_PARSE_CACHE: dict[str, Node] = {}


def parse(expression: str) -> Node:
    """Parse a template string that :func:`is_expression` accepts (brackets included)."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError("expression too long")
    cached = _PARSE_CACHE.get(expression)
    if cached is not None:
        return cached
    inner = expression[1:-1] if is_expression(expression) else expression
    parser = _Parser(_tokenize(inner))
    if not parser.tokens:
        raise ExpressionError("empty expression")
    node = parser.expression(0)
    if parser.pos != len(parser.tokens):
        raise ExpressionError(f"unexpected {parser.peek()[1]!r}")
    if len(_PARSE_CACHE) > 4096:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[expression] = node
    return node


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Supplied:
    """A parameter value given from outside the template: a parameter file, or a nested
    deployment's ``parameters``. ``value`` is escaped (never an expression); when
    ``reason`` is set the value is unknown (a Key Vault ``reference``, an unknown outer
    value) and ``reason`` says why."""

    value: Any
    path: str
    line: int | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """A parameter an evaluated value came from, and how: RB303 needs to know whether a
    secret was written down (a default, a parameter file) and where."""

    parameter: str
    via: str  # "default" or "file"
    path: str
    line: int | None
    secure: bool


@dataclass(frozen=True, slots=True)
class Unknown:
    """An unknown part of a partly known string (see :meth:`Evaluator.parts`)."""

    reason: str


def get_ci(mapping: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    """(found, value) for a case-insensitive key: ARM names are case-insensitive."""
    if key in mapping:
        return True, mapping[key]
    lowered = key.lower()
    for existing, value in mapping.items():
        if isinstance(existing, str) and existing.lower() == lowered:
            return True, value
    return False, None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "null" if value is None else type(value).__name__


def to_text(value: Any) -> str:
    """ARM's ``string()``: strings as they are, other values as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    raise Unresolved(f"expected a string, got {_type_name(value)}")


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}|[{}]")


def _format_pieces(template: str) -> list[str | int]:
    """Split a .NET composite format string into literal text and argument indexes."""
    pieces: list[str | int] = []
    pos = 0
    for match in _FORMAT_ITEM.finditer(template):
        if match.start() > pos:
            pieces.append(template[pos : match.start()])
        token = match.group()
        if token in ("{{", "}}"):
            pieces.append(token[0])
        elif match.group(1) is None:
            raise ExpressionError(f"unbalanced {token!r} in a format string")
        elif match.group(2) or match.group(3):
            raise Unresolved("uses a format() alignment or format specifier")
        else:
            pieces.append(int(match.group(1)))
        pos = match.end()
    if pos < len(template):
        pieces.append(template[pos:])
    return pieces


# --------------------------------------------------------------------------- evaluator


class Evaluator:
    """Evaluates template values with what is known before deployment.

    ``parameters`` and ``variables`` are the template's own sections; ``supplied`` holds
    the values of one parameter file (keys case-folded), ``supplied_from`` its path for
    messages. ``template_path`` names the template in :class:`Origin`.
    """

    def __init__(
        self,
        parameters: Mapping[str, Any] | None,
        variables: Mapping[str, Any] | None,
        *,
        supplied: Mapping[str, Supplied] | None = None,
        supplied_from: str | None = None,
        template_path: str = "",
    ) -> None:
        self.parameters = parameters if isinstance(parameters, Mapping) else {}
        self.variables = variables if isinstance(variables, Mapping) else {}
        self.supplied = {k.lower(): v for k, v in (supplied or {}).items()}
        self.supplied_from = supplied_from
        self.template_path = template_path
        self._copy: dict[str | None, int] = {}
        self._cache: dict[tuple[Any, ...], tuple[Any, tuple[Origin, ...], str | None]] = {}
        self._active: set[tuple[str, str]] = set()
        self._origins: list[Origin] = []
        self._depth = 0
        self._steps = 0

    # ------------------------------------------------------------------ public API
    def evaluate(self, value: Any) -> Any:
        """The value of a template value (an expression string or plain JSON)."""
        return self.evaluate_tracked(value)[0]

    def evaluate_tracked(self, value: Any) -> tuple[Any, tuple[Origin, ...]]:
        """The value and the parameters it came from."""
        saved = self._origins
        self._origins = []
        self._steps = 0
        try:
            result = self._value(value)
            return result, tuple(dict.fromkeys(self._origins))
        except RecursionError:
            raise Unresolved("expression nested too deeply") from None
        finally:
            self._origins = saved

    def parts(self, value: Any) -> list[str | Unknown]:
        """A string value as known and unknown parts, merged: ``concat(parameters('a'),
        '/', 'b')`` with ``a`` unknown gives ``[Unknown(...), '/b']``."""
        saved = self._origins
        self._origins = []
        self._steps = 0
        try:
            if not is_expression(value):
                return _merge([self._text(self._value(value))])
            return _merge(self._parts(parse(value)))
        except Unresolved as exc:
            return [Unknown(exc.reason)]
        except RecursionError:
            return [Unknown("expression nested too deeply")]
        finally:
            self._origins = saved

    @contextlib.contextmanager
    def copy_scope(self, loop: str | None, index: int) -> Iterator[None]:
        """Evaluate inside iteration ``index`` of copy loop ``loop``."""
        saved = dict(self._copy)
        self._copy[None] = index
        if loop:
            self._copy[loop.lower()] = index
        try:
            yield
        finally:
            self._copy = saved

    # ------------------------------------------------------------------ internals
    def _text(self, value: Any) -> str:
        return _plain(value)

    def _step(self) -> None:
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise _BudgetExceeded("expression too costly to evaluate")

    def _value(self, value: Any) -> Any:
        """Evaluate a template value: expression strings are evaluated, ``[[`` unescaped;
        other values are returned as they are (nested strings are evaluated on access)."""
        if not isinstance(value, str):
            return value
        if not is_expression(value):
            return literal_text(value)
        self._depth += 1
        try:
            if self._depth > MAX_EVAL_DEPTH:
                raise _BudgetExceeded("expression nested too deeply")
            return self._eval(parse(value))
        finally:
            self._depth -= 1

    def _eval(self, node: Node) -> Any:
        self._step()
        if isinstance(node, Constant):
            return node.value
        if isinstance(node, Member):
            return self._member(self._eval(node.target), node.name, node.safe)
        if isinstance(node, Index):
            return self._index(self._eval(node.target), self._eval(node.index), node.safe)
        return self._call(node)

    def _member(self, target: Any, name: str, safe: bool) -> Any:
        if target is None and safe:
            return None
        if not isinstance(target, Mapping):
            raise Unresolved(f"cannot read property '{name}' of {_type_name(target)}")
        found, value = get_ci(target, name)
        if not found:
            if safe:
                return None
            raise Unresolved(f"the object has no property '{name}'")
        return self._value(value)

    def _index(self, target: Any, index: Any, safe: bool) -> Any:
        if target is None and safe:
            return None
        if isinstance(target, Mapping) and isinstance(index, str):
            return self._member(target, index, safe)
        if isinstance(target, list) and isinstance(index, int) and not isinstance(index, bool):
            if 0 <= index < len(target):
                return self._value(target[index])
            if safe:
                return None
            raise Unresolved(f"index {index} is outside the array (length {len(target)})")
        raise Unresolved(f"cannot index {_type_name(target)} with {_type_name(index)}")

    def _check_size(self, value: Any) -> Any:
        if isinstance(value, (str, list)) and len(value) > MAX_VALUE_SIZE:
            raise Unresolved("value too large to evaluate")
        return value

    def _args(self, node: Call) -> list[Any]:
        return [self._eval(arg) for arg in node.args]

    def _call(self, node: Call) -> Any:
        name = node.name.lower()
        if name in DEPLOY_TIME_FUNCTIONS or name.startswith("list"):
            raise Unresolved(f"uses {node.name}(), known only at deployment")
        handler = _FUNCTIONS.get(name)
        if handler is None:
            # A deploy-time function among the arguments is the better reason.
            self._args(node)
            if "." in name:
                raise Unresolved(f"uses the user-defined function {node.name}()")
            raise Unresolved(f"uses {node.name}(), which is not evaluated statically")
        return self._check_size(handler(self, node))

    # parameters and variables --------------------------------------------------
    def _parameter_decl(self, name: str) -> tuple[str, Any]:
        found, declared = get_ci(self.parameters, name)
        if not found:
            raise Unresolved(f"parameter '{name}' is not declared in the template")
        real = next(
            (k for k in self.parameters if isinstance(k, str) and k.lower() == name.lower()),
            name,
        )
        return real, declared

    def parameter(self, name: str) -> Any:
        """The value of ``parameters(name)``: parameter file, else default, else unknown."""
        real, declared = self._parameter_decl(name)
        decl = declared if isinstance(declared, Mapping) else {}
        secure = str(get_ci(decl, "type")[1] or "").lower() in ("securestring", "secureobject")
        supplied = self.supplied.get(real.lower())
        if supplied is not None:
            if supplied.reason is not None:
                raise Unresolved(supplied.reason)
            origin = Origin(real, "file", supplied.path, supplied.line, secure)
            return self._remember(("p", real.lower()), supplied.value, origin)
        has_default, default = get_ci(decl, "defaultValue")
        if not has_default:
            if self.supplied_from:
                raise Unresolved(
                    f"parameter '{real}' has no default value and {self.supplied_from} "
                    "does not set it"
                )
            raise Unresolved(f"parameter '{real}' has no default value; pass a parameter file")
        line = getattr(declared, "line", None)
        origin = Origin(real, "default", self.template_path, line, secure)
        return self._remember(("p", real.lower()), default, origin)

    def variable(self, name: str) -> Any:
        """The value of ``variables(name)``; nested expressions are evaluated on access."""
        found, value = get_ci(self.variables, name)
        if not found:
            copies = get_ci(self.variables, "copy")[1]
            if isinstance(copies, list) and any(
                isinstance(c, Mapping) and str(get_ci(c, "name")[1]).lower() == name.lower()
                for c in copies
            ):
                raise Unresolved(f"variable '{name}' is built by a copy loop")
            raise Unresolved(f"variable '{name}' is not declared in the template")
        return self._remember(("v", name.lower()), value, None)

    def _remember(self, key: tuple[str, str], raw: Any, origin: Origin | None) -> Any:
        """Evaluate a parameter or variable once (per copy iteration), with its origins;
        failures are remembered too, so that a template whose variables refer to each
        other many times over stays linear."""
        cache_key = (*key, tuple(sorted((k or "", v) for k, v in self._copy.items())))
        cached = self._cache.get(cache_key)
        if cached is not None:
            value, origins, failure = cached
            self._origins.extend(origins)
            if failure is not None:
                raise Unresolved(failure)
            return value
        if key in self._active:
            what = "parameter" if key[0] == "p" else "variable"
            raise Unresolved(f"{what} '{key[1]}' refers to itself")
        self._active.add(key)
        saved = self._origins
        self._origins = [origin] if origin else []
        try:
            value = self._value(raw)
        except _BudgetExceeded:
            raise
        except Unresolved as exc:
            self._cache[cache_key] = (None, tuple(self._origins), exc.reason)
            raise
        finally:
            self._active.discard(key)
            collected = self._origins
            self._origins = saved
            self._origins.extend(collected)
        self._cache[cache_key] = (value, tuple(collected), None)
        return value

    def copy_index(self, args: list[Any]) -> int:
        loop: str | None = None
        offset = 0
        for arg in args:
            if isinstance(arg, str):
                loop = arg
            elif isinstance(arg, int) and not isinstance(arg, bool):
                offset = arg
            else:
                raise Unresolved("copyIndex() takes a loop name and/or an integer offset")
        key = loop.lower() if loop else None
        if key not in self._copy:
            where = f"copy loop '{loop}'" if loop else "a copy loop"
            raise Unresolved(f"copyIndex() is used outside {where}")
        return self._copy[key] + offset

    # piecewise evaluation --------------------------------------------------------
    def _parts(self, node: Node) -> list[str | Unknown]:
        self._step()
        if isinstance(node, Call):
            name = node.name.lower()
            if name == "concat":
                return [part for arg in node.args for part in self._parts(arg)]
            if name == "format" and node.args:
                try:
                    template = self._text(self._eval(node.args[0]))
                    pieces = _format_pieces(template)
                except Unresolved:
                    return [self._whole(node)]
                out: list[str | Unknown] = []
                for piece in pieces:
                    if isinstance(piece, str):
                        out.append(piece)
                    elif piece + 1 < len(node.args):
                        out.extend(self._parts(node.args[piece + 1]))
                    else:
                        out.append(Unknown(f"format() has no argument {{{piece}}}"))
                return out
            if name in ("tolower", "toupper") and len(node.args) == 1:
                change = str.lower if name == "tolower" else str.upper
                return [
                    change(part) if isinstance(part, str) else part
                    for part in self._parts(node.args[0])
                ]
            if name in ("parameters", "variables") and len(node.args) == 1:
                return self._named_parts(node)
        return [self._whole(node)]

    def _named_parts(self, node: Call) -> list[str | Unknown]:
        """``parameters('x')`` / ``variables('x')`` whose value is itself an expression:
        look inside it, so that a partly known default still gives a pattern."""
        try:
            return [self._text(self._eval(node))]
        except Unresolved as exc:
            failure = Unknown(exc.reason)
        try:
            name = self._text(self._eval(node.args[0]))
            if node.name.lower() == "variables":
                raw = get_ci(self.variables, name)[1]
            elif name.lower() in self.supplied:
                return [failure]
            else:
                raw = get_ci(get_ci(self.parameters, name)[1] or {}, "defaultValue")[1]
        except Unresolved:
            return [failure]
        if not is_expression(raw) or self._depth > MAX_EVAL_DEPTH:
            return [failure]
        try:
            inner = parse(raw)
        except Unresolved:
            return [failure]
        self._depth += 1
        try:
            parts = self._parts(inner)
        finally:
            self._depth -= 1
        return parts if any(isinstance(p, str) and p for p in parts) else [failure]

    def _whole(self, node: Node) -> str | Unknown:
        try:
            return self._text(self._eval(node))
        except Unresolved as exc:
            return Unknown(exc.reason)


def _merge(parts: list[str | Unknown]) -> list[str | Unknown]:
    merged: list[str | Unknown] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return merged


# --------------------------------------------------------------------------- functions


def _arity(node: Call, low: int, high: int | None = None) -> None:
    count = len(node.args)
    high = low if high is None else high
    if not low <= count <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise ExpressionError(f"{node.name}() takes {expected} arguments, got {count}")


def _fn_parameters(ev: Evaluator, node: Call) -> Any:
    _arity(node, 1)
    return ev.parameter(_plain(ev._eval(node.args[0])))


def _fn_variables(ev: Evaluator, node: Call) -> Any:
    _arity(node, 1)
    return ev.variable(_plain(ev._eval(node.args[0])))


def _fn_concat(ev: Evaluator, node: Call) -> Any:
    args = ev._args(node)
    if args and all(isinstance(a, list) for a in args):
        return [item for a in args for item in a]
    return "".join(_plain(a) if not isinstance(a, list) else to_text(a) for a in args)


def _fn_format(ev: Evaluator, node: Call) -> str:
    if not node.args:
        raise ExpressionError("format() needs a format string")
    args = ev._args(node)
    out: list[str] = []
    for piece in _format_pieces(_plain(args[0])):
        if isinstance(piece, str):
            out.append(piece)
        elif piece + 1 < len(args):
            out.append(to_text(args[piece + 1]))
        else:
            raise ExpressionError(f"format() has no argument {{{piece}}}")
    return "".join(out)


def _fn_case(ev: Evaluator, node: Call) -> str:
    _arity(node, 1)
    text = _plain(ev._eval(node.args[0]))
    return text.lower() if node.name.lower() == "tolower" else text.upper()


def _fn_string(ev: Evaluator, node: Call) -> str:
    _arity(node, 1)
    return to_text(ev._eval(node.args[0]))


def _fn_int(ev: Evaluator, node: Call) -> int:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Unresolved(f"int() of {_type_name(value)}") from None


def _fn_length(ev: Evaluator, node: Call) -> int:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    if isinstance(value, (str, list, Mapping)):
        return len(value)
    raise Unresolved(f"length() of {_type_name(value)}")


def _fn_empty(ev: Evaluator, node: Call) -> bool:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    return value is None or (isinstance(value, (str, list, Mapping)) and len(value) == 0)


def _fn_equals(ev: Evaluator, node: Call) -> bool:
    _arity(node, 2)
    left, right = ev._args(node)
    return bool(left == right)


def _fn_if(ev: Evaluator, node: Call) -> Any:
    _arity(node, 3)
    condition = ev._eval(node.args[0])
    if not isinstance(condition, bool):
        raise Unresolved(f"if() condition is {_type_name(condition)}")
    return ev._eval(node.args[1] if condition else node.args[2])


def _fn_not(ev: Evaluator, node: Call) -> bool:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    if not isinstance(value, bool):
        raise Unresolved(f"not() of {_type_name(value)}")
    return not value


def _fn_bool(ev: Evaluator, node: Call) -> bool:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Unresolved(f"bool() of {_type_name(value)}")


def _fn_replace(ev: Evaluator, node: Call) -> str:
    _arity(node, 3)
    text, old, new = (_plain(a) for a in ev._args(node))
    if not old:
        raise Unresolved("replace() with an empty search string")
    if len(new) > len(old) and text.count(old) * (len(new) - len(old)) > MAX_VALUE_SIZE:
        raise Unresolved("value too large to evaluate")
    return text.replace(old, new)


def _fn_trim(ev: Evaluator, node: Call) -> str:
    _arity(node, 1)
    return _plain(ev._eval(node.args[0])).strip()


def _fn_take_skip(ev: Evaluator, node: Call) -> Any:
    _arity(node, 2)
    value, count = ev._args(node)
    if not isinstance(count, int) or isinstance(count, bool):
        raise Unresolved(f"{node.name}() count is {_type_name(count)}")
    if not isinstance(value, (str, list)):
        raise Unresolved(f"{node.name}() of {_type_name(value)}")
    count = max(count, 0)
    return value[:count] if node.name.lower() == "take" else value[count:]


def _fn_first_last(ev: Evaluator, node: Call) -> Any:
    _arity(node, 1)
    value = ev._eval(node.args[0])
    if not isinstance(value, (str, list)):
        raise Unresolved(f"{node.name}() of {_type_name(value)}")
    if not value:
        return "" if isinstance(value, str) else None
    item = value[0] if node.name.lower() == "first" else value[-1]
    return ev._value(item) if isinstance(value, list) else item


def _fn_create_array(ev: Evaluator, node: Call) -> list[Any]:
    return ev._args(node)


def _fn_copy_index(ev: Evaluator, node: Call) -> int:
    _arity(node, 0, 2)
    return ev.copy_index(ev._args(node))


def _fn_constant(value: Any) -> Any:
    def handler(ev: Evaluator, node: Call) -> Any:
        _arity(node, 0)
        return value

    return handler


_FUNCTIONS = {
    "parameters": _fn_parameters,
    "variables": _fn_variables,
    "concat": _fn_concat,
    "format": _fn_format,
    "tolower": _fn_case,
    "toupper": _fn_case,
    "string": _fn_string,
    "int": _fn_int,
    "bool": _fn_bool,
    "length": _fn_length,
    "empty": _fn_empty,
    "equals": _fn_equals,
    "if": _fn_if,
    "not": _fn_not,
    "replace": _fn_replace,
    "trim": _fn_trim,
    "take": _fn_take_skip,
    "skip": _fn_take_skip,
    "first": _fn_first_last,
    "last": _fn_first_last,
    "createarray": _fn_create_array,
    "copyindex": _fn_copy_index,
    "true": _fn_constant(True),
    "false": _fn_constant(False),
    "null": _fn_constant(None),
}
