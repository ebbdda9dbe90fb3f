from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import callee_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Edit, Fix, Related
from analyzer.model.facts import AssetRef, FileFacts
from analyzer.model.span import Span


class MissingAutomationassetsImport(Rule):
    """Python runbook calls an asset function without importing `automationassets`.

    ## What it does
    Reports calls of `get_automation_variable`, `get_automation_connection` and the other
    `automationassets` functions that do not reach the module: the file never imports
    `automationassets`, or imports the module but calls the function by its bare name
    without importing that name from it. One finding per file for each of the two, at the
    first such call; the message counts the calls and names the functions, and the other
    calls are its related locations.

    The module counts however it is imported: `import automationassets`, from a package
    that vendors the emulator (`from system import automationassets`), in a `src/` layout
    (`import src.automationassets`, `from lib.automationassets import ...`), inside
    `try:` with a local fallback. A file that defines the functions itself (an emulator)
    or takes them from another module of its own is left alone.

    ## Why is this bad?
    The call raises `NameError` when the job runs: the functions are not built-ins, they
    live in the sandbox's `automationassets` module.

    ## Example
    ```python
    import sys

    region = get_automation_variable("Region")  # expect: RB104
    sender = get_automation_credential("MailSender")  # reported with the line above
    ```

    ## Use instead
    ```python
    # file: report_region.py
    import automationassets

    region = automationassets.get_automation_variable("Region")
    # file: report_sender.py
    from system import automationassets  # the emulator vendored for local runs

    sender = automationassets.get_automation_credential("MailSender")
    ```

    ## Fix safety
    Safe, where the file imports `automationassets` in no form at all: the fix adds
    `import automationassets` (for calls written `automationassets.f(...)`) and
    `from automationassets import f, ...` (for calls by bare name) at the top of the
    file, after the shebang, the encoding declaration, the module docstring and
    `from __future__` imports, so the calls reach the module the sandbox provides. No
    fix when the file already imports the module in some form (a vendored copy, an alias,
    an import inside `try:`): which name the calls should use is the author's choice,
    and an unconditional import of the sandbox module could break the local fallback.
    No fix either in a file that does not parse cleanly.

    ## References
    - learn.microsoft.com azure/automation/python-3-packages
    """

    code = "RB104"
    name = "missing-automationassets-import"
    severity = "error"
    languages = ("python",)
    tags = ("correctness",)
    fix = "safe"

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        # The frontend decides what reaches the module (``unimported``) and whether the
        # file imports it at all (``module-imported``): two causes, one finding each.
        groups: dict[bool, list[AssetRef]] = {}
        for ref in file.refs:
            if "unimported" in ref.tags:
                groups.setdefault("module-imported" in ref.tags, []).append(ref)
        for module_imported, refs in groups.items():
            first = refs[0]
            functions = list(dict.fromkeys(_function(ref) for ref in refs))
            yield self.diagnostic(
                file.path,
                callee_span(first.span, first.callee),
                _message(refs, functions, module_imported),
                help=_help(refs, functions, module_imported),
                related=tuple(
                    Related(
                        file.path,
                        callee_span(ref.span, ref.callee),
                        f"{_function(ref)} is called here too",
                    )
                    for ref in refs[1:]
                ),
                fix=None if module_imported else _import_fix(file, refs),
            )


def _import_fix(file: FileFacts, refs: list[AssetRef]) -> Fix | None:
    """The imports that make every call reach the module: the module itself for
    ``automationassets.f(...)``, the functions for bare calls."""
    site = file.import_site
    if site is None:
        return None
    lines = []
    if any("." in ref.callee for ref in refs):
        lines.append("import automationassets")
    bare = sorted({ref.callee for ref in refs if "." not in ref.callee})
    if bare:
        lines.append(f"from automationassets import {', '.join(bare)}")
    shown = "` and `".join(lines)
    if len(lines[-1]) > _IMPORT_WIDTH:  # PEP 8's 79 columns: one name per line
        lines[-1] = "from automationassets import (\n" + "".join(f"    {f},\n" for f in bare) + ")"
    text = "\n".join(lines) + "\n" + ("" if site.before_import else "\n")
    return Fix("safe", f"add `{shown}`", (Edit(Span(site.line, 1, site.line, 1), text),))


_IMPORT_WIDTH = 79


def _function(ref: AssetRef) -> str:
    return ref.callee.rsplit(".", 1)[-1]


#: Longest message (tests/test_rule_fixtures.py): functions beyond it are counted, not named.
_MAX_MESSAGE = 160


def _message(refs: list[AssetRef], functions: list[str], module_imported: bool) -> str:
    if len(refs) == 1:
        if module_imported and "." in refs[0].callee:
            return (
                f"{refs[0].callee} is called but automationassets is imported under "
                "another name; the job fails with NameError"
            )
        if module_imported:
            return (
                f"{refs[0].callee} is called by its bare name but is not imported from "
                "automationassets; the job fails with NameError"
            )
        return (
            f"{refs[0].callee} is called but automationassets is never imported; "
            "the job fails with NameError"
        )
    if module_imported:
        lead = f"{len(refs)} calls by names not imported from automationassets raise "
    else:
        lead = f"automationassets is never imported; {len(refs)} calls raise "
    lead += "NameError: "
    shown = len(functions)
    while shown > 1 and len(lead) + len(_listed(functions, shown)) > _MAX_MESSAGE:
        shown -= 1
    return lead + _listed(functions, shown)


def _listed(functions: list[str], shown: int) -> str:
    rest = len(functions) - shown
    more = f" and {rest} more function{'s' if rest > 1 else ''}" if rest else ""
    return ", ".join(functions[:shown]) + more


def _help(refs: list[AssetRef], functions: list[str], module_imported: bool) -> str:
    """The same imports the fix adds, so that advice and fix agree."""
    first = functions[0]
    if module_imported:
        return (
            f"call automationassets.{first}(...) or add "
            f"`from automationassets import {', '.join(functions)}`"
        )
    bare = sorted({_function(ref) for ref in refs if "." not in ref.callee})
    if not bare:
        return "add `import automationassets`"
    if len(bare) > 3:
        return f"import the {len(bare)} functions: `from automationassets import {bare[0]}, …`"
    return f"add `from automationassets import {', '.join(bare)}`"
