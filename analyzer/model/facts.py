"""Facts: what the frontends extract, in a form that no longer knows any syntax.

Rules, the workspace and every reporter work on these classes only. They are frozen,
slotted dataclasses so that per-file results pickle cheaply across worker processes and
compare by value in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from analyzer.model.span import LogicalLocation, Span

AssetKind = Literal["connection", "variable", "credential", "certificate"]
Operation = Literal["get", "set", "management"]
Language = Literal["powershell", "python", "graphical"]

#: Runbook kinds as the JSON contract spells them (DESIGN §3).
RUNBOOK_KINDS = (
    "powershell",
    "powershell-workflow",
    "dsc-configuration",
    "powershell-module",
    "python2",
    "python3",
    "graphical",
    "graphical-workflow",
)


@dataclass(frozen=True, slots=True)
class NameValue:
    """How a name argument (asset or child runbook) is supplied.

    Exactly one of ``literal`` and ``expression`` is set. ``resolved`` is the constant a
    dynamic expression provably evaluates to within the same file, if any.
    """

    literal: str | None
    expression: str | None = None
    resolved: str | None = None
    span: Span | None = None
    #: Where a dynamic name comes from, when the frontend can tell:
    #: ``unassigned`` (a variable the file never sets and that is no parameter),
    #: ``parameter`` (the runbook's own), ``function-parameter`` (a parameter of a
    #: function in the file, decided by its callers), ``loop`` (a loop variable),
    #: ``enumeration`` (a loop over the assets a management cmdlet lists), ``random``
    #: (``Get-Random``, ``New-Guid``: random by design), ``managed`` (the script itself
    #: creates or removes an asset of that name: a per-run asset, not a dependency).
    origin: str | None = None
    #: The expression is one plain variable (``$name``, ``name``): a fix may put the
    #: constant it resolves to in its place without losing anything else it says.
    variable: bool = False

    @property
    def dynamic(self) -> bool:
        return self.literal is None

    @property
    def effective(self) -> str | None:
        """The name to check against inventories and runbooks: literal, else resolved."""
        return self.literal if self.literal is not None else self.resolved


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a command as written: what a fix keeps, drops or rewrites.

    ``parameter`` is the parameter it binds to as PowerShell binds it (full name, also
    when written as an alias or a prefix); ``span`` covers the parameter and its value
    (``-Name 'X'``, ``-Name:'X'``, or the value alone when bound by position). ``value``
    says how the value is given: ``literal``, ``variable``, ``expression`` (anything that
    may compute or have effects), or None for a switch. ``common`` marks the parameters
    every cmdlet takes (``-ErrorAction``, ``-Verbose``, …), which mean the same on any.
    """

    parameter: str
    span: Span
    positional: bool = False
    value: Literal["literal", "variable", "expression"] | None = None
    common: bool = False


@dataclass(frozen=True, slots=True)
class CommandShape:
    """Where a plain command's parts sit in the text, for fixes that rewrite the call.

    Only recorded for a command whose every element the frontend understood: a bare
    command name, arguments each bound to a known parameter, no splat, no comment or
    redirection between the arguments. ``arguments`` are in source order.
    """

    name: Span
    arguments: tuple[Argument, ...]


@dataclass(frozen=True, slots=True)
class ImportSite:
    """Where a new top-level import goes in a Python file: at the start of ``line``,
    after the shebang, the encoding declaration, the module docstring and the
    ``from __future__`` imports, and above the comments that belong to the first
    statement. ``before_import`` says whether that statement is itself an import (else
    a blank line should separate the new import from the code)."""

    line: int
    before_import: bool


