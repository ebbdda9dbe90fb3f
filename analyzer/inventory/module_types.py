"""Connection types shipped by integration modules: ``<Module>-Automation.json``.

Importing a module whose zip holds this file creates the connection type in the account
(reference §5.1). The file is the only place a custom type's fields are written down, so
it is what RB106 (unknown connection field) and RB302 (missing required field) check
custom connections against. It declares one ``connection_type`` with its
:class:`FieldDef` s; it says nothing about which types an account has, so it gives no
coverage, and it holds no values at all.

Real files are ``ConvertTo-Json`` output, some UTF-16 LE with a BOM (Twilio): the loader
decodes by BOM before this module sees the document.
"""

from __future__ import annotations

from analyzer.inventory.exports import Collector, module_fields
from analyzer.inventory.jsonc import JArray, JObject
from analyzer.inventory.loader import InventoryFile, LoadContext
from analyzer.inventory.model import Declaration, LoadResult

FORMAT = "module"


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """One ``connection_type`` declaration, at the line of its ``ConnectionTypeName``."""
    del context  # one file is the whole story
    out = Collector(file, FORMAT)
    document = file.document
    if not isinstance(document, JObject):
        out.problem(None, "a module connection-type file must be a JSON object")
        return out.result
    name = document.get_ci("ConnectionTypeName")
    if not isinstance(name, str) or not name.strip():
        out.problem(document.line, "module file has no ConnectionTypeName")
        return out.result
    entries = document.get_ci("ConnectionFields")
    fields = None
    if isinstance(entries, JArray):
        fields = module_fields(out, entries, name)
    elif entries is None:
        fields = ()  # a type without fields is legal; the file is its whole definition
    else:
        out.problem(
            out.lines.line(document, "ConnectionFields"),
            f"connection type {name!r}: 'ConnectionFields' is not an array",
        )
    module = document.get_ci("IntegrationModuleName")
    properties = (("integrationModule", module),) if isinstance(module, str) and module else ()
    out.declare(
        Declaration(
            "connection_type",
            name,
            name,
            out.source(out.lines.line(document, "ConnectionTypeName", name)),
            fields=fields,
            properties=properties,
        )
    )
    return out.result
