"""The engine as a library: ``analyze(paths, config) -> AnalysisResult``.

The CLI and the language server are thin shells over this module. Nothing here prints or
exits; every failure that is the user's input becomes a diagnostic, and every failure
that is ours becomes RB906 on the file concerned.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.config import Config, validate_rule_keys
from analyzer.discovery import SourceFile, discover
from analyzer.engine import filters
from analyzer.engine.registry import load_rules, select_rules
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts
from analyzer.workspace.workspace import Workspace

if TYPE_CHECKING:
    from analyzer.inventory.model import Inventory

#: Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 24


@dataclass
class AnalysisResult:
    files: list[FileFacts]
    workspace: Workspace
    diagnostics: list[Diagnostic]
    rules: list[type[Rule]]
    #: What the configured filter stages hid: (how the summary names it, how many).
    hidden: tuple[tuple[str, int], ...] = ()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_frontends(sources: list[SourceFile], jobs: int | None = None) -> list[FileFacts]:
    """Read, parse and extract every file; in worker processes when it pays off.

    Results come back in input order whatever the scheduling, so output never depends on
    ``--jobs``.
    """
    from analyzer.frontends import analyze_source

    jobs = jobs or default_jobs()
    if jobs <= 1 or len(sources) < _PARALLEL_THRESHOLD:
        return [analyze_source(source) for source in sources]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    workers = min(jobs, len(sources))
    chunksize = max(1, len(sources) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(analyze_source, sources, chunksize=chunksize))


def resolve_rules(config: Config) -> list[type[Rule]]:
    """Load built-in and custom rules and apply the configured selection."""
    available = load_rules(config.rules_dir)
    validate_rule_keys(config, {r.code for r in available}, {r.name for r in available})
    return select_rules(available, config.select, config.ignore)


def analyze(paths: Iterable[str], config: Config | None = None) -> AnalysisResult:
    config = config or Config()
    rules = resolve_rules(config)
    sources = discover(tuple(paths), config.exclude + config.extend_exclude)
    inventory = build_inventory(config)
    files = run_frontends(sources, config.jobs)
    return check_files(files, rules, config, inventory)


def build_inventory(config: Config) -> Inventory | None:
    """The inventory of every configured account, or None when none was given.

    Declarations read from an account's own inventory paths belong to that account
    unless they name one themselves.
    """
    if not config.inventory and not any(a.inventory for a in config.accounts):
        return None
    from analyzer.inventory.loader import load_inventory
    from analyzer.inventory.model import Inventory

    inventory = load_inventory(list(config.inventory)) if config.inventory else Inventory()
    for account in config.accounts:
        if account.inventory:
            own = load_inventory(list(account.inventory))
            inventory.add(own.for_account(account.name))
            inventory.files.extend(f for f in own.files if f not in inventory.files)
    return inventory


def build_workspace(
    paths: Iterable[str], config: Config | None = None, inventory: Inventory | None = None
) -> Workspace:
    """Facts and graph without running any rule (``graph`` needs no diagnostics)."""
    config = config or Config()
    sources = discover(tuple(paths), config.exclude + config.extend_exclude)
    if inventory is None:
        inventory = build_inventory(config)
    return _workspace(run_frontends(sources, config.jobs), config, inventory)


def _workspace(files: list[FileFacts], config: Config, inventory: Inventory | None) -> Workspace:
    return Workspace(
        files,
        inventory=inventory,
        accounts=tuple((a.name, a.runbooks) for a in config.accounts),
        default_account=config.default_account,
    )


def check_files(
    files: list[FileFacts],
    rules: list[type[Rule]],
    config: Config,
    inventory: Inventory | None = None,
) -> AnalysisResult:
    """Run the rules over extracted facts (the language server enters here too)."""
    workspace = _workspace(files, config, inventory)
    context = RuleContext(workspace=workspace)
    diagnostics: list[Diagnostic] = []
    for rule_class in rules:
        rule = rule_class()
        diagnostics.extend(
            _guarded(rule, "", lambda rule=rule: rule.check_workspace(workspace, context))
        )
        if rule.scope == "workspace":
            continue
        for file in workspace.files:
            if rule.applies_to(file):
                diagnostics.extend(
                    _guarded(
                        rule, file.path, lambda rule=rule, file=file: rule.check_file(file, context)
                    )
                )
    known = load_rules(config.rules_dir)
    stages = filters.configured(config, workspace.files, rules, known)
    filtered = filters.run(diagnostics, stages)
    return AnalysisResult(
        workspace.files,
        workspace,
        _sorted_unique(filtered.shown),
        rules,
        tuple(filtered.hidden_counts()),
    )


def _guarded(rule: Rule, path: str, run: Callable[[], Iterable[Diagnostic]]) -> list[Diagnostic]:
    try:
        return list(run())
    except Exception as exc:  # one broken rule must not hide the others' findings
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return [
            Diagnostic(
                code="RB906",
                name="internal-error",
                severity="error",
                message=f"rule {rule.code} ({rule.name}) failed: {detail}",
                path=path,
                span=None,
                help="please report this; findings of other rules stand",
            )
        ]


def _sorted_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple] = set()
    out: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (
            diagnostic.code,
            diagnostic.path,
            diagnostic.span,
            diagnostic.logical,
            diagnostic.message,
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(diagnostic)
    return out
