"""Graphical frontend: ``.graphrunbook`` exports → the same facts as the text frontends.

Lookups come from command activities of the asset cmdlets (matched on ``CommandName``,
case-insensitively, never on ``ModuleName``), from parameters bound straight to an asset
(``Automation*ValueDescriptor``) and from PowerShell text inside the graph (code
activities, expression descriptors, link and loop conditions), which goes through the
PowerShell frontend so that comments and strings there are not calls. Child runbooks come
from ``InvokeRunbookActivity.RunbookActivityType.CommandName`` (never the activity's
label). Graphical runbooks have no lines: every fact carries the activity name, its
EntityId and, where it applies, the parameter as a logical location. A file that decodes
but holds something the model does not know (a newer schema version, an unknown activity
or value class) keeps all its facts and gets an RB907 note per unknown; only a file that
cannot be decoded is RB902.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.frontends.graphical_model import (
    KNOWN_DESCRIPTORS,
    Activity,
    Descriptor,
    GraphRunbookModel,
    load_model,
)
from analyzer.frontends.powershell import lexical as ps_text
from analyzer.frontends.powershell.cmdlets import CMDLETS
from analyzer.model.facts import (
    AssetRef,
    CommandUse,
    FieldUse,
    FileFacts,
    NameValue,
    Parameter,
    ParameterUse,
    Problem,
    ResultUse,
    Runbook,
    RunbookCall,
)
from analyzer.model.span import LogicalLocation

_ASSET_DESCRIPTORS = {
    "AutomationVariable": "variable",
    "AutomationConnection": "connection",
    "AutomationCredential": "credential",
    "AutomationCertificate": "certificate",
}
_ACTIVITY_OUTPUT_FIELD = re.compile(
    r"""\$ActivityOutput\[\s*['"]([^'"]+)['"]\s*\]\s*\.\s*([A-Za-z_]\w*)""", re.IGNORECASE
)


class _Extractor:
    def __init__(self, path: str, model: GraphRunbookModel) -> None:
        self.path = path
        self.model = model
        self.facts = FileFacts(path=path, runbook=None, text="")
        self.parameters = {p.name.lower(): p for p in model.parameters}
        #: Lower-cased activity name → index of the connection lookup it performs.
        self.connection_activities: dict[str, int] = {}
        #: Lower-cased activity name → index of any lookup it performs (for ResultUse).
        self.lookup_activities: dict[str, int] = {}

    # ------------------------------------------------------------- helpers
    @staticmethod
    def where(activity: Activity, parameter: str | None = None) -> LogicalLocation:
        return LogicalLocation(activity.name, activity.entity_id, parameter)

    def name_value(self, d: Descriptor) -> NameValue:
        """How a name is supplied: constant, runbook parameter, activity output, expression."""
        if d.kind == "Constant":
            if isinstance(d.value, (str, int, float)) and not isinstance(d.value, bool):
                return NameValue(str(d.value))
            return NameValue(None, f"<constant {d.value!r}>"[:80])
        if d.kind == "RunbookParameter":
            declared = self.parameters.get((d.parameter or "").lower())
            default = declared.default if declared is not None else None
            resolved = default if isinstance(default, str) and default else None
            return NameValue(None, f"${d.parameter}", resolved)
        if d.kind == "ActivityOutput":
            fields = "".join(f".{f}" for f in d.field_path)
            return NameValue(None, f"$ActivityOutput['{d.activity}']{fields}")
        if d.kind == "PowerShellExpression":
            expression = (d.expression or "").strip()
            value = ps_text.single_string(expression)
            return NameValue(None, expression, value)
        if d.kind == "NullConstant":
            return NameValue(None, "$null")
        if d.kind == "EmptyStringConstant":
            return NameValue("")
        if d.kind in _ASSET_DESCRIPTORS:
            return NameValue(None, f"{d.kind} '{d.asset}'")
        return NameValue(None, f"<{d.kind}>")

    # ---------------------------------------------------------- activities
    def lookups(self, activity: Activity) -> None:
        """Asset cmdlets, management cmdlets and Start-*Runbook as command activities."""
        if activity.command is None:
            return
        self.facts.commands.append(
            CommandUse(
                activity.command,
                tuple(name for name, _ in activity.parameters),
                None,
                self.where(activity),
            )
        )
        spec = CMDLETS.get(activity.command.lower())
        if spec is None or activity.kind != "CommandActivity":
            return
        bound = {name.lower(): d for name, d in activity.parameters}
        descriptor = bound.get(spec.name_param.lower())
        if descriptor is None and spec.name_param == "Name" and spec.role == "start":
            descriptor = bound.get("runbookname")
        location = self.where(activity, spec.name_param if descriptor is not None else None)
        if spec.role == "start":
            if descriptor is not None:
                self.facts.calls.append(
                    RunbookCall(
                        activity.command, "job", self.name_value(descriptor), None, location
                    )
                )
            return
        if descriptor is None:
            if spec.operation != "management":
                return
            name = None
            tags = frozenset({"enumeration"})
        else:
            name = self.name_value(descriptor)
            # A value class the model does not know is neither a literal nor an
            # expression: RB907 notes it, and RB101 must not call it dynamic.
            unknown = descriptor.kind not in KNOWN_DESCRIPTORS
            tags = frozenset({"unknown-value"}) if unknown else frozenset()
        account = None
        if spec.account_param is not None:
            bound_account = bound.get(spec.account_param.lower())
            account = self.name_value(bound_account) if bound_account is not None else None
        index = len(self.facts.refs)
        self.facts.refs.append(
            AssetRef(
                spec.kind,  # type: ignore[arg-type]
                spec.operation,  # type: ignore[arg-type]
                activity.command,
                name,
                None,
                location,
                tags,
                account,
            )
        )
        self.lookup_activities[activity.name.lower()] = index
        if spec.kind == "connection" and spec.operation == "get":
            self.connection_activities[activity.name.lower()] = index

    def child_runbook(self, activity: Activity) -> None:
        if activity.kind != "InvokeRunbookActivity" or not activity.command:
            return
        self.facts.calls.append(
            RunbookCall(
                activity.command,
                "graphical",
                NameValue(activity.command),
                None,
                self.where(activity),
            )
        )

    def bindings(self, activity: Activity) -> None:
        """Parameter values: direct asset bindings, runbook parameters, activity outputs
        (connection fields) and PowerShell expressions."""
        for parameter, d in activity.parameters:
            location = self.where(activity, parameter)
            if d.kind in _ASSET_DESCRIPTORS and d.asset:
                self.facts.refs.append(
                    AssetRef(
                        _ASSET_DESCRIPTORS[d.kind],  # type: ignore[arg-type]
                        "get",
                        f"{d.kind}ValueDescriptor",
                        NameValue(d.asset),
                        None,
                        location,
                        frozenset({"binding"}),
                    )
                )
            elif d.kind == "RunbookParameter" and d.parameter:
                self.facts.parameter_uses.append(ParameterUse(d.parameter, location))
            elif d.kind == "ActivityOutput" and d.activity:
                self._activity_output(d.activity, d.field_path, location)
            elif d.kind == "PowerShellExpression" and d.expression:
                self.code(d.expression, location)

    def _activity_output(
        self,
        activity: str,
        field_path: tuple[str, ...] | list[str] | None,
        location: LogicalLocation,
    ) -> None:
        """A parameter bound to a lookup activity's output: a field read, or the whole
        result passed on (a credential into a -Credential parameter)."""
        index = self.lookup_activities.get(activity.lower())
        if index is None:
            return
        if field_path:
            self.facts.result_uses.append(
                ResultUse(index, "member", None, member=field_path[0], logical=location)
            )
            connection = self.connection_activities.get(activity.lower())
            if connection is not None:
                self.facts.field_uses.append(FieldUse(connection, field_path[0], None, location))
            return
        self.facts.result_uses.append(
            ResultUse(index, "passed", None, parameter=location.parameter, logical=location)
        )

    # ---------------------------------------------------------------- code
    def code(self, text: str, location: LogicalLocation) -> None:
        """PowerShell inside the graph, through the PowerShell frontend."""
        from analyzer.frontends.powershell import extract

        facts = extract(self.path, text)
        offset = len(self.facts.refs)
        for ref in facts.refs:
            self.facts.refs.append(
                AssetRef(
                    ref.kind,
                    ref.operation,
                    ref.callee,
                    _no_span(ref.name),
                    None,
                    location,
                    ref.tags,
                    _no_span(ref.account),
                )
            )
        for use in facts.result_uses:
            self.facts.result_uses.append(
                replace(use, ref=use.ref + offset, span=None, logical=location)
            )
        for call in facts.calls:
            self.facts.calls.append(
                RunbookCall(
                    call.callee,
                    call.form,
                    _no_span(call.child) or call.child,
                    None,
                    location,
                    call.tags,
                )
            )
        for command in facts.commands:
            self.facts.commands.append(CommandUse(command.name, command.parameters, None, location))
        for use in facts.field_uses:
            self.facts.field_uses.append(FieldUse(use.ref + offset, use.field, None, location))
        for match in _ACTIVITY_OUTPUT_FIELD.finditer(_without_comments(text)):
            self._activity_output(match.group(1), (match.group(2),), location)
        for problem in facts.problems:
            if problem.code != "RB901":
                continue
            where = f"line {problem.span.line} of " if problem.span else ""
            part = f" ({location.parameter})" if location.parameter else ""
            self.facts.problems.append(
                Problem(
                    "RB901",
                    f'{where}the PowerShell in activity "{location.activity}"{part}: '
                    f"{problem.message}",
                    None,
                    problem.help,
                    location,
                )
            )

    # ----------------------------------------------------------------- run
    def run(self) -> FileFacts:
        model = self.model
        for activity in model.activities:
            self.lookups(activity)
        for activity in model.activities:
            self.child_runbook(activity)
            self.bindings(activity)
            for part, text in activity.code:
                self.code(text, self.where(activity, part))
            if activity.loop_exit_condition:
                self.code(activity.loop_exit_condition, self.where(activity, "loop condition"))
        by_name = {a.name: a for a in model.activities}
        for link in model.links:
            if link.condition and link.condition_enabled:
                target = by_name.get(link.destination or "")
                location = LogicalLocation(
                    f"link {link.source} -> {link.destination}",
                    target.entity_id if target else None,
                    "condition",
                )
                self.code(link.condition, location)
        # The file was decoded: what it holds beyond the known format is a note (RB907)
        # beside the facts above, never RB902, which means nothing could be read.
        for unknown in model.unknowns:
            where = None
            if unknown.activity is not None:
                where = LogicalLocation(unknown.activity, unknown.entity_id, unknown.parameter)
            self.facts.problems.append(Problem("RB907", unknown.message, None, unknown.help, where))
        name = self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        self.facts.runbook = Runbook(
            name=name,
            kind="graphical-workflow" if model.workflow else "graphical",
            language="graphical",
            parameters=tuple(
                Parameter(
                    p.name,
                    p.default if isinstance(p.default, str) else None,
                    mandatory=not p.optional,
                )
                for p in model.parameters
            ),
        )
        return self.facts


_COMMENTS = re.compile(r"<#.*?#>|(?:^|(?<=[\s;{}()]))#[^\n]*", re.S)


def _without_comments(text: str) -> str:
    """Code text with PowerShell comments blanked (lines and columns kept)."""
    return _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _no_span(value: NameValue | None) -> NameValue | None:
    if value is None:
        return None
    return replace(value, span=None)


def extract_graphical(path: str, data: bytes) -> FileFacts:
    """Facts of one ``.graphrunbook`` export; raises ``GraphRunbookError`` if unreadable."""
    return _Extractor(path, load_model(data)).run()