@dataclass(frozen=True, slots=True)
class AssetRef:
    """One asset lookup or write (``Get-AutomationConnection -Name X`` and friends).

    ``name`` is None for a management cmdlet called without ``-Name`` (an enumeration of
    all assets, not a lookup). ``tags`` carries flags rules care about: ``positional``,
    ``whatif``, ``enumeration``, ``unimported`` (Python call without the import; with
    ``module-imported`` when the file imports the module but the call bypasses it),
    ``resolved-at-calls`` (a lookup in a wrapper function whose calls in the file are
    lookups of their own, tagged ``through-function``),
    ``workflow``, ``inlinescript``, ``fallback`` (found by the text scan of an unparsable
    region), ``unknown-value`` (a graphical name bound by a value class the analyzer does
    not know: neither literal nor dynamic as far as it can tell; RB907 notes it).
    """

    kind: AssetKind
    operation: Operation
    callee: str
    name: NameValue | None
    span: Span | None
    logical: LogicalLocation | None = None
    tags: frozenset[str] = frozenset()
    #: The Automation account a management cmdlet reads from (``-AutomationAccountName``);
    #: None for the internal cmdlets, which always read the job's own account.
    account: NameValue | None = None
    #: Index in ``refs`` of the lookup whose result holds this lookup's name
    #: (``-Name $conn.CertificateAssetName``): the asset names its companion.
    name_from: int | None = None
    #: The call's parts as written, for a management cmdlet the frontend understood
    #: completely (RB103's fix rewrites it into the internal cmdlet); None otherwise.
    command: CommandShape | None = None


@dataclass(frozen=True, slots=True)
class RunbookCall:
    """A child runbook started inline or as a job.

    ``form`` is ``job`` (Start-*Runbook), ``inline`` (``.\\Child.ps1``), ``bare`` (a
    workflow calling a sibling by name) or ``graphical`` (InvokeRunbookActivity).
    """

    callee: str
    form: Literal["job", "inline", "bare", "graphical"]
    child: NameValue
    span: Span | None
    logical: LogicalLocation | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CommandUse:
    """A command invocation with the parameter names it binds (as written, without dash).

    Rules that recognise cmdlets (AzureRM use, Run As sign-in) read these instead of
    syntax; asset and runbook calls are also listed here.
    """

    name: str
    parameters: tuple[str, ...]
    span: Span | None
    logical: LogicalLocation | None = None


@dataclass(frozen=True, slots=True)
class FieldUse:
    """A field read from the result of a connection lookup (``$c.TenantId``).

    ``ref`` indexes the file's ``refs`` list: the lookup whose result is read.
    """

    ref: int
    field: str
    span: Span | None
    logical: LogicalLocation | None = None


ResultUseKind = Literal["member", "discarded", "tested", "passed", "output"]


@dataclass(frozen=True, slots=True)
class ResultUse:
    """How the result of a lookup is used: what tells "the internal cmdlet was meant"
    (the result read as the asset's value) from deliberate metadata use.

    ``ref`` indexes the file's ``refs``. ``how`` is ``member`` (``$r.Name``, ``$r['X']``,
    ``$r.GetNetworkCredential()``: ``member`` names it), ``discarded`` (``$null = …``,
    ``| Out-Null``, ``[void]``), ``tested`` (only in a condition: an existence check),
    ``passed`` (an argument of ``command``, bound to ``parameter`` when named) or
    ``output`` (written to the pipeline).
    """

    ref: int
    how: ResultUseKind
    span: Span | None
    member: str | None = None
    command: str | None = None
    parameter: str | None = None
    logical: LogicalLocation | None = None


@dataclass(frozen=True, slots=True)
class ConnectionDefinition:
    """A connection created in code (``New-AzAutomationConnection``) with what is known
    of its type and the fields it gives values to (never the values)."""

    name: NameValue | None
    connection_type: str | None
    fields: tuple[str, ...] | None
    span: Span | None
    logical: LogicalLocation | None = None


@dataclass(frozen=True, slots=True)
class RunbookDefinition:
    """A runbook the file itself creates, imports or publishes in an Automation account
    (``Import-AzAutomationRunbook -Path $file``, ``New-AzAutomationRunbook -Name X``,
    ``Publish-AzAutomationRunbook -Name X``): a later call of that name is satisfied.

    ``name`` is ``-Name``, or for an import without it the ``-Path`` file's stem (then
    ``resolved``, with the path as the expression). Only a literal or resolved name counts.
    """

    callee: str
    name: NameValue
    span: Span | None
    logical: LogicalLocation | None = None


