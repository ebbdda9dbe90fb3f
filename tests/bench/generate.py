"""Deterministic synthetic Azure Automation repository for the benchmark.

Timing a check on a handful of fixtures says nothing about a real account, and real
repositories cannot be shipped. This generator writes one with the mix, sizes and habits
measured on public runbooks (reference/azure-automation.md, section 11): PowerShell scripts,
workflows and DSC configurations, Python 3 and 2; help comments that mention cmdlets;
literal, resolvable and dynamic asset names; child runbooks started by job, inline or by
bare workflow name; BOMs, CRLF and missing final newlines. The same seed gives the same
bytes, so benchmark runs compare like with like.

It avoids the constructs the grammar fixtures show to produce ERROR nodes, so that the
benchmark measures the analyzer and not error recovery.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Percentages of the generated runbooks, by kind.
MIX: tuple[tuple[str, int], ...] = (
    ("powershell", 60),
    ("workflow", 15),
    ("dsc", 8),
    ("python3", 12),
    ("python2", 5),
)

VERBS = (
    "Start", "Stop", "Restart", "Get", "Set", "Update", "Remove", "Export", "Invoke",
    "Sync", "Backup", "Test", "Clear", "Copy", "New", "Rotate",
)  # fmt: skip
QUALIFIERS = (
    "Prod", "Dev", "Test", "Lab", "Shared", "Nightly", "Weekly", "Daily", "Legacy",
    "Hub", "Edge", "Core",
)  # fmt: skip
NOUNS = (
    "Vms", "SqlBackups", "StorageKeys", "AppPools", "DnsRecords", "Certificates", "Reports",
    "Snapshots", "Tags", "WebApps", "ScaleSets", "KeyVaultSecrets", "LogArchives",
    "ServiceBusQueues", "Users", "Licenses", "Patches", "Alerts", "Budgets", "Disks",
)  # fmt: skip
VERB_TEXT = {
    "Start": "Starts", "Stop": "Stops", "Restart": "Restarts", "Get": "Reports on",
    "Set": "Configures", "Update": "Updates", "Remove": "Removes", "Export": "Exports",
    "Invoke": "Processes", "Sync": "Synchronises", "Backup": "Backs up", "Test": "Tests",
    "Clear": "Cleans up", "Copy": "Copies", "New": "Creates", "Rotate": "Rotates",
}  # fmt: skip
DSC_ROLES = (
    "WebServer", "SqlServer", "FileServer", "DomainController", "JumpHost", "AppServer",
    "PrintServer", "BuildAgent", "Dns", "Iis", "Monitoring", "Firewall", "Baseline",
    "RemoteDesktop", "Proxy",
)  # fmt: skip
DSC_SUFFIXES = ("Config", "Baseline", "Hardening", "Setup")

VARIABLE_THINGS = (
    "StorageAccount", "ResourceGroup", "SubscriptionId", "SqlServer", "ReportRecipients",
    "WebhookUri", "RetentionDays", "Region", "KeyVaultName", "LogWorkspaceId", "SmtpServer",
    "TeamsWebhook", "ExcludedVms", "MaintenanceWindow", "TenantId", "ClientId", "SasToken",
)  # fmt: skip
CREDENTIAL_ROLES = (
    "SqlAdmin", "DomainJoin", "VmAdmin", "ServiceAccount", "MailSender", "FileShareAdmin",
    "WebDeploy", "BackupOperator", "ReportReader", "PatchAdmin",
)  # fmt: skip
CONNECTIONS = (
    "AzureRunAsConnection", "AzureClassicRunAsConnection", "ProdServicePrincipal",
    "DevServicePrincipal", "SharedConnection", "OpsConnection", "O365Connection",
    "ServiceNowConnection",
)  # fmt: skip
CERTIFICATES = (
    "AzureRunAsCertificate", "AzureClassicRunAsCertificate", "ProdSigningCert",
    "ClientAuthCert", "ApiGatewayCert",
)  # fmt: skip

PS_GET = {
    "variable": "Get-AutomationVariable",
    "credential": "Get-AutomationPSCredential",
    "connection": "Get-AutomationConnection",
    "certificate": "Get-AutomationCertificate",
}
PS_MANAGEMENT = {
    "variable": "Get-AzAutomationVariable",
    "credential": "Get-AzAutomationCredential",
    "connection": "Get-AzAutomationConnection",
    "certificate": "Get-AzAutomationCertificate",
}
PY_GET = {
    "variable": "get_automation_variable",
    "credential": "get_automation_credential",
    "connection": "get_automation_connection",
    "certificate": "get_automation_certificate",
}
PS_VAR = {"variable": "value", "credential": "cred", "connection": "conn", "certificate": "cert"}

NON_ASCII_COMMENTS = (
    "# Überprüft die Sicherung \u2013 Verantwortlich: Jürgen Groß",
    "# Vérifie l'état des machines avant la fenêtre de maintenance",
    "# © Contoso Ltd. Alle Rechte vorbehalten",
    "# Ansvarig: Åsa Öberg (drift)",
)


@dataclass(frozen=True)
class Plan:
    index: int
    kind: str
    name: str
    relpath: str
    lines: int


@dataclass
class Assets:
    """Asset names with a skewed popularity, as in real accounts (a few are used everywhere)."""

    names: dict[str, list[str]]

    def pick(self, rng: random.Random, kind: str) -> str:
        pool = self.names[kind]
        weights = [1.0 / (i + 1) for i in range(len(pool))]
        return rng.choices(pool, weights=weights)[0]


@dataclass
class Ctx:
    """State while one file is written: unique local names and extra parameters."""

    rng: random.Random
    plan: Plan
    assets: Assets
    counter: int = 0
    params: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, default)
    spare_lookups: int = 0  # DSC: lookups still to place as resource property values

    def uid(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"


# --------------------------------------------------------------------------- planning


def _make_assets(rng: random.Random) -> Assets:
    variables = [*VARIABLE_THINGS]
    for qual in QUALIFIERS:
        for thing in rng.sample(VARIABLE_THINGS, 6):
            variables.append(f"{qual}{thing}")
    credentials = [*CREDENTIAL_ROLES]
    for qual in QUALIFIERS[:6]:
        credentials += [f"{qual}{role}" for role in rng.sample(CREDENTIAL_ROLES, 3)]
    return Assets(
        {
            "variable": variables,
            "credential": credentials,
            "connection": list(CONNECTIONS),
            "certificate": list(CERTIFICATES),
        }
    )


def _target_lines(rng: random.Random) -> int:
    if rng.random() < 0.01:
        return rng.randint(1000, 3000)
    return int(rng.triangular(30, 400, 80))


def _plan(rng: random.Random, count: int) -> list[Plan]:
    kinds: list[str] = []
    for kind, pct in MIX:
        kinds += [kind] * round(count * pct / 100)
    kinds = (kinds + ["powershell"] * count)[:count]
    rng.shuffle(kinds)
    used: set[str] = set()
    plans = []
    for index, kind in enumerate(kinds):
        while True:
            verb, qual, noun = rng.choice(VERBS), rng.choice(QUALIFIERS), rng.choice(NOUNS)
            if kind == "dsc":
                name = f"{qual}{rng.choice(DSC_ROLES)}{rng.choice(DSC_SUFFIXES)}"
            elif kind.startswith("python"):
                name = f"{verb}_{qual}_{noun}".lower()
            else:
                name = f"{verb}-{qual}{noun}"
            if name.casefold() not in used:
                break
            if len(used) > 3000:  # combinations exhausted: number the rest
                name = f"{name}{index}"
                break
        used.add(name.casefold())
        folder = "dsc" if kind == "dsc" else "runbooks"
        ext = ".py" if kind.startswith("python") else ".ps1"
        plans.append(Plan(index, kind, name, f"{folder}/{name}{ext}", _target_lines(rng)))
    return plans


def _children(rng: random.Random, plan: Plan, plans: Sequence[Plan], kinds: set[str]) -> str:
    """Pick a child runbook, mostly an earlier one (a DAG); rarely a cycle or a missing one."""
    roll = rng.random()
    if roll < 0.015:
        return f"{rng.choice(VERBS)}-Missing{rng.choice(NOUNS)}"
    pool = [p for p in plans if p.kind in kinds and p.index != plan.index]
    if roll >= 0.025:  # otherwise any runbook, which now and then closes a cycle
        pool = [p for p in pool if p.index < plan.index] or pool
    return rng.choice(pool).name if pool else ""


# --------------------------------------------------------------------------- PowerShell


def _ps_lookup(ctx: Ctx, indent: str = "") -> list[str]:
    """One asset lookup in one of the forms real runbooks use."""
    rng = ctx.rng
    kind = rng.choices(
        ["variable", "credential", "connection", "certificate"], weights=[50, 28, 15, 7]
    )[0]
    name = ctx.assets.pick(rng, kind)
    cmd = PS_GET[kind]
    var = ctx.uid(PS_VAR[kind])
    form = rng.choices(
        ["literal", "positional", "backtick", "local", "param", "dynamic", "splat", "set",
         "management", "colon", "lower"],
        weights=[34, 8, 8, 10, 10, 9, 6, 4, 3, 4, 4],
    )[0]  # fmt: skip
    if kind != "variable" and form == "set":
        form = "literal"
    out: list[str]
    if form == "literal":
        out = [f"${var} = {cmd} -Name '{name}'"]
    elif form == "positional":
        out = [f"${var} = {cmd} '{name}'"]
    elif form == "backtick":
        out = [f"${var} = {cmd} `", f"    -Name '{name}'"]
    elif form == "colon":
        out = [f"${var} = {cmd} -Name:'{name}'"]
    elif form == "lower":
        out = [f'${var} = {cmd.lower()} -Name "{name}"']
    elif form == "local":
        holder = ctx.uid(f"{kind}Name")
        out = [f"${holder} = '{name}'", f"${var} = {cmd} -Name ${holder}"]
    elif form == "param":
        param = ctx.uid(f"{kind.capitalize()}Name")
        ctx.params.append(("string", param, f"'{name}'"))
        out = [f"${var} = {cmd} -Name ${param}"]
    elif form == "dynamic":
        out = rng.choice(
            [
                [f'${var} = {cmd} -Name "$Environment-{name}"'],
                [
                    f"foreach ($item in @('{name}', '{ctx.assets.pick(rng, kind)}')) {{",
                    f"    ${var} = {cmd} -Name $item",
                    '    Write-Verbose "Loaded $item"',
                    "}",
                ],
                [f"${var} = {cmd} -Name ($Prefix + '{name}')"],
            ]
        )
        ctx.params.append(("string", "Environment", "'prod'"))
        ctx.params.append(("string", "Prefix", "''"))
    elif form == "splat":
        splat = ctx.uid("lookup")
        out = [f"${splat} = @{{ Name = '{name}' }}", f"${var} = {cmd} @{splat}"]
    elif form == "set":
        out = [f"Set-AutomationVariable -Name '{name}' -Value (Get-Date -Format 'o')"]
    else:
        out = [
            f"${var} = {PS_MANAGEMENT[kind]} -ResourceGroupName $AutomationResourceGroup `",
            f"    -AutomationAccountName $AutomationAccount -Name '{name}'",
        ]
        ctx.params.append(("string", "AutomationResourceGroup", "'rg-automation'"))
        ctx.params.append(("string", "AutomationAccount", "'aa-ops'"))
    return [indent + line if line else line for line in out]


def _ps_child_call(ctx: Ctx, plans: Sequence[Plan], inline: bool = True) -> list[str]:
    """Start a child runbook; inline `.\\Child.ps1` only from scripts, as the platform allows."""
    rng = ctx.rng
    forms = ["az", "internal", "inline", "dot", "azurerm", "param"]
    form = rng.choices(forms, [40, 12, 22, 6, 12, 8] if inline else [40, 12, 0, 0, 12, 8])[0]
    if form in ("inline", "dot"):
        child = _children(rng, ctx.plan, plans, {"powershell"})
        if not child:
            return []
        prefix = ". " if form == "dot" else ""
        return [f"{prefix}.\\{child}.ps1 -Environment $Environment"]
    child = _children(rng, ctx.plan, plans, {"powershell", "workflow", "python3", "python2"})
    if not child:
        return []
    if form == "internal":
        job = ctx.uid("jobId")
        return [
            f"${job} = Start-AutomationRunbook -Name '{child}' `",
            "    -Parameters @{ Environment = $Environment }",
            f"Wait-AutomationJob -Id ${job} -TimeoutInMinutes 30",
        ]
    cmdlet = "Start-AzureRmAutomationRunbook" if form == "azurerm" else "Start-AzAutomationRunbook"
    name = f"'{child}'"
    if form == "param":
        param = ctx.uid("ChildRunbook")
        ctx.params.append(("string", param, name))
        name = f"${param}"
    ctx.params.append(("string", "AutomationResourceGroup", "'rg-automation'"))
    ctx.params.append(("string", "AutomationAccount", "'aa-ops'"))
    job = ctx.uid("job")
    return [
        f"${job} = {cmdlet} -ResourceGroupName $AutomationResourceGroup `",
        f"    -AutomationAccountName $AutomationAccount -Name {name} `",
        "    -Parameters @{ Environment = $Environment; RequestedBy = 'scheduler' }",
        f'Write-Output "Started {child} as job $(${job}.JobId)"',
    ]


def _blk_vm_loop(ctx: Ctx) -> list[str]:
    tag = ctx.rng.choice(["AutoShutdown", "Schedule", "Environment", "Owner"])
    return [
        "$vms = Get-AzVM -ResourceGroupName $ResourceGroupName -Status",
        "foreach ($vm in $vms) {",
        f"    if ($vm.Tags['{tag}'] -eq 'true' -and $vm.PowerState -eq 'VM running') {{",
        '        Write-Output "Stopping $($vm.Name)"',
        "        Stop-AzVM -Name $vm.Name -ResourceGroupName $vm.ResourceGroupName -Force |",
        "            Out-Null",
        "    }",
        "    elseif ($vm.PowerState -eq 'VM deallocated') {",
        '        Write-Verbose "$($vm.Name) is already deallocated"',
        "    }",
        "}",
    ]


def _blk_try_rest(ctx: Ctx) -> list[str]:
    uri = ctx.uid("uri")
    return [
        f'${uri} = "https://management.azure.com/subscriptions/$SubscriptionId/resources?api-version=2021-04-01"',
        "try {",
        "    $token = (Get-AzAccessToken -ResourceUrl 'https://management.azure.com/').Token",
        '    $headers = @{ Authorization = "Bearer $token" }',
        f"    $response = Invoke-RestMethod -Uri ${uri} -Method Get -Headers $headers",
        '    Write-Output "Received $(@($response.value).Count) resources"',
        "}",
        "catch {",
        f'    Write-Error "Request to ${uri} failed: $($_.Exception.Message)"',
        "    throw",
        "}",
        "finally {",
        "    Write-Verbose 'Request finished'",
        "}",
    ]


def _blk_function(ctx: Ctx) -> list[str]:
    name = ctx.uid("Write-RunbookLog")
    return [
        f"function {name} {{",
        "    param (",
        "        [Parameter(Mandatory = $true)]",
        "        [string] $Message,",
        "",
        "        [ValidateSet('Info', 'Warning', 'Error')]",
        "        [string] $Level = 'Info'",
        "    )",
        "    $stamp = Get-Date -Format 'yyyy-MM-dd HH:mm:ss'",
        "    switch ($Level) {",
        "        'Warning' { Write-Warning \"[$stamp] $Message\" }",
        "        'Error' { Write-Error \"[$stamp] $Message\" }",
        '        default { Write-Output "[$stamp] $Message" }',
        "    }",
        "}",
        f"{name} -Message 'Step completed' -Level Info",
    ]


def _blk_here_report(ctx: Ctx) -> list[str]:
    html = ctx.uid("html")
    if ctx.rng.random() < 0.2:
        # A here-string carrying another runbook's source: call-like text that is not a call.
        return [
            f"${html} = @'",
            "param ([string] $Name)",
            "$value = Get-AutomationVariable -Name 'GeneratedSetting'",
            'Write-Output "Hello $Name, setting is $value"',
            "'@",
            f"Set-Content -Path (Join-Path $env:TEMP 'generated.ps1') -Value ${html}",
        ]
    return [
        f'${html} = @"',
        "<html><body>",
        "<h1>Report for $ResourceGroupName</h1>",
        "<p>Generated $(Get-Date -Format 'u') on $env:COMPUTERNAME</p>",
        "<table><tr><th>Name</th><th>State</th></tr></table>",
        "</body></html>",
        '"@',
        f"Write-Output ${html}.Length",
    ]


def _blk_storage(ctx: Ctx) -> list[str]:
    container = ctx.rng.choice(["logs", "backups", "exports", "diagnostics"])
    return [
        "$ctx = New-AzStorageContext -StorageAccountName $StorageAccountName -UseConnectedAccount",
        "$cutoff = (Get-Date).AddDays(-$RetentionDays)",
        "$removed = 0",
        f"Get-AzStorageBlob -Container '{container}' -Context $ctx |",
        "    Where-Object { $_.LastModified -lt $cutoff } |",
        "    ForEach-Object {",
        f"        Remove-AzStorageBlob -Blob $_.Name -Container '{container}' -Context $ctx -Force",
        "        $removed++",
        "    }",
        'Write-Output "Removed $removed blobs older than $RetentionDays days"',
    ]


def _blk_switch(ctx: Ctx) -> list[str]:
    return [
        "switch ($Environment) {",
        "    'prod' { $sku = 'Standard_D4s_v5'; $count = 4 }",
        "    'test' { $sku = 'Standard_B2s'; $count = 2 }",
        "    default { $sku = 'Standard_B1s'; $count = 1 }",
        "}",
        'Write-Verbose "Using $count x $sku"',
    ]


def _blk_retry(ctx: Ctx) -> list[str]:
    rg = "$ResourceGroupName"
    return [
        "$attempt = 0",
        "do {",
        "    $attempt++",
        "    try {",
        f"        $resources = Get-AzResource -ResourceGroupName {rg} -ErrorAction Stop",
        "        break",
        "    }",
        "    catch {",
        '        Write-Warning "Attempt $attempt failed: $($_.Exception.Message)"',
        "        Start-Sleep -Seconds (5 * $attempt)",
        "    }",
        "} while ($attempt -lt 5)",
    ]


def _blk_comments(ctx: Ctx) -> list[str]:
    name = ctx.assets.pick(ctx.rng, "variable")
    return [
        "",
        "# ---------------------------------------------------------------------------",
        "# The old version read the setting with Get-AutomationVariable; kept for reference:",
        f"# $old = Get-AutomationVariable -Name '{name}Old'",
        "# ---------------------------------------------------------------------------",
        "",
    ]


def _blk_select(ctx: Ctx) -> list[str]:
    return [
        "$report = Get-AzResource -ResourceGroupName $ResourceGroupName |",
        "    Select-Object Name, ResourceType,",
        "        @{ Name = 'Owner'; Expression = { $_.Tags['owner'] } },",
        "        @{ Name = 'CostCenter'; Expression = { $_.Tags['cost-center'] } } |",
        "    Sort-Object ResourceType, Name",
        "$report | ConvertTo-Csv -NoTypeInformation | Out-String | Write-Output",
    ]


def _blk_webhook(ctx: Ctx) -> list[str]:
    return [
        "$message = @{",
        "    text  = \"Runbook finished in $Environment at $(Get-Date -Format 'u')\"",
        "    title = 'Azure Automation'",
        "} | ConvertTo-Json -Depth 3",
        "if ($WebhookUri) {",
        "    Invoke-RestMethod -Uri $WebhookUri -Method Post -Body $message `",
        "        -ContentType 'application/json' | Out-Null",
        "}",
    ]


def _blk_sql(ctx: Ctx) -> list[str]:
    query = ctx.uid("query")
    return [
        f"${query} = @'",
        "SELECT name, state_desc",
        "FROM sys.databases",
        "WHERE state_desc <> 'ONLINE'",
        "'@",
        f"$rows = Invoke-Sqlcmd -ServerInstance $SqlServer -Database 'master' -Query ${query}",
        'foreach ($row in $rows) { Write-Warning "Database $($row.name) is $($row.state_desc)" }',
    ]


def _blk_webhookdata(ctx: Ctx) -> list[str]:
    return [
        "if ($WebhookData) {",
        "    $payload = ConvertFrom-Json -InputObject $WebhookData.RequestBody",
        "    foreach ($alert in @($payload.data.alertContext.condition.allOf)) {",
        '        Write-Output "Alert on $($alert.metricName): $($alert.metricValue)"',
        "    }",
        "}",
        "else {",
        "    Write-Output 'Started without webhook data'",
        "}",
    ]


def _blk_hashtable(ctx: Ctx) -> list[str]:
    tags = ctx.uid("tags")
    return [
        f"${tags} = @{{ 'owner' = 'ops@contoso.com'; 'cost-center' = '4711'; 'env' = 'prod' }}",
        f"foreach ($key in ${tags}.Keys) {{",
        f'    Write-Verbose "$key = $(${tags}[$key])"',
        "}",
        f"Set-AzResourceGroup -Name $ResourceGroupName -Tag ${tags} | Out-Null",
    ]


PS_BLOCKS: tuple[Callable[[Ctx], list[str]], ...] = (
    _blk_vm_loop, _blk_try_rest, _blk_function, _blk_here_report, _blk_storage, _blk_switch,
    _blk_retry, _blk_comments, _blk_select, _blk_webhook, _blk_sql, _blk_webhookdata,
    _blk_hashtable,
)  # fmt: skip
# Blocks that read naturally inside a workflow body too.
WF_SHARED_BLOCKS = (_blk_vm_loop, _blk_switch, _blk_comments, _blk_webhookdata)

BASE_PARAMS: tuple[tuple[str, str, str], ...] = (
    ("string", "ResourceGroupName", "'rg-ops'"),
    ("string", "Environment", "'prod'"),
    ("int", "RetentionDays", "30"),
    ("string", "StorageAccountName", "'stopsdiag'"),
    ("string", "SqlServer", "'sql01.contoso.local'"),
    ("string", "SubscriptionId", "'00000000-0000-0000-0000-000000000000'"),
    ("string", "WebhookUri", "''"),
    ("object", "WebhookData", "$null"),
)


def _help(ctx: Ctx, params: Sequence[tuple[str, str, str]], invocation: str) -> list[str]:
    verb = ctx.plan.name.split("-")[0]
    noun = ctx.plan.name.split("-")[-1]
    scope = ctx.rng.choice(QUALIFIERS).lower()
    changed = f"{2020 + ctx.rng.randint(0, 6)}-0{ctx.rng.randint(1, 9)}-1{ctx.rng.randint(0, 9)}"
    lines = [
        "<#",
        ".SYNOPSIS",
        f"    {VERB_TEXT.get(verb, 'Handles')} the {noun} of the {scope} subscription.",
        "",
        ".DESCRIPTION",
        "    Runs in Azure Automation. Reads its settings with Get-AutomationVariable and signs in",
        "    with the account's managed identity (Connect-AzAccount -Identity).",
    ]
    for _, name, _ in params[:4]:
        lines += ["", f".PARAMETER {name}", f"    The {name} to use."]
    lines += [
        "",
        ".EXAMPLE",
        f"    {invocation}",
        "",
        ".NOTES",
        f"    Author: ops team. Last change {changed}.",
        "#>",
    ]
    return lines


def _param_block(params: Sequence[tuple[str, str, str]], indent: str) -> list[str]:
    seen: dict[str, tuple[str, str, str]] = {}
    for param in params:
        seen.setdefault(param[1].casefold(), param)
    items = list(seen.values())
    lines = [f"{indent}param ("]
    for i, (typ, name, default) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{indent}    [Parameter(Mandatory = $false)]")
        lines.append(f"{indent}    [{typ}] ${name} = {default}{comma}")
        if comma:
            lines.append("")
    lines.append(f"{indent})")
    return lines


def _signin(ctx: Ctx) -> list[str]:
    roll = ctx.rng.random()
    if roll < 0.55:
        return ["Connect-AzAccount -Identity | Out-Null"]
    if roll < 0.7:
        return [
            "$clientId = Get-AutomationVariable -Name 'UserAssignedIdentityClientId'",
            "Connect-AzAccount -Identity -AccountId $clientId | Out-Null",
        ]
    conn = "AzureRunAsConnection"
    if roll < 0.85:
        return [
            f"$servicePrincipal = Get-AutomationConnection -Name '{conn}'",
            "Connect-AzAccount -ServicePrincipal -Tenant $servicePrincipal.TenantId `",
            "    -ApplicationId $servicePrincipal.ApplicationId `",
            "    -CertificateThumbprint $servicePrincipal.CertificateThumbprint | Out-Null",
        ]
    return [
        f"$servicePrincipal = Get-AutomationConnection -Name '{conn}'",
        "Add-AzureRmAccount -ServicePrincipal -TenantId $servicePrincipal.TenantId `",
        "    -ApplicationId $servicePrincipal.ApplicationId `",
        "    -CertificateThumbprint $servicePrincipal.CertificateThumbprint | Out-Null",
    ]


def _fill(
    ctx: Ctx,
    head: list[str],
    events: list[list[str]],
    blocks: Sequence[Callable[[Ctx], list[str]]],
    budget: int,
) -> list[str]:
    """Interleave the lookups and calls with filler blocks until the target size is reached."""
    body: list[str] = []
    pending = list(events)
    while pending or len(body) < budget:
        if pending and (ctx.rng.random() < 0.4 or len(body) >= budget):
            body += pending.pop(0)
        else:
            body += ctx.rng.choice(blocks)(ctx)
        body.append("")
    return head + body


def _lookup_count(rng: random.Random) -> int:
    return rng.choices(range(1, 9), weights=[20, 22, 18, 13, 10, 7, 5, 5])[0]


def _lookups_in(lines: Sequence[str]) -> int:
    return sum("Get-Automation" in line for line in lines)


def _powershell(ctx: Ctx, plans: Sequence[Plan]) -> list[str]:
    rng = ctx.rng
    base = list(rng.sample(BASE_PARAMS, rng.randint(2, 6)))
    if ("string", "Environment", "'prod'") not in base:
        base.append(("string", "Environment", "'prod'"))
    ctx.params = list(base)
    signin = _signin(ctx)
    events = [_ps_lookup(ctx) for _ in range(_lookup_count(rng) - _lookups_in(signin))]
    if rng.random() < 0.4:
        events += [c for c in (_ps_child_call(ctx, plans) for _ in range(rng.randint(1, 3))) if c]
    rng.shuffle(events)
    head: list[str] = []
    if rng.random() < 0.2:
        head += ["#Requires -Modules Az.Accounts, Az.Compute", ""]
    head += _help(ctx, ctx.params, f".\\{ctx.plan.name}.ps1 -Environment test")
    if rng.random() < 0.1:
        head.append(rng.choice(NON_ASCII_COMMENTS))
    head += _param_block(ctx.params, "")
    head += ["", "$ErrorActionPreference = 'Stop'", "Set-StrictMode -Version Latest", ""]
    head += signin
    head.append("")
    budget = ctx.plan.lines - len(head)
    return _fill(ctx, head, events, PS_BLOCKS, budget)


# --------------------------------------------------------------------------- workflows


def _wf_parallel_foreach(ctx: Ctx) -> list[str]:
    return [
        "$vms = Get-AzVM -ResourceGroupName $ResourceGroupName",
        "foreach -parallel ($vm in $vms) {",
        "    $state = InlineScript {",
        "        $v = Get-AzVM -ResourceGroupName $Using:ResourceGroupName -Name $Using:vm.Name `",
        "            -Status",
        "        $v.Statuses[1].Code",
        "    }",
        '    Write-Output "$($vm.Name): $state"',
        "}",
    ]


def _wf_parallel_sequence(ctx: Ctx) -> list[str]:
    tiers = ctx.rng.sample(["web", "app", "sql", "cache", "queue"], 2)
    lines = ["parallel {"]
    for tier in tiers:
        lines += [
            "    sequence {",
            f"        Write-Output 'Stopping {tier} tier'",
            f"        Stop-AzVM -Name '{tier}01' -ResourceGroupName $ResourceGroupName -Force",
            f"        Stop-AzVM -Name '{tier}02' -ResourceGroupName $ResourceGroupName -Force",
            "    }",
        ]
    return [*lines, "}"]


def _wf_checkpoint(ctx: Ctx) -> list[str]:
    return [
        "$items = @('alpha', 'beta', 'gamma')",
        "foreach ($item in $items) {",
        '    Write-Output "Processing $item"',
        "    Start-Sleep -Seconds 30",
        "    Checkpoint-Workflow",
        "}",
    ]


def _wf_inlinescript(ctx: Ctx) -> list[str]:
    keyword = ctx.rng.choice(["InlineScript", "InlineScript", "inlinescript", "INLINESCRIPT"])
    out = ctx.uid("result")
    return [
        f"${out} = {keyword} {{",
        "    $limit = (Get-Date).AddDays(-$Using:RetentionDays)",
        "    Get-ChildItem -Path 'C:\\Logs' -Recurse |",
        "        Where-Object { $_.LastWriteTime -lt $limit } |",
        "        Remove-Item -Force -WhatIf",
        "    'done'",
        "}",
        f"Write-Output ${out}",
    ]


WF_BLOCKS = (
    _wf_parallel_foreach, _wf_parallel_sequence, _wf_checkpoint, _wf_inlinescript,
    *WF_SHARED_BLOCKS,
)  # fmt: skip


def _workflow(ctx: Ctx, plans: Sequence[Plan]) -> list[str]:
    rng = ctx.rng
    ctx.params = [
        ("string", "ResourceGroupName", "'rg-ops'"),
        ("string", "Environment", "'prod'"),
        ("int", "RetentionDays", "14"),
    ]
    signin = _signin(ctx)
    events = [_ps_lookup(ctx) for _ in range(_lookup_count(rng) - _lookups_in(signin))]
    if rng.random() < 0.45:
        for _ in range(rng.randint(1, 2)):
            child = _children(rng, ctx.plan, plans, {"workflow"})
            if child:
                events.append(
                    [f"{child} -ResourceGroupName $ResourceGroupName -Environment $Environment"]
                )
    if rng.random() < 0.15:
        events.append(_ps_child_call(ctx, plans, inline=False))
    rng.shuffle(events)
    head = _help(ctx, ctx.params, f"{ctx.plan.name} -ResourceGroupName rg-ops")
    head += ["", f"workflow {ctx.plan.name}", "{"]
    head += _param_block(ctx.params, "    ")
    head.append("")
    head += ["    " + line for line in signin]
    head.append("")
    budget = ctx.plan.lines - len(head) - 1
    body = _fill(ctx, [], events, WF_BLOCKS, budget)
    return head + ["    " + line if line else line for line in body] + ["}"]


# --------------------------------------------------------------------------- DSC


def _dsc_resource(ctx: Ctx, cred_var: str) -> list[str]:
    rng = ctx.rng
    rid = ctx.uid("")
    choice = rng.randrange(7)
    if choice == 0:
        feature = rng.choice(
            ["Web-Server", "Web-Asp-Net45", "RSAT-AD-PowerShell", "FS-DFS-Namespace"]
        )
        return [
            f"WindowsFeature Feature{rid}",
            "{",
            f"    Name   = '{feature}'",
            "    Ensure = 'Present'",
            "}",
        ]
    if choice == 1:
        return [
            f"File Folder{rid}",
            "{",
            f"    DestinationPath = 'D:\\Data\\Share{rid}'",
            "    Type            = 'Directory'",
            "    Ensure          = 'Present'",
            "}",
        ]
    if choice == 2:
        service = rng.choice(["W3SVC", "MSSQLSERVER", "Spooler", "WinRM"])
        return [
            f"Service Service{rid}",
            "{",
            f"    Name                 = '{service}'",
            "    State                = 'Running'",
            "    StartupType          = 'Automatic'",
            f"    PsDscRunAsCredential = ${cred_var}",
            "}",
        ]
    if choice == 3:
        return [
            f"Registry Setting{rid}",
            "{",
            f"    Key       = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Setting{rid}'",
            "    ValueName = 'Enabled'",
            "    ValueData = '1'",
            "    ValueType = 'Dword'",
            "    Ensure    = 'Present'",
            "}",
        ]
    if choice == 4:
        return [
            f"Script Check{rid}",
            "{",
            "    GetScript  = { @{ Result = (Test-Path 'C:\\ProgramData\\Contoso\\ready.txt') } }",
            "    TestScript = { Test-Path 'C:\\ProgramData\\Contoso\\ready.txt' }",
            "    SetScript  = {",
            "        New-Item -Path 'C:\\ProgramData\\Contoso' -ItemType Directory -Force",
            "        Set-Content -Path 'C:\\ProgramData\\Contoso\\ready.txt' -Value (Get-Date)",
            "    }",
            "}",
        ]
    if choice == 5:
        return [
            f"User ServiceUser{rid}",
            "{",
            f"    UserName = ${cred_var}.UserName",
            f"    Password = ${cred_var}",
            "    Ensure   = 'Present'",
            "}",
        ]
    lines = [
        f"Group Admins{rid}",
        "{",
        "    GroupName        = 'Administrators'",
        "    MembersToInclude = @('CONTOSO\\Ops')",
    ]
    if ctx.spare_lookups:
        # A lookup as a property value: the grammars see it as generic tokens, not a command.
        ctx.spare_lookups -= 1
        name = ctx.assets.pick(rng, "credential")
        lines.append(f"    Credential       = Get-AutomationPSCredential -Name '{name}'")
    return [*lines, "}"]


def _dsc(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    cred_var = "setupCredential"
    cred_name = ctx.assets.pick(rng, "credential")
    head = [
        "<#",
        ".SYNOPSIS",
        f"    Desired state for {ctx.plan.name}. Compiled in Azure Automation State Configuration;",
        "    credentials come from Get-AutomationPSCredential at compile time.",
        "#>",
        f"Configuration {ctx.plan.name}",
        "{",
        "    param (",
        "        [Parameter(Mandatory = $false)]",
        "        [string[]] $NodeName = 'localhost'",
        "    )",
        "",
        "    Import-DscResource -ModuleName PSDesiredStateConfiguration",
        "",
        f"    ${cred_var} = Get-AutomationPSCredential -Name '{cred_name}'",
    ]
    extra = _lookup_count(rng) - 1
    ctx.spare_lookups = rng.randint(0, extra)
    for _ in range(extra - ctx.spare_lookups):
        name = ctx.assets.pick(rng, "variable")
        head.append(f"    ${ctx.uid('setting')} = Get-AutomationVariable -Name '{name}'")
    head += ["", "    Node $NodeName", "    {"]
    lines = list(head)
    while len(lines) < ctx.plan.lines - 2:
        lines += ["        " + line for line in _dsc_resource(ctx, cred_var)]
    return [*lines, "    }", "}"]


# --------------------------------------------------------------------------- Python


def _py_lookup(ctx: Ctx, style: str, py2: bool) -> list[str]:
    rng = ctx.rng
    kind = rng.choices(["variable", "credential", "connection", "certificate"], [50, 22, 20, 8])[0]
    name = ctx.assets.pick(rng, kind)
    func = PY_GET[kind] if style == "star" else f"automationassets.{PY_GET[kind]}"
    var = ctx.uid(kind)
    form = rng.choices(["literal", "local", "nextline", "dynamic", "set"], [55, 15, 10, 10, 10])[0]
    if form == "set" and kind != "variable":
        form = "literal"
    if form == "literal":
        lines = [f'{var} = {func}("{name}")']
    elif form == "local":
        holder = ctx.uid(f"{kind}_name")
        lines = [f'{holder} = "{name}"', f"{var} = {func}({holder})"]
    elif form == "nextline":
        lines = [f"{var} = {func}(", f'    "{name}")']
    elif form == "dynamic":
        lines = [f'{var} = {func}(PREFIX + "{name}")']
    else:
        setter = "set_automation_variable"
        setter = setter if style == "star" else f"automationassets.{setter}"
        lines = [f'{setter}("{name}", str(datetime.datetime.utcnow()))']
    if kind == "connection" and form != "set":
        field_name = rng.choice(
            ["ApplicationId", "TenantId", "SubscriptionId", "CertificateThumbprint"]
        )
        lines.append(f'{ctx.uid("field")} = {var}["{field_name}"]')
    if kind == "credential" and form != "set":
        lines.append(f'{ctx.uid("user")} = {var}["username"]')
    if py2 and rng.random() < 0.5:
        lines.append(f'print "loaded {kind} {name}"')
    return lines


def _py_block(ctx: Ctx, py2: bool) -> list[str]:
    rng = ctx.rng
    fn = ctx.uid("process_batch_")
    choice = rng.randrange(5)
    say = (lambda s: f"print {s}") if py2 else (lambda s: f"print({s})")
    if choice == 0:
        return [
            f"def {fn}(items, limit=50):",
            '    """Group items by region so that each API call stays under the limit."""',
            "    groups = {}",
            "    for item in items:",
            '        groups.setdefault(item.get("region", "global"), []).append(item)',
            "    for region, members in sorted(groups.items()):",
            "        for start in range(0, len(members), limit):",
            "            chunk = members[start:start + limit]",
            f"            {say(repr('%s: %d items') + ' % (region, len(chunk))')}",
            "    return groups",
            "",
        ]
    if choice == 1:
        except_line = "    except Exception, error:" if py2 else "    except Exception as error:"
        return [
            f"def {fn}(url, attempts=3):",
            "    for attempt in range(attempts):",
            "        try:",
            "            response = requests.get(url, timeout=30)",
            "            response.raise_for_status()",
            "            return response.json()",
            except_line.replace("    except", "        except"),
            f"            {say(repr('attempt %d failed: %s') + ' % (attempt + 1, error)')}",
            "            time.sleep(2 ** attempt)",
            "    return None",
            "",
        ]
    if choice == 2:
        return [
            f"class {fn.title().replace('_', '')}(object):",
            '    """Collects results so the runbook prints one summary at the end."""',
            "",
            "    def __init__(self):",
            "        self.ok = []",
            "        self.failed = []",
            "",
            "    def add(self, name, success):",
            "        (self.ok if success else self.failed).append(name)",
            "",
            "    def summary(self):",
            '        return "%d ok, %d failed" % (len(self.ok), len(self.failed))',
            "",
        ]
    if choice == 3:
        iteration = "tags.iteritems()" if py2 else "tags.items()"
        return [
            f"def {fn}(resources):",
            "    tagged = {}",
            "    for resource in resources:",
            '        tags = resource.get("tags") or {}',
            f"        for key, value in {iteration}:",
            "            tagged.setdefault(key.lower(), set()).add(value)",
            "    return dict((k, sorted(v)) for k, v in tagged.items())",
            "",
        ]
    return [
        f"def {fn}(subscription_id, credential):",
        "    client = ComputeManagementClient(credential, subscription_id)",
        "    stopped = 0",
        "    for vm in client.virtual_machines.list_all():",
        '        if vm.tags and vm.tags.get("AutoShutdown") == "true":',
        '            group = vm.id.split("/")[4]',
        "            client.virtual_machines.begin_deallocate(group, vm.name)",
        "            stopped += 1",
        "    return stopped",
        "",
    ]


def _python(ctx: Ctx, py2: bool) -> list[str]:
    rng = ctx.rng
    style = rng.choices(["module", "star", "function"], [75, 10, 15])[0]
    head = [
        "#!/usr/bin/env python2" if py2 else "#!/usr/bin/env python3",
        '"""',
        f"{ctx.plan.name.replace('_', ' ').capitalize()}.",
        "",
        "Azure Automation Python runbook. Settings come from automation assets, e.g.",
        'automationassets.get_automation_variable("Region"); see the account for names.',
        '"""',
        "import datetime",
        "import json",
        "import sys",
        "import time",
    ]
    head += ["import urllib2"] if py2 else ["", "import requests"]
    if not py2:
        head += [
            "from azure.identity import ManagedIdentityCredential",
            "from azure.mgmt.compute import ComputeManagementClient",
        ]
    if style == "star":
        head += ["from automationassets import *"]
    elif style == "module":
        head += ["import automationassets"]
    head += ["", 'PREFIX = "prod-"', ""]
    events = [_py_lookup(ctx, style, py2) for _ in range(_lookup_count(rng))]
    body: list[str] = []
    if style == "function":
        body += [
            "def load_settings():",
            '    """Import lazily so the script also runs outside Automation for tests."""',
            "    try:",
            "        import automationassets",
            "    except ImportError:",
            "        return {}",
            "    settings = {}",
        ]
        for event in events:
            body += ["    " + line for line in event]
        body += ["    settings.update(locals())", "    return settings", "", ""]
        events = []
    budget = ctx.plan.lines - len(head) - len(body) - 6
    while len(body) < budget:
        body += _py_block(ctx, py2)
        body.append("")
    main = ["def main():"]
    main += ["    " + line for event in events for line in event] or [
        "    settings = load_settings()"
    ]
    say = 'print "done"' if py2 else 'print("done")'
    main += [f"    {say}", "", "", 'if __name__ == "__main__":', "    main()"]
    return head + body + main


