from __future__ import annotations

import re
from collections.abc import Iterator

from analyzer.rules._helpers import callee_span

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.facts import CommandUse, FileFacts

_AZURERM = re.compile(r"^([A-Za-z]+)-AzureRm(\w+)$", re.IGNORECASE)


class AzureRmCmdlet(Rule):
    """Runbook calls an AzureRM cmdlet; AzureRM runbooks no longer run.

    ## What it does
    Reports the commands from the retired AzureRM modules (`Verb-AzureRmNoun`, in any
    letter case) once per file: at the first call, naming how many calls and which
    cmdlets, with every other call as a related location and its Az replacement.

    Not reported: calls after `Enable-AzureRmAlias` (an Az.Accounts cmdlet that makes the
    AzureRM names aliases of the Az cmdlets, as Microsoft's migration guide offers), and
    admin scripts that run on a workstation rather than as a job (interactive sign-in,
    `Read-Host`, `#Requires -RunAsAdministrator`, …), where AzureRM still runs.

    ## Why is this bad?
    No new AzureRM runbooks or modules could be created from 2024-11-01, and runbooks that
    use AzureRM stopped executing on 2025-02-01. Each of these calls must move to the Az
    modules.

    ## Example
    ```powershell
    Add-AzureRmAccount -Identity  # expect: RB108
    $vm = Get-AzureRmVM -Name 'web01' -ResourceGroupName 'rg'
    Stop-AzureRmVM -Name 'web01' -ResourceGroupName 'rg' -Force
    ```

    ## Use instead
    ```powershell
    Connect-AzAccount -Identity
    $vm = Get-AzVM -Name 'web01' -ResourceGroupName 'rg'
    Stop-AzVM -Name 'web01' -ResourceGroupName 'rg' -Force
    ```

    ## Fix safety
    No automatic fix: some Az cmdlets differ in parameters and output.

    ## References
    - learn.microsoft.com azure/automation/shared-resources/modules
    """

    code = "RB108"
    name = "azurerm-cmdlet"
    severity = "warning"
    languages = ("powershell", "graphical")
    tags = ("retirement",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        data = platform()["azurerm"]
        az_cmdlets = {name.lower() for name in data["az-cmdlets"]}
        if file.runbook is not None and file.runbook.interactive:
            return  # an admin script on a workstation, where AzureRM still runs
        enabler = data["alias-enabler"].lower()
        aliases = next((c for c in file.commands if c.name.lower() == enabler), None)
        calls = [
            command
            for command in file.commands
            if _AZURERM.match(command.name)
            and command.name.lower() not in az_cmdlets
            and not _aliased(command, aliases)
        ]
        if not calls:
            return
        distinct: dict[str, str] = {}
        for command in calls:
            distinct.setdefault(command.name.lower(), command.name)
        names = list(distinct.values())
        shown = _some(names, room=60)
        if len(calls) == 1:
            message = f"{calls[0].name} is an AzureRM cmdlet"
        elif len(names) == 1:
            message = f"{len(calls)} calls of the AzureRM cmdlet {names[0]}"
        else:
            message = f"{len(calls)} calls of {len(names)} AzureRM cmdlets ({shown})"
        replacements = list(dict.fromkeys(_replacement(name) for name in names))
        more = " …" if len(replacements) > 3 else ""
        first, *others = calls
        yield self.diagnostic(
            file.path,
            callee_span(first.span, first.name, first.logical),
            f"{message}; AzureRM runbooks stopped running on {data['stopped']}",
            help=f"move to the Az modules: {', '.join(replacements[:3])}{more}",
            logical=first.logical,
            related=tuple(
                Related(
                    file.path,
                    callee_span(command.span, command.name, command.logical),
                    f"{command.name} (use {_replacement(command.name)})",
                )
                for command in others
                if command.span is not None
            ),
        )


def _aliased(command: CommandUse, enabler: CommandUse | None) -> bool:
    """After ``Enable-AzureRmAlias`` an AzureRM name runs the Az cmdlet; a graphical
    runbook has no order, so there the enabler covers every call."""
    if enabler is None:
        return False
    if command.span is None or enabler.span is None:
        return True
    return command.span > enabler.span


def _some(names: list[str], room: int) -> str:
    """As many names as fit in ``room`` characters, then "and N more"."""
    shown: list[str] = []
    for name in names:
        if shown and len(", ".join([*shown, name])) > room:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def _replacement(name: str) -> str:
    """The Az cmdlet for an AzureRM one: ``Get-AzureRmVM`` → ``Get-AzVM``."""
    if name.lower() in ("add-azurermaccount", "login-azurermaccount", "connect-azurermaccount"):
        return "Connect-AzAccount"
    match = _AZURERM.match(name)
    if match is None:
        return name
    verb, noun = match.groups()
    verb = verb[:1].upper() + verb[1:].lower()
    if name.isupper() or name.islower():  # written in one case: the noun's case is lost
        noun = noun[:1].upper() + noun[1:].lower()
    return f"{verb}-Az{noun}"
