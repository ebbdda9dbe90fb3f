"""Find inventory files, detect their format by content, and run the matching loader.

Detection is by content, not by name: ARM templates hide in ``.md.txt`` files, and a
``.json`` can be a template, a parameter file, a REST page, an Az PowerShell export, our
own inventory file, a module's connection types or a local asset store. Each loader is a
module with ``load(file, context) -> LoadResult``, imported only when a file of its
format turns up.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.discovery import ALWAYS_SKIPPED_DIRS, display_path
from analyzer.inventory.jsonc import JArray, JObject, JsonError, loads
from analyzer.inventory.model import Inventory, InventoryProblem, LoadResult
from analyzer.textio import DecodeError, decode

#: Format → loader module (under analyzer.inventory).
LOADERS = {
    "arm": "arm",
    "rest": "exports",
    "ps-export": "exports",
    "inventory": "exports",
    "module": "module_types",
    "local-assets": "local_assets",
    "bicep": "bicep",
    "terraform": "terraform",
}
INVENTORY_SUFFIXES = (".json", ".jsonc", ".bicep", ".tf")


class InventoryPathError(Exception):
    """An inventory path does not exist (a usage error, exit 2). The message names the
    path as given; the caller says where it was given (an option, a config key)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.path = path


@dataclass
class InventoryFile:
    path: str
    text: str
    format: str
    document: Any = None


@dataclass
class LoadContext:
    """What a loader may need besides its own file."""

    #: ARM parameter files found among the inventory paths: (path, parameters object).
    parameter_files: list[tuple[str, JObject]] = field(default_factory=list)
    #: Directory the paths are relative to (Terraform ``fileset()``, Bicep ``loadTextContent``).
    cwd: Path = field(default_factory=Path.cwd)
    #: Every inventory file by path, for loaders that read siblings (Terraform variables).
    files: dict[str, InventoryFile] = field(default_factory=dict)
    #: Per-run scratch space for loaders (parsed siblings shared by files of a folder).
    cache: dict[str, Any] = field(default_factory=dict)


def classify_json(document: Any) -> str | None:
    """The format of a parsed JSON document, or None if it is no inventory at all."""
    if isinstance(document, JObject):
        schema = str(document.get_ci("$schema", "")).lower()
        if "deploymenttemplate" in schema or (
            "resources" in {k.lower() for k in document} and document.get_ci("contentVersion")
        ):
            return "arm"
        if "deploymentparameters" in schema:
            return "arm-parameters"
        if str(document.get_ci("kind", "")).lower() == "azure-automation-inventory":
            return "inventory"
        if "ConnectionFields" in document or (
            "ConnectionTypeName" in document and ("IntegrationModuleName" in document)
        ):
            return "module"
        keys = {k.lower() for k in document}
        asset_arrays = keys & {
            "variable",
            "pscredential",
            "credential",
            "connection",
            "certificate",
        }
        if asset_arrays and all(
            isinstance(v, list) for k, v in document.items() if k.lower() in asset_arrays
        ):
            return "local-assets"
        value = document.get_ci("value")
        if (isinstance(value, JArray) and not _is_ps_item(document)) or _is_rest_item(document):
            return "rest"
        if _is_rest_example(document):
            return "rest"
        if document and all(
            isinstance(v, JObject) and set(v) <= {"value", "reference", "metadata"}
            for v in document.values()
        ):
            return "arm-parameters"
        if _is_ps_item(document):
            return "ps-export"
        return None
    if isinstance(document, JArray):
        if document and all(_is_ps_item(item) for item in document if item is not None):
            return "ps-export"
        if document and all(_is_rest_item(item) for item in document):
            return "rest"
    return None


def _is_rest_item(item: Any) -> bool:
    return (
        isinstance(item, JObject)
        and "/providers/microsoft.automation/" in str(item.get_ci("id", "")).lower()
    )


