from __future__ import annotations

import re
from collections.abc import Iterator

from analyzer.rules._helpers import callee_span

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts

_AZURERM = re.compile(r"^([A-Za-z]+)-AzureRm(\w+)$", re.IGNORECASE)


class AzureRmCmdlet(Rule):
    """Runbook calls an AzureRM cmdlet; AzureRM runbooks no longer run.

    ## What it does
    Reports every command from the retired AzureRM modules (`Verb-AzureRmNoun`, in any
    letter case), and names its Az replacement.

    ## Why is this bad?
    No new AzureRM runbooks or modules could be created from 2024-11-01, and runbooks that
    use AzureRM stopped executing on 2025-02-01. Each of these calls must move to the Az
    modules.

    ## Example
    ```powershell
    Add-AzureRmAccount -Identity  # expect: RB108
    $vm = Get-AzureRmVM -Name 'web01' -ResourceGroupName 'rg'  # expect: RB108
    ```

    ## Use instead
    ```powershell
    Connect-AzAccount -Identity
    $vm = Get-AzVM -Name 'web01' -ResourceGroupName 'rg'
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
        for command in file.commands:
            match = _AZURERM.match(command.name)
            if match is None or command.name.lower() in az_cmdlets:
                continue
            verb, noun = match.groups()
            replacement = f"{verb}-Az{noun}"
            if command.name.lower() in ("add-azurermaccount", "login-azurermaccount"):
                replacement = "Connect-AzAccount"
            yield self.diagnostic(
                file.path,
                callee_span(command.span, command.name)
                if command.logical is None
                else command.span,
                f"{command.name} is an AzureRM cmdlet; runbooks using AzureRM stopped running "
                f"on {data['stopped']}",
                help=f"use the Az module's {replacement}",
                logical=command.logical,
            )
