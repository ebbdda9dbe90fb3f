"""The cmdlets the PowerShell frontend understands, and PowerShell's parameter binding.

Binding follows PowerShell rather than guessing from text: a parameter binds by full
name, alias or any unambiguous prefix (``-Na`` → ``-Name``); switches take no value unless
colon-bound; remaining arguments fill positional parameters in position order. Common
parameters are part of every cmdlet so that ``-Verbose`` or ``-WhatIf`` never swallow the
next argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    position: int | None = None
    aliases: tuple[str, ...] = ()
    switch: bool = False


@dataclass(frozen=True, slots=True)
class CmdletSpec:
    """What a cmdlet means to the analyzer.

    ``role`` is ``asset`` (a lookup or write of ``kind``), ``start`` (starts a child
    runbook), ``define`` (creates a connection) or ``create`` (creates, imports or
    publishes a runbook). ``name_param`` is the parameter that names the asset or runbook.
    """

    name: str
    role: str
    kind: str | None
    operation: str | None
    parameters: tuple[ParamSpec, ...]
    name_param: str = "Name"
    _by_key: dict[str, ParamSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for param in (*self.parameters, *COMMON_PARAMETERS):
            for key in (param.name, *param.aliases):
                self._by_key.setdefault(key.lower(), param)

    @property
    def account_param(self) -> str | None:
        """The parameter that names the Automation account a management cmdlet reads;
        the internal cmdlets always read the job's own account."""
        return "AutomationAccountName" if self.operation == "management" else None

    def lookup(self, written: str) -> ParamSpec | None:
        """The parameter ``-written`` binds to, or None if unknown or ambiguous."""
        key = written.lower()
        exact = self._by_key.get(key)
        if exact is not None:
            return exact
        matches = {p.name: p for k, p in self._by_key.items() if k.startswith(key)}
        if len(matches) == 1:
            return next(iter(matches.values()))
        return None


COMMON_PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec("Verbose", aliases=("vb",), switch=True),
    ParamSpec("Debug", aliases=("db",), switch=True),
    ParamSpec("ErrorAction", aliases=("ea",)),
    ParamSpec("WarningAction", aliases=("wa",)),
    ParamSpec("InformationAction", aliases=("infa",)),
    ParamSpec("ProgressAction", aliases=("proga",)),
    ParamSpec("ErrorVariable", aliases=("ev",)),
    ParamSpec("WarningVariable", aliases=("wv",)),
    ParamSpec("InformationVariable", aliases=("iv",)),
    ParamSpec("OutVariable", aliases=("ov",)),
    ParamSpec("OutBuffer", aliases=("ob",)),
    ParamSpec("PipelineVariable", aliases=("pv",)),
    ParamSpec("WhatIf", aliases=("wi",), switch=True),
    ParamSpec("Confirm", aliases=("cf",), switch=True),
)

_NAME0 = ParamSpec("Name", position=0)
_DO_NOT_DECRYPT = ParamSpec("DoNotDecrypt", switch=True)
_AZ_DEFAULT_PROFILE = ParamSpec(
    "DefaultProfile", aliases=("AzContext", "AzureRmContext", "AzureCredential")
)
_RG0 = ParamSpec("ResourceGroupName", position=0)
_AA1 = ParamSpec("AutomationAccountName", position=1)


def _asset(name: str, kind: str, operation: str, *params: ParamSpec) -> CmdletSpec:
    return CmdletSpec(name, "asset", kind, operation, params)


def _management(name: str, kind: str) -> CmdletSpec:
    extra = (ParamSpec("ConnectionTypeName"),) if kind == "connection" else ()
    return _asset(
        name,
        kind,
        "management",
        _RG0,
        _AA1,
        ParamSpec("Name", position=2),
        _AZ_DEFAULT_PROFILE,
        *extra,
    )


def _classic_management(name: str, kind: str) -> CmdletSpec:
    return _asset(
        name,
        kind,
        "management",
        ParamSpec("AutomationAccountName", position=0),
        ParamSpec("Name", position=1),
        ParamSpec("Profile"),
    )


