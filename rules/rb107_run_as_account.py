from __future__ import annotations

from collections.abc import Iterator

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class RunAsAccount(Rule):
    """Runbook uses the Run As account, which was retired; use a managed identity.

    ## What it does
    Reports lookups of the Run As assets (`AzureRunAsConnection`,
    `AzureRunAsCertificate`, and the classic `AzureClassicRunAsConnection` and
    `AzureClassicRunAsCertificate`) in any letter case and any language, and connection
    lookups of other names used the Run As way: the connection's
    `CertificateThumbprint` feeds a certificate-based service-principal sign-in.

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
        run_as_names = {n.lower(): n for n in (*data["connections"], *data["certificates"])}
        sign_ins = {n.lower() for n in data["sign-in-cmdlets"]}
        certificate_sign_in = any(
            command.name.lower() in sign_ins
            and any(p.lower().startswith("certificatet") for p in command.parameters)
            for command in file.commands
        )
        thumbprint_refs = {
            use.ref for use in file.field_uses if use.field.lower() == "certificatethumbprint"
        }
        language = file.runbook.language if file.runbook is not None else ""
        if language == "graphical":
            help = (
                "replace the connection and sign-in activities with a code activity that "
                "calls Connect-AzAccount -Identity (the account's managed identity)"
            )
        elif language == "python":
            help = (
                "use the Automation account's managed identity (azure-identity's "
                "ManagedIdentityCredential, or a token from IDENTITY_ENDPOINT)"
            )
        else:
            help = "sign in with the Automation account's managed identity: Connect-AzAccount -Identity"
        management = file.runbook is not None and not file.runbook.runs_as_job
        for index, ref in enumerate(file.refs):
            if ref.name is None or "whatif" in ref.tags:
                continue
            if management and ref.operation == "management":
                continue  # an audit script looking for Run As assets, not using them
            name = ref.name.effective
            if name is not None and name.lower() in run_as_names:
                yield self.diagnostic(
                    file.path,
                    ref.name.span or ref.span,
                    f'"{name}" is a Run As account {ref.kind}; Run As accounts were retired '
                    f"on {retired}",
                    help=help,
                    logical=ref.logical,
                )
            elif ref.kind == "connection" and index in thumbprint_refs and certificate_sign_in:
                shown = f'"{name}"' if name else (ref.name.expression or "this connection")
                yield self.diagnostic(
                    file.path,
                    ref.name.span or ref.span,
                    f"connection {shown} is used the Run As way (certificate thumbprint for a "
                    f"service-principal sign-in); Run As accounts were retired on {retired}",
                    help=help,
                    logical=ref.logical,
                )