# --------------------------------------------------------------------------- output


def _tabify(line: str) -> str:
    stripped = line.lstrip(" ")
    spaces = len(line) - len(stripped)
    return "\t" * (spaces // 4) + " " * (spaces % 4) + stripped


def _encode(rng: random.Random, lines: list[str], powershell: bool) -> bytes:
    """Apply the byte-level habits of real repositories: BOM, CRLF, missing final newline."""
    eol = "\r\n" if rng.random() < 0.23 else "\n"
    text = eol.join(lines).rstrip("\r\n")
    if rng.random() < 0.55:
        text += eol
    if powershell and rng.random() < 0.1:
        text = "\n".join(_tabify(line) for line in text.split("\n"))
    data = text.encode("utf-8")
    if powershell and rng.random() < 0.2:
        data = b"\xef\xbb\xbf" + data
    return data


def render(plan: Plan, plans: Sequence[Plan], assets: Assets, seed: int) -> bytes:
    """Return one file's bytes; seeded per file so one file does not shift the others."""
    rng = random.Random(f"{seed}:{plan.index}")
    ctx = Ctx(rng, plan, assets)
    if plan.kind == "powershell":
        lines = _powershell(ctx, plans)
    elif plan.kind == "workflow":
        lines = _workflow(ctx, plans)
    elif plan.kind == "dsc":
        lines = _dsc(ctx)
    else:
        lines = _python(ctx, plan.kind == "python2")
    return _encode(rng, lines, plan.relpath.endswith(".ps1"))


def generate(root: Path, count: int = 2000, seed: int = 7) -> list[Path]:
    """Write `count` runbooks below `root` and return their paths, sorted."""
    rng = random.Random(seed)
    assets = _make_assets(rng)
    plans = _plan(rng, count)
    paths = []
    for plan in plans:
        path = root / plan.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(plan, plans, assets, seed))
        paths.append(path)
    return sorted(paths)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.generate", description=__doc__)
    ap.add_argument("root", type=Path)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    paths = generate(args.root, args.count, args.seed)
    print(f"wrote {len(paths)} files below {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
