"""The normalised inventory model every loader produces and every rule reads.

One :class:`Declaration` per place an asset is declared; :class:`Inventory` merges them
into assets keyed by (account, kind, case-folded name) and answers the question rules ask:
does an asset of this kind and name exist, could an unresolved declaration be it, and is
this kind covered at all (only then can something be *missing*).

Secrets never enter this model: loaders record *that* a secret was written as a literal
(for RB303) with its location, never the value.
"""

from __future__ import annotations

import fnmatch
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

InventoryKind = Literal[
    "account",
    "connection",
    "connection_type",
    "credential",
    "variable",
    "certificate",
    "runbook",
    "dsc_configuration",
    "module",
    "python_package",
]

#: Automation child resource type (last segment, lower case) → inventory kind, shared by
#: ARM, Bicep, azapi and REST ids. Other children (schedules, jobSchedules, webhooks,
#: jobs, sourceControls, …) are not assets.
ARM_CHILD_KINDS: dict[str, InventoryKind] = {
    "connections": "connection",
    "connectiontypes": "connection_type",
    "credentials": "credential",
    "variables": "variable",
    "certificates": "certificate",
    "runbooks": "runbook",
    "configurations": "dsc_configuration",
    "modules": "module",
    "powershell72modules": "module",
    "python2packages": "python_package",
    "python3packages": "python_package",
}

#: Kinds a runbook looks up by name (the ones RB102 can call missing).
LOOKUP_KINDS = ("connection", "credential", "variable", "certificate")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a declaration was seen. ``format`` names the loader: ``arm``, ``bicep``,
    ``terraform``, ``rest``, ``ps-export``, ``inventory``, ``module``, ``local-assets``,
    ``builtin``."""

    path: str
    line: int | None
    format: str


@dataclass(frozen=True, slots=True)
class FieldDef:
    """A connection-type field."""

    name: str
    encrypted: bool = False
    optional: bool = False
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declaration of one asset, as a loader found it.

    ``name`` is None when the name cannot be known statically; then ``reason`` says why
    (``uses uniqueString()``, ``parameter 'x' has no value``) and ``pattern`` may give
    what is known (``tftest*``). ``raw`` is the name exactly as written.
    """

    kind: InventoryKind
    name: str | None
    raw: str
    source: SourceRef
    account: str | None = None
    reason: str | None = None
    pattern: str | None = None
    #: Connections: their type. Typed Terraform resources imply it.
    connection_type: str | None = None
    #: Connection types: field definitions. Connections: the field names given values.
    fields: tuple[FieldDef, ...] | None = None
    encrypted: bool | None = None
    runbook_type: str | None = None
    #: Other properties that tell two declarations of one asset apart (RB304), as
    #: printable, non-secret strings.
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def resolved(self) -> bool:
        return self.name is not None


@dataclass(frozen=True, slots=True)
class SecretLiteral:
    """A secret written as a literal in infrastructure code (RB303): where, never what."""

    kind: InventoryKind
    asset: str | None
    field: str
    source: SourceRef


@dataclass(frozen=True, slots=True)
class InventoryProblem:
    """A source that could not be read (malformed JSON/HCL/Bicep, …)."""

    path: str
    line: int | None
    message: str
    code: str = "RB902"


@dataclass(frozen=True, slots=True)
class Coverage:
    """A source's claim to list *all* assets of ``kind`` (for ``account``, or any)."""

    kind: InventoryKind
    account: str | None
    source: SourceRef


@dataclass
class LoadResult:
    """What one loader returns for one file."""

    declarations: list[Declaration] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    secrets: list[SecretLiteral] = field(default_factory=list)
    problems: list[InventoryProblem] = field(default_factory=list)


def fold(name: str) -> str:
    """Asset names compare case-insensitively and Unicode-normalised."""
    return unicodedata.normalize("NFC", name).casefold()


BUILTIN_CONNECTION_TYPES: dict[str, tuple[str, ...]] = {
    "Azure": ("AutomationCertificateName", "SubscriptionID"),
    "AzureClassicCertificate": ("SubscriptionName", "SubscriptionId", "CertificateAssetName"),
    "AzureServicePrincipal": (
        "ApplicationId",
        "TenantId",
        "CertificateThumbprint",
        "SubscriptionId",
    ),
}


