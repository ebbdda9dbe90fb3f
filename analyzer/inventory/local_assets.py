"""Local asset stores of Microsoft's runbook emulators (reference §6).

* The ISE add-on / Authoring Toolkit keeps ``LocalAssets.json`` (``Variable``,
  ``Certificate``) and ``SecureLocalAssets.json`` (``Variable``, ``PSCredential``,
  ``Connection``); the variables in the secure file are the encrypted ones.
* The Python emulator (``automationassets``) keeps one ``localassets.json`` with
  ``Variable``, ``Credential``, ``Connection``, ``Certificate``.

A runbook that runs against such a store can only ask for what the store holds, so each
array present covers its kind (for any account: the store is not tied to one). Entries
hold real secrets (``Value``, ``Password``, ``ValueFields`` values, the Python
emulator's certificate ``Password``): only names, the connection type and the field
*names* are read.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from analyzer.inventory.exports import Collector
from analyzer.inventory.jsonc import JArray, JObject
from analyzer.inventory.loader import InventoryFile, LoadContext
from analyzer.inventory.model import Declaration, FieldDef, InventoryKind, LoadResult

FORMAT = "local-assets"

#: Array name (case-insensitive) → kind; ``PSCredential`` is the toolkit's, ``Credential``
#: the Python emulator's.
ARRAYS: dict[str, InventoryKind] = {
    "variable": "variable",
    "pscredential": "credential",
    "credential": "credential",
    "connection": "connection",
    "certificate": "certificate",
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """Declarations for every named entry; coverage for every array present."""
    del context  # one file is the whole store
    out = Collector(file, FORMAT)
    document = file.document
    if not isinstance(document, JObject):
        out.problem(None, "a local asset store must be a JSON object")
        return out.result
    # The toolkit's secure store holds the encrypted variables; elsewhere it is unknown.
    secure = PurePath(file.path).name.lower().endswith("securelocalassets.json")
    covered: set[InventoryKind] = set()
    for key, entries in document.items():
        kind = ARRAYS.get(key.lower())
        if kind is None:
            continue
        key_line = out.lines.line(document, key)
        if not isinstance(entries, JArray):
            out.problem(key_line, f"'{key}' is not an array of assets")
            continue
        if kind not in covered:
            covered.add(kind)
            out.cover(kind, None, key_line)
        for index, entry in enumerate(entries):
            declaration = _entry(out, f"{key}[{index}]", entry, kind, secure, entries.line)
            if declaration is not None:
                out.declare(declaration)
    return out.result


def _entry(
    out: Collector,
    where: str,
    entry: Any,
    kind: InventoryKind,
    secure: bool,
    array_line: int,
) -> Declaration | None:
    if not isinstance(entry, JObject):
        out.problem(array_line, f"{where} is not an object")
        return None
    raw = _text(entry.get_ci("Name"))
    if raw is None:
        out.problem(entry.line, f"{where} has no Name")
        return None
    source = out.source(out.lines.line(entry, "Name", raw))
    if kind == "variable":
        return Declaration(kind, raw, raw, source, encrypted=True if secure else None)
    if kind != "connection":
        return Declaration(kind, raw, raw, source)
    connection_type = entry.get_ci("ConnectionType")
    if connection_type is not None and _text(connection_type) is None:
        out.problem(entry.line, f"{where}: ConnectionType is not a string")
    values = entry.get_ci("ValueFields")
    fields = None
    if isinstance(values, JObject):
        fields = tuple(FieldDef(field) for field in values)  # names only, never the values
    elif values is not None:
        out.problem(entry.line, f"{where}: ValueFields is not an object")
    return Declaration(
        kind, raw, raw, source, connection_type=_text(connection_type), fields=fields
    )
