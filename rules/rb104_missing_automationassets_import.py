from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import callee_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.facts import AssetRef, FileFacts


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
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/python-3-packages
    """

    code = "RB104"
    name = "missing-automationassets-import"
    severity = "error"
    languages = ("python",)
    tags = ("correctness",)

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
                help=_help(functions, module_imported),
                related=tuple(
                    Related(
                        file.path,
                        callee_span(ref.span, ref.callee),
                        f"{_function(ref)} is called here too",
                    )
                    for ref in refs[1:]
                ),
            )


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


def _help(functions: list[str], module_imported: bool) -> str:
    first = functions[0]
    if module_imported:
        return (
            f"call automationassets.{first}(...) or add "
            f"`from automationassets import {', '.join(functions)}`"
        )
    return f"add `import automationassets` and call automationassets.{first}(...)"
