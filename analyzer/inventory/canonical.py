"""The ``azure-automation-inventory`` file: one account's assets, names and types only.

Why a format of our own: the other inventory sources each tell part of the story (ARM
names hide behind parameters, REST pages need ``nextLink``, a ``ConvertTo-Json`` of one
cmdlet covers one kind), and none says plainly *this is everything of that kind*. This
file does, in one place, without a single secret in it. ``runbook-analyzer`` reads it
like any other ``--inventory`` file (detected by ``"kind"``, not by file name) and can
write it from whatever it loaded (:func:`to_canonical`), so ARM, Terraform, REST and
PowerShell exports can be merged into one reviewed, committed file.

Schema (version 1)
==================

.. code-block:: json

    {
      "kind": "azure-automation-inventory",
      "version": 1,
      "account": "aa-prod",
      "resourceGroup": "rg-automation",
      "connections": [
        {"name": "AzureRunAsConnection", "connectionType": "AzureServicePrincipal",
         "fields": ["ApplicationId", "CertificateThumbprint", "SubscriptionId", "TenantId"]}
      ],
      "credentials": [{"name": "SqlAdmin"}],
      "variables": [{"name": "StorageAccountName", "encrypted": false}],
      "certificates": [{"name": "ReportSigning"}],
      "runbooks": [{"name": "Start-NightlyMaintenance", "runbookType": "PowerShell"}],
      "configurations": [{"name": "WebServerBaseline"}],
      "connectionTypes": [
        {"name": "SMTPServerConnection",
         "fields": [{"name": "Password", "encrypted": true, "optional": true,
                     "type": "System.String"}]}
      ],
      "modules": [{"name": "Az.Accounts"}]
    }

===================  ============================================================================
key                  meaning
===================  ============================================================================
``kind``             always ``"azure-automation-inventory"``; how the file is recognised
``version``          ``1``; a missing version reads as 1, any other version is refused (RB902)
``account``          the Automation account the file describes; ``null`` = any account
``resourceGroup``    informational; ``null`` or absent when unknown
``connections``      ``name``; ``connectionType`` (type name); ``fields`` = the names of the
                     fields the connection has values for (never the values)
``credentials``      ``name``
``variables``        ``name``; ``encrypted`` (bool)
``certificates``     ``name``
``runbooks``         ``name``; ``runbookType`` as the service spells it (``PowerShell``,
                     ``PowerShell72``, ``PowerShellWorkflow``, ``GraphPowerShell``, ``Python3``…)
``configurations``   DSC configurations: ``name``
``connectionTypes``  ``name``; ``fields`` = ``[{name, encrypted, optional, type}]``
``modules``          PowerShell modules: ``name``
===================  ============================================================================

Semantics
---------

* **A present array is a complete list.** ``"credentials": []`` says the account has no
  credentials, so a runbook asking for one is reported missing (RB102). An **absent**
  array says nothing: that kind is not checked. Write only the arrays you exported.
* Names compare case-insensitively (a case difference is RB105, not RB102).
* Optional keys inside an entry (``connectionType``, ``fields``, ``encrypted``,
  ``runbookType``, a field's ``type``) are left out when unknown; ``"fields": []`` means
  "no fields", an absent ``fields`` means "not known". Connections exported by a *list*
  call have no field names (the service returns ``null``); query them one by one, as the
  script below does, if RB106/RB302 should check fields.
* The three built-in connection types (``Azure``, ``AzureClassicCertificate``,
  ``AzureServicePrincipal``) are always known and need not be listed; listing
  ``connectionTypes`` claims that no *other* custom types exist.
* Values never belong here: the loader does not read ``value``, ``password`` or field
  values even if a hand-written file contains them, and the writer never produces them.
* Unknown top-level keys are ignored, so later versions can add arrays.

Writing it from a live account
------------------------------

Az PowerShell (``Az.Accounts`` and ``Az.Automation``), run with ``Connect-AzAccount`` done
(a sketch following the cmdlets' documented output; not run against a live account by
this project's tests). Connection types have no Get cmdlet; they come from the REST API::

    $p = @{ ResourceGroupName = 'my-rg'; AutomationAccountName = 'my-account' }
    $sub = (Get-AzContext).Subscription.Id
    $aa = "/subscriptions/$sub/resourceGroups/$($p.ResourceGroupName)/providers/" +
          "Microsoft.Automation/automationAccounts/$($p.AutomationAccountName)"
    $name = { [ordered]@{ name = $_.Name } }
    [ordered]@{
      kind = 'azure-automation-inventory'; version = 1
      account = $p.AutomationAccountName; resourceGroup = $p.ResourceGroupName
      connections = @(Get-AzAutomationConnection @p | ForEach-Object {
        $c = Get-AzAutomationConnection @p -Name $_.Name     # a list call drops the fields
        $f = $c.FieldDefinitionValues
        [ordered]@{ name = $c.Name; connectionType = $c.ConnectionTypeName
                    fields = @(if ($f) { $f.Keys | Sort-Object }) } })
      credentials = @(Get-AzAutomationCredential @p | ForEach-Object $name)
      variables = @(Get-AzAutomationVariable @p | ForEach-Object {
        [ordered]@{ name = $_.Name; encrypted = $_.Encrypted } })
      certificates = @(Get-AzAutomationCertificate @p | ForEach-Object $name)
      runbooks = @(Get-AzAutomationRunbook @p | ForEach-Object {
        [ordered]@{ name = $_.Name; runbookType = $_.RunbookType } })
      configurations = @(Get-AzAutomationDscConfiguration @p | ForEach-Object $name)
      connectionTypes = @(((Invoke-AzRestMethod -Path "$aa/connectionTypes?api-version=2023-11-01"
        ).Content | ConvertFrom-Json).value | ForEach-Object {
          $defs = $_.properties.fieldDefinitions.PSObject.Properties
          [ordered]@{ name = $_.name; fields = @($defs | ForEach-Object {
            [ordered]@{ name = $_.Name; encrypted = $_.Value.isEncrypted
                        optional = $_.Value.isOptional; type = $_.Value.type } }) } })
      modules = @(Get-AzAutomationModule @p | ForEach-Object $name)
    } | ConvertTo-Json -Depth 6 | Set-Content -Encoding utf8 automation-inventory.json

Only names, types and flags are selected, so no value leaves the account. (Windows
PowerShell's ``-Encoding utf8`` writes a BOM; that is fine, and so is UTF-16 from ``>``.)

From other inventories
----------------------

:func:`to_canonical` writes this format from any loaded :class:`Inventory` (ARM,
Terraform, Bicep, REST, PowerShell exports, module files, local asset stores): one
account, declarations merged by case-insensitive name, everything sorted, nothing but
names, types and flags. Converting is a claim that the result is complete: every kind
with at least one declaration (or a source that lists the kind completely) is written as
an array. What the format cannot hold is left out and listed by :func:`left_out`: names
that are unknown without deployment inputs (a kind with such a declaration is left out as
a whole, since its list cannot be complete), Python packages, and other accounts' assets.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.inventory.model import Declaration, FieldDef, Inventory, fold

KIND = "azure-automation-inventory"
VERSION = 1

#: Array key → inventory kind, in the order the writer emits them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("connections", "connection"),
    ("credentials", "credential"),
    ("variables", "variable"),
    ("certificates", "certificate"),
    ("runbooks", "runbook"),
    ("configurations", "dsc_configuration"),
    ("connectionTypes", "connection_type"),
    ("modules", "module"),
)
_KINDS = {kind for _, kind in SECTIONS}


def _in_scope(declared: str | None, account: str | None) -> bool:
    return account is None or declared is None or fold(declared) == fold(account)


def _accounts(inventory: Inventory) -> list[Declaration]:
    return [d for d in inventory.user_declarations if d.kind == "account" and d.name is not None]


def _choose_account(inventory: Inventory, account: str | None) -> str | None:
    """The account name to write: as the inventory spells it when it knows the account;
    with no account asked for, the only account the inventory mentions (if just one)."""
    declared = [d.name for d in _accounts(inventory) if d.name]
    declared += [d.account for d in inventory.user_declarations if d.account]
    if account is not None:
        return next((name for name in declared if fold(name) == fold(account)), account)
    distinct = {fold(name) for name in declared}
    return declared[0] if len(distinct) == 1 else None


def _scoped(inventory: Inventory, account: str | None) -> list[Declaration]:
    return [
        d for d in inventory.user_declarations if d.kind in _KINDS and _in_scope(d.account, account)
    ]


def _blocked_kinds(declarations: list[Declaration]) -> set[str]:
    """Kinds with a declaration whose name is unknown: their list cannot be complete."""
    return {d.kind for d in declarations if d.name is None}


def _merge_encrypted(values: list[bool | None]) -> bool | None:
    # One source saying "encrypted" wins: calling a secret plain is the worse mistake.
    if any(v is True for v in values):
        return True
    return False if any(v is False for v in values) else None


def _field_entry(field: FieldDef) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": field.name,
        "encrypted": field.encrypted,
        "optional": field.optional,
    }
    if field.type is not None:
        entry["type"] = field.type
    return entry


def _entry(kind: str, group: list[Declaration]) -> dict[str, Any]:
    """One array entry from every declaration of one name (first spelling wins)."""
    name = group[0].name or ""
    entry: dict[str, Any] = {"name": name}
    if kind == "connection":
        connection_type = next((d.connection_type for d in group if d.connection_type), None)
        if connection_type is not None:
            entry["connectionType"] = connection_type
        known = [d.fields for d in group if d.fields is not None]
        if known:
            names: dict[str, str] = {}
            for fields in known:
                for field in fields:
                    names.setdefault(fold(field.name), field.name)
            entry["fields"] = sorted(names.values(), key=lambda n: (fold(n), n))
    elif kind == "connection_type":
        fields = next((d.fields for d in group if d.fields is not None), None)
        if fields is not None:
            entry["fields"] = [
                _field_entry(f) for f in sorted(fields, key=lambda f: (fold(f.name), f.name))
            ]
    elif kind == "variable":
        encrypted = _merge_encrypted([d.encrypted for d in group])
        if encrypted is not None:
            entry["encrypted"] = encrypted
    elif kind == "runbook":
        runbook_type = next((d.runbook_type for d in group if d.runbook_type), None)
        if runbook_type is not None:
            entry["runbookType"] = runbook_type
    return entry


def to_canonical(inventory: Inventory, account: str | None) -> dict[str, Any]:
    """The ``azure-automation-inventory`` document for ``account`` (None: every account
    the inventory mentions, written as one; the account is named if there is just one).

    Deterministic (entries sorted case-insensitively, keys in schema order) and
    secret-free by construction: only names, types and flags are copied.
    """
    chosen = _choose_account(inventory, account)
    resource_group = next(
        (
            value
            for d in _accounts(inventory)
            if chosen is not None and d.name and fold(d.name) == fold(chosen)
            for key, value in d.properties
            if key == "resourceGroup"
        ),
        None,
    )
    declarations = _scoped(inventory, account)
    blocked = _blocked_kinds(declarations)
    document: dict[str, Any] = {
        "kind": KIND,
        "version": VERSION,
        "account": chosen,
        "resourceGroup": resource_group,
    }
    for key, kind in SECTIONS:
        if kind in blocked:
            continue
        of_kind = [d for d in declarations if d.kind == kind]
        if not of_kind and not inventory.covers(kind, account):
            continue
        groups: dict[str, list[Declaration]] = {}
        for declaration in of_kind:
            groups.setdefault(fold(declaration.name or ""), []).append(declaration)
        entries = [_entry(kind, group) for group in groups.values()]
        document[key] = sorted(entries, key=lambda e: (fold(e["name"]), e["name"]))
    return document


def left_out(inventory: Inventory, account: str | None) -> list[tuple[Declaration, str]]:
    """Declarations :func:`to_canonical` cannot write, each with the reason, so a caller
    can tell the user what the converted file does not say."""
    out: list[tuple[Declaration, str]] = []
    declarations = _scoped(inventory, account)
    blocked = _blocked_kinds(declarations)
    for d in inventory.user_declarations:
        if d.kind == "account":
            continue
        if not _in_scope(d.account, account):
            out.append((d, f"belongs to account {d.account!r}"))
        elif d.kind not in _KINDS:
            out.append((d, f"the inventory format has no place for kind {d.kind!r}"))
        elif d.name is None:
            out.append((d, f"name unknown: {d.reason or d.raw}"))
        elif d.kind in blocked:
            out.append((d, f"another {d.kind} has an unknown name, so the list is incomplete"))
    return out


def render(document: dict[str, Any]) -> str:
    """The document as the file to commit: two-space JSON, UTF-8 text, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
