from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import name_span, related_place, run_as_asset

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import AssetRef, FileFacts


class RunAsAccount(Rule):
    """Runbook uses the Run As account, which was retired; use a managed identity.

    ## What it does
    Reports lookups of the Run As assets: the connections `AzureRunAsConnection` and
    `AzureClassicRunAsConnection` and the certificates `AzureRunAsCertificate` and
    `AzureClassicRunAsCertificate`, in any letter case and any language, once per asset
    per file (the other lookups are related locations). Run As was only ever a
    connection and a certificate: a credential or variable of such a name, and a service
    principal connection the user made (whatever its sign-in), are the user's own assets
    and are not reported. Admin scripts that look the assets up with the management
    cmdlets (an audit before deleting them) are not reported either.

    ## Why is this bad?
    Run As accounts were retired on 2023-09-30: their certificates are no longer renewed
    and the assets are gone from most accounts, so these runbooks fail at sign-in.

    ## Example
    ```powershell
    $conn = Get-AutomationConnection -Name 'AzureRunAsConnection'  # expect: RB107
    Connect-AzAccount -ServicePrincipal -Tenant $conn.TenantId `
        -ApplicationId $conn.ApplicationId -CertificateThumbprint $conn.CertificateThumbprint
    ```

    ## Use instead
    ```powershell
    Connect-AzAccount -Identity
    ```

    ## Fix safety
    No automatic fix: the managed identity needs role assignments first.

    ## References
    - learn.microsoft.com azure/automation/migrate-run-as-accounts-managed-identity
    """

    code = "RB107"
    name = "run-as-account"
    severity = "warning"
    tags = ("retirement", "security")

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        data = platform()["run-as"]
        retired = data["retired"]
        language = file.runbook.language if file.runbook is not None else ""
        help = _HELP.get(language, _HELP["powershell"])
        management = file.runbook is not None and not file.runbook.runs_as_job
        found: dict[tuple[str, str], list[AssetRef]] = {}
        for ref in file.refs:
            if management and ref.operation == "management":
                continue  # an audit script looking for Run As assets, not using them
            name = run_as_asset(ref)
            if name is not None:
                found.setdefault((ref.kind, name.lower()), []).append(ref)
        for refs in found.values():
            first, *others = refs
            name = first.name.effective if first.name is not None else None
            times = f" ({len(refs)} lookups)" if others else ""
            yield self.diagnostic(
                file.path,
                name_span(first),
                f'"{name}" is a Run As account {first.kind}{times}; Run As accounts were retired '
                f"on {retired}",
                help=help,
                logical=first.logical,
                related=tuple(
                    related_place(
                        file.path, name_span(ref), ref.logical, f'"{name}" is looked up here too'
                    )
                    for ref in others
                ),
            )


_HELP = {
    "graphical": (
        "replace the connection and sign-in activities with a code activity that "
        "calls Connect-AzAccount -Identity (the account's managed identity)"
    ),
    "python": (
        "use the Automation account's managed identity (azure-identity's "
        "ManagedIdentityCredential, or a token from IDENTITY_ENDPOINT)"
    ),
    "powershell": "sign in with the Automation account's managed identity: Connect-AzAccount -Identity",
}