_START_AZ_PARAMS = (
    _RG0,
    _AA1,
    ParamSpec("Name", position=2, aliases=("RunbookName",)),
    ParamSpec("Parameters", aliases=("JobParameters",)),
    ParamSpec("RunOn", aliases=("HybridWorker",)),
    ParamSpec("Wait", switch=True),
    ParamSpec("MaxWaitSeconds"),
    _AZ_DEFAULT_PROFILE,
)

_SPECS: tuple[CmdletSpec, ...] = (
    _asset("Get-AutomationVariable", "variable", "get", _NAME0, _DO_NOT_DECRYPT),
    _asset("Set-AutomationVariable", "variable", "set", _NAME0, ParamSpec("Value")),
    _asset("Get-AutomationConnection", "connection", "get", _NAME0, _DO_NOT_DECRYPT),
    _asset("Get-AutomationPSCredential", "credential", "get", _NAME0),
    _asset("Get-AutomationCertificate", "certificate", "get", _NAME0),
    *(
        _management(f"Get-{prefix}Automation{noun}", kind)
        for prefix in ("Az", "AzureRm")
        for noun, kind in (
            ("Connection", "connection"),
            ("Variable", "variable"),
            ("Credential", "credential"),
            ("Certificate", "certificate"),
        )
    ),
    *(
        _classic_management(f"Get-AzureAutomation{noun}", kind)
        for noun, kind in (
            ("Connection", "connection"),
            ("Variable", "variable"),
            ("Credential", "credential"),
            ("Certificate", "certificate"),
        )
    ),
    CmdletSpec(
        "Start-AutomationRunbook",
        "start",
        None,
        None,
        (
            _NAME0,
            ParamSpec("Parameters"),
            ParamSpec("RunOn"),
            ParamSpec("JobId"),
        ),
    ),
    CmdletSpec("Start-AzAutomationRunbook", "start", None, None, _START_AZ_PARAMS),
    *(
        CmdletSpec(
            f"New-{prefix}AutomationConnection",
            "define",
            "connection",
            None,
            (
                _RG0,
                _AA1,
                ParamSpec("Name", position=2),
                ParamSpec("ConnectionTypeName", position=3),
                ParamSpec("ConnectionFieldValues", position=4),
                ParamSpec("Description"),
                _AZ_DEFAULT_PROFILE,
            ),
        )
        for prefix in ("Az", "AzureRm")
    ),
    CmdletSpec("Start-AzureRmAutomationRunbook", "start", None, None, _START_AZ_PARAMS),
    CmdletSpec(
        "Start-AzureAutomationRunbook",
        "start",
        None,
        None,
        (
            ParamSpec("AutomationAccountName", position=0),
            ParamSpec("Name", position=1, aliases=("RunbookName",)),
            ParamSpec("Parameters"),
            ParamSpec("RunOn", aliases=("HybridWorker",)),
            ParamSpec("ResourceGroupName"),
            ParamSpec("Profile"),
        ),
    ),
    # Deployment scripts create the runbooks they then start (RunbookDefinition). An
    # import without -Name names the runbook after the -Path file's stem.
    *(
        CmdletSpec(
            f"Import-{prefix}AutomationRunbook",
            "create",
            None,
            None,
            (
                _RG0,
                _AA1,
                ParamSpec("Path", position=2),
                ParamSpec("Name", aliases=("RunbookName",)),
                ParamSpec("Type"),
                ParamSpec("Description"),
                ParamSpec("Tags", aliases=("Tag",)),
                ParamSpec("LogProgress"),
                ParamSpec("LogVerbose"),
                ParamSpec("Published", switch=True),
                ParamSpec("Force", switch=True),
                _AZ_DEFAULT_PROFILE,
            ),
        )
        for prefix in ("Az", "AzureRm")
    ),
    *(
        CmdletSpec(
            f"{verb}-{prefix}AutomationRunbook",
            "create",
            None,
            None,
            (
                _RG0,
                _AA1,
                ParamSpec("Name", position=2, aliases=("RunbookName",)),
                ParamSpec("Type"),
                ParamSpec("Description"),
                ParamSpec("Tags", aliases=("Tag",)),
                ParamSpec("LogProgress"),
                ParamSpec("LogVerbose"),
                _AZ_DEFAULT_PROFILE,
            ),
        )
        for verb in ("New", "Publish")
        for prefix in ("Az", "AzureRm")
    ),
    *(
        CmdletSpec(
            f"{verb}-AzureAutomationRunbook",
            "create",
            None,
            None,
            (
                ParamSpec("AutomationAccountName", position=0),
                ParamSpec("Name", position=1, aliases=("RunbookName",)),
                ParamSpec("Path"),
                ParamSpec("Description"),
                ParamSpec("Tags"),
                ParamSpec("Profile"),
            ),
        )
        for verb in ("New", "Publish")
    ),
)