def _is_rest_example(document: JObject) -> bool:
    """The Azure REST spec example wrapper: ``{"parameters": …, "responses": {"200":
    {"body": <resource or page>}}}`` (azure-rest-api-specs ``…/examples/*.json``)."""
    responses = document.get_ci("responses")
    if not isinstance(responses, JObject):
        return False
    for status, response in responses.items():
        if not status.startswith("2") or not isinstance(response, JObject):
            continue
        body = response.get_ci("body")
        if isinstance(body, JObject) and isinstance(body.get_ci("value"), JArray):
            body = body.get_ci("value")  # a page; an empty one is still a page
            if all(_is_rest_item(item) for item in body):
                return True
        elif _is_rest_item(body) or (
            isinstance(body, JArray) and body and all(_is_rest_item(i) for i in body)
        ):
            return True
    return False


def _is_ps_item(item: Any) -> bool:
    return isinstance(item, JObject) and "AutomationAccountName" in item and "Name" in item


def _walk(paths: list[str], cwd: Path) -> tuple[list[Path], list[Path]]:
    """(explicit files, files found in directories), each sorted."""
    explicit: list[Path] = []
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_absolute():
            path = cwd / path
        if not path.exists():
            raise InventoryPathError(raw)
        if path.is_file():
            explicit.append(path)
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in ALWAYS_SKIPPED_DIRS)
            for name in sorted(filenames):
                if name.lower().endswith(INVENTORY_SUFFIXES):
                    found.append(Path(dirpath) / name)
    return explicit, sorted(found)


def read_files(
    paths: list[str], cwd: Path | None = None
) -> tuple[list[InventoryFile], list[InventoryProblem]]:
    """Read and classify every inventory file under ``paths``."""
    cwd = (cwd or Path.cwd()).absolute()
    explicit, found = _walk(paths, cwd)
    files: list[InventoryFile] = []
    problems: list[InventoryProblem] = []
    seen: set[Path] = set()
    for path, was_explicit in [(p, True) for p in explicit] + [(p, False) for p in found]:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        shown = display_path(path, cwd)
        try:
            text = decode(path.read_bytes()).text
        except (OSError, DecodeError) as exc:
            problems.append(InventoryProblem(shown, None, f"cannot read inventory file: {exc}"))
            continue
        suffix = path.suffix.lower()
        if suffix == ".bicep":
            files.append(InventoryFile(shown, text, "bicep"))
            continue
        if suffix == ".tf":
            files.append(InventoryFile(shown, text, "terraform"))
            continue
        try:
            document = loads(text)
        except RecursionError:  # pragma: no cover - MAX_DEPTH keeps well below the limit
            problems.append(InventoryProblem(shown, None, "invalid JSON: nesting too deep"))
            continue
        except JsonError as exc:
            if was_explicit or suffix in (".json", ".jsonc"):
                problems.append(InventoryProblem(shown, exc.line, f"invalid JSON: {exc}"))
            continue
        kind = classify_json(document)
        if kind is None:
            if was_explicit:
                problems.append(
                    InventoryProblem(
                        shown,
                        None,
                        "not a recognised inventory format (ARM template or parameter file, "
                        "REST or Az PowerShell export, inventory file, module connection "
                        "types, local asset store)",
                    )
                )
            continue
        files.append(InventoryFile(shown, text, kind, document))
    return files, problems


def load_inventory(paths: list[str], cwd: Path | None = None) -> Inventory:
    """Every declaration from every inventory file under ``paths``."""
    cwd = (cwd or Path.cwd()).absolute()
    files, problems = read_files(paths, cwd)
    context = LoadContext(
        parameter_files=[(f.path, f.document) for f in files if f.format == "arm-parameters"],
        cwd=cwd,
        files={f.path: f for f in files},
    )
    inventory = Inventory()
    inventory.add(LoadResult(problems=problems))
    inventory.files = sorted({f.path for f in files} | {p.path for p in problems})
    for file in files:
        if file.format == "arm-parameters":
            continue
        module = importlib.import_module(f"analyzer.inventory.{LOADERS[file.format]}")
        try:
            result = module.load(file, context)
        except Exception as exc:  # one broken loader must not end the run
            result = LoadResult(
                problems=[
                    InventoryProblem(
                        file.path,
                        None,
                        f"internal error while reading this inventory file: "
                        f"{type(exc).__name__}: {exc}",
                        code="RB906",
                    )
                ]
            )
        inventory.add(result)
    return inventory