@dataclass(frozen=True, slots=True)
class Import:
    """A Python import; ``names`` are the imported names (``*`` for a star import)."""

    module: str
    names: tuple[str, ...]
    alias: str | None
    span: Span | None


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline suppression comment: ``# runbook-analyzer: ignore[RB101] reason`` (on the
    line or the line above), ``# runbook-analyzer: file-ignore[RB103] reason``.

    The frontend finds them in real comments only (never in strings), so a here-string
    that documents the syntax suppresses nothing. ``selectors`` are as written (codes,
    prefixes or rule names); empty means every rule. ``lines`` are the finding lines it
    covers (1-based, inclusive), None for a file-level suppression. ``problem`` says why a
    comment that looks like a suppression is not one (``ignore`` without ``[...]`` is
    read as every rule, but ``ignore[]`` or a misspelt directive is reported).
    """

    selectors: tuple[str, ...]
    span: Span
    lines: tuple[int, int] | None
    reason: str = ""
    problem: str | None = None

    @property
    def file_level(self) -> bool:
        return self.lines is None


@dataclass(frozen=True, slots=True)
class Problem:
    """Trouble reading or parsing a file; becomes RB901, RB902, RB904 or RB907."""

    code: str
    message: str
    span: Span | None
    help: str | None = None
    logical: LogicalLocation | None = None


@dataclass(frozen=True, slots=True)
class ParameterUse:
    """A graphical activity binds a runbook input parameter by name."""

    name: str
    logical: LogicalLocation | None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    default: str | None = None
    mandatory: bool = False


@dataclass(frozen=True, slots=True)
class Declaration:
    """A ``workflow`` or ``configuration`` the file declares (import requires it to match
    the file name)."""

    keyword: Literal["workflow", "configuration"]
    name: str
    span: Span | None


@dataclass(frozen=True, slots=True)
class Runbook:
    """What a file is as an Automation object: its name (file stem) and kind."""

    name: str
    kind: str
    language: Language
    is_runbook: bool = True
    declarations: tuple[Declaration, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    #: Functions, workflows and configurations the file defines; a bare call to one of
    #: these is a local call, never a child runbook.
    local_commands: frozenset[str] = frozenset()
    #: Where the file shows its runtime when that is a retired one (a Python 2 shebang or
    #: the first Python-2-only statement): RB903's caret.
    runtime_evidence: Span | None = None
    #: Why the file is an admin script someone runs by hand rather than a runbook that
    #: runs as a job (``Read-Host at line 12``); empty when nothing says so.
    interactive: tuple[str, ...] = ()

    @property
    def runs_as_job(self) -> bool:
        """Premise of the rules about job behaviour (RB103, RB107 on management calls)."""
        return self.is_runbook and not self.interactive


@dataclass(slots=True)
class FileFacts:
    """Everything one file contributes to the workspace; the per-file step's result."""

    path: str
    runbook: Runbook | None
    text: str = ""
    refs: list[AssetRef] = field(default_factory=list)
    calls: list[RunbookCall] = field(default_factory=list)
    #: Bare command names inside workflows (tagged ``scriptblock`` inside a ``{ … }``
    #: handed to a command); the workspace keeps those naming a runbook, and in a
    #: workflow runbook those that cannot be anything but a child.
    candidate_calls: list[RunbookCall] = field(default_factory=list)
    commands: list[CommandUse] = field(default_factory=list)
    field_uses: list[FieldUse] = field(default_factory=list)
    result_uses: list[ResultUse] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    parameter_uses: list[ParameterUse] = field(default_factory=list)
    connection_definitions: list[ConnectionDefinition] = field(default_factory=list)
    #: Runbooks the file creates, imports or publishes (deployment scripts).
    runbook_definitions: list[RunbookDefinition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Inline suppression comments (``# runbook-analyzer: ignore[…]``), in file order.
    suppressions: list[Suppression] = field(default_factory=list)
    #: Where a missing top-level import can be added (Python files that parse cleanly).
    import_site: ImportSite | None = None