#: ``Join-Path`` as deployment scripts build a child's file name (``-Path`` of an import).
JOIN_PATH = CmdletSpec(
    "Join-Path",
    "path",
    None,
    None,
    (
        ParamSpec("Path", position=0),
        ParamSpec("ChildPath", position=1),
        ParamSpec("AdditionalChildPath", position=2),
        ParamSpec("Resolve", switch=True),
    ),
)

#: Lower-cased cmdlet name → spec. PowerShell command names are case-insensitive.
CMDLETS: dict[str, CmdletSpec] = {spec.name.lower(): spec for spec in _SPECS}


@dataclass(slots=True)
class Binding:
    """Result of binding one command's arguments: parameter name → bound element."""

    named: dict[str, object] = field(default_factory=dict)
    positional: dict[str, object] = field(default_factory=dict)
    switches: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    splats: list[object] = field(default_factory=list)
    #: What each element became, in source order: (parameter or None when unknown or
    #: left over, first element index, last element index, bound by position). A fix
    #: that drops or keeps arguments reads its spans from these.
    parts: list[tuple[str | None, int, int, bool]] = field(default_factory=list)

    def get(self, name: str) -> tuple[object | None, bool]:
        """The element bound to ``name`` and whether it was bound by position."""
        if name in self.named:
            return self.named[name], False
        if name in self.positional:
            return self.positional[name], True
        return None, False

    def has(self, name: str) -> bool:
        return name in self.named or name in self.positional or name in self.switches


@dataclass(frozen=True, slots=True)
class Element:
    """One command element after tokenising: a parameter, an argument or a splat.

    ``value`` is the argument node, or for a parameter its colon-bound value node.
    """

    type: str  # "param" | "arg" | "splat"
    text: str
    node: object
    colon: bool = False
    value: object | None = None


def bind(spec: CmdletSpec, elements: list[Element]) -> Binding:
    binding = Binding()
    args: list[tuple[int, Element]] = []
    parts = binding.parts
    i = 0
    while i < len(elements):
        element = elements[i]
        if element.type == "splat":
            binding.splats.append(element)
            parts.append((None, i, i, False))
            i += 1
            continue
        if element.type == "arg":
            args.append((i, element))
            i += 1
            continue
        param = spec.lookup(element.text)
        if param is None:
            binding.unknown.append(element.text)
            # An unknown parameter most likely takes a value; don't let it become positional.
            if element.value is None and i + 1 < len(elements) and elements[i + 1].type == "arg":
                parts.append((None, i, i + 1, False))
                i += 1
            else:
                parts.append((None, i, i, False))
            i += 1
            continue
        if element.value is not None:
            if param.switch:
                binding.switches.add(param.name)
            else:
                binding.named[param.name] = element.value
            parts.append((param.name, i, i, False))
            i += 1
            continue
        if param.switch:
            binding.switches.add(param.name)
            parts.append((param.name, i, i, False))
            i += 1
            continue
        if i + 1 < len(elements) and elements[i + 1].type == "arg":
            binding.named[param.name] = elements[i + 1].node
            parts.append((param.name, i, i + 1, False))
            i += 2
            continue
        binding.named.setdefault(param.name, None)
        parts.append((param.name, i, i, False))
        i += 1
    free = sorted(
        (p for p in spec.parameters if p.position is not None and p.name not in binding.named),
        key=lambda p: p.position or 0,
    )
    bound = dict(zip((index for index, _ in args), free, strict=False))
    for index, arg in args:
        param = bound.get(index)
        if param is not None:
            binding.positional[param.name] = arg.node
        parts.append((param.name if param is not None else None, index, index, param is not None))
    parts.sort(key=lambda part: part[1])
    return binding
