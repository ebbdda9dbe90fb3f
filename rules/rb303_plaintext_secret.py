from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import declaration_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.workspace.workspace import Workspace


class PlaintextSecret(Rule):
    """A secret is written as a literal in infrastructure code.

    ## What it does
    Reports credential passwords, values of encrypted variables and encrypted connection
    fields that are literals in ARM templates, Bicep or Terraform (including literal
    defaults of parameters that feed them). The finding names the asset and the field;
    the value itself is never read into a report.

    ## Why is this bad?
    Everyone with access to the repository (and its history, and every fork) has the
    secret; rotating it means rewriting history.

    ## Example
    ```text
    resource "azurerm_automation_credential" "sql" { password = "P@ssw0rd!" }
    ```

    ## Use instead
    ```text
    password = var.sql_password  (a sensitive variable fed from a secret store)
    ```

    ## Fix safety
    Not applicable.
    """

    code = "RB303"
    name = "plaintext-secret"
    severity = "error"
    scope = "workspace"
    tags = ("security", "inventory")
    examples_not_runnable = "inventory-only rule; see fixtures/rules"

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        for secret in inventory.secrets:
            asset = f' "{secret.asset}"' if secret.asset else ""
            yield self.diagnostic(
                secret.source.path,
                declaration_span(secret.source.line),
                f"{secret.kind}{asset}: {secret.field} is written as a literal in "
                "infrastructure code",
                help="pass it from a secret store (a secure parameter, a sensitive variable, "
                "Key Vault) and rotate the exposed value",
            )