def builtin_declarations() -> list[Declaration]:
    source = SourceRef("<built-in>", None, "builtin")
    return [
        Declaration(
            "connection_type",
            name,
            name,
            source,
            fields=tuple(FieldDef(f, type="System.String") for f in fields),
        )
        for name, fields in BUILTIN_CONNECTION_TYPES.items()
    ]


@dataclass
class Asset:
    """All declarations of one (account, kind, name)."""

    kind: InventoryKind
    name: str
    account: str | None
    declarations: list[Declaration] = field(default_factory=list)

    @property
    def connection_type(self) -> str | None:
        return next((d.connection_type for d in self.declarations if d.connection_type), None)

    @property
    def fields(self) -> tuple[FieldDef, ...] | None:
        return next((d.fields for d in self.declarations if d.fields is not None), None)


class Inventory:
    """Declarations from every source, merged; the question-answering side of the model."""

    def __init__(self, results: list[LoadResult] | None = None, *, builtins: bool = True) -> None:
        self.declarations: list[Declaration] = builtin_declarations() if builtins else []
        self.coverage: list[Coverage] = []
        self.secrets: list[SecretLiteral] = []
        self.problems: list[InventoryProblem] = []
        #: Every inventory file read or tried (reports count them as checked).
        self.files: list[str] = []
        for result in results or []:
            self.add(result)

    def for_account(self, account: str) -> LoadResult:
        """This inventory's own contents as a result owned by ``account`` where the
        declarations do not name an account themselves."""
        from dataclasses import replace

        return LoadResult(
            declarations=[
                d if d.account is not None else replace(d, account=account)
                for d in self.user_declarations
            ],
            coverage=[
                c if c.account is not None else replace(c, account=account) for c in self.coverage
            ],
            secrets=list(self.secrets),
            problems=list(self.problems),
        )

    def add(self, result: LoadResult) -> None:
        self.declarations.extend(result.declarations)
        self.coverage.extend(result.coverage)
        self.secrets.extend(result.secrets)
        self.problems.extend(result.problems)
        self.__dict__.pop("_assets", None)

    @property
    def user_declarations(self) -> list[Declaration]:
        return [d for d in self.declarations if d.source.format != "builtin"]

    # ------------------------------------------------------------------ assets
    def assets(self) -> list[Asset]:
        cached = self.__dict__.get("_assets")
        if cached is not None:
            return cached
        merged: dict[tuple[str, str, str], Asset] = {}
        for declaration in self.declarations:
            if declaration.name is None:
                continue
            key = (fold(declaration.account or ""), declaration.kind, fold(declaration.name))
            asset = merged.get(key)
            if asset is None:
                asset = merged[key] = Asset(declaration.kind, declaration.name, declaration.account)
            asset.declarations.append(declaration)
        assets = sorted(merged.values(), key=lambda a: (a.kind, fold(a.name), a.account or ""))
        self.__dict__["_assets"] = assets
        return assets

    @staticmethod
    def _account_matches(declared: str | None, wanted: str | None) -> bool:
        return declared is None or wanted is None or fold(declared) == fold(wanted)

    def lookup(self, kind: str, name: str, account: str | None = None) -> list[Asset]:
        """Assets of ``kind`` named ``name`` case-insensitively (any account if None)."""
        key = fold(name)
        return [
            a
            for a in self.assets()
            if a.kind == kind and fold(a.name) == key and self._account_matches(a.account, account)
        ]

    def possible(self, kind: str, name: str, account: str | None = None) -> list[Declaration]:
        """Unresolved declarations of ``kind`` that could be ``name`` (no name, or a
        pattern that matches it)."""
        out = []
        for d in self.declarations:
            if d.kind != kind or d.name is not None:
                continue
            if not self._account_matches(d.account, account):
                continue
            if d.pattern is None or fnmatch.fnmatchcase(fold(name), fold(d.pattern)):
                out.append(d)
        return out

    def covers(self, kind: str, account: str | None = None) -> list[Coverage]:
        """Sources that claim to list every asset of ``kind`` (for that account)."""
        return [
            c for c in self.coverage if c.kind == kind and self._account_matches(c.account, account)
        ]

    def names(self, kind: str, account: str | None = None) -> list[str]:
        return [
            a.name
            for a in self.assets()
            if a.kind == kind and self._account_matches(a.account, account)
        ]

    def connection_type(self, name: str) -> Asset | None:
        found = self.lookup("connection_type", name)
        return found[0] if found else None
