"""Command-line interface (click). A thin shell over :mod:`analyzer.api`.

Start-up cost matters in CI and pre-commit: this module imports only click and the
package version at load time. tree-sitter, networkx and the rules are imported inside the
commands that need them, so ``--version`` and ``--help`` parse nothing.

Exit codes (DESIGN §6): 0 nothing at or above ``--fail-on``; 1 findings; 2 usage,
configuration or internal error (an RB906 finding counts as internal error).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from analyzer import __version__

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.config import Config
    from analyzer.model.diagnostic import Diagnostic

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageProblem(click.ClickException):
    """A problem with what the user asked for; click prints it and exits 2."""

    exit_code = EXIT_ERROR

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"runbook-analyzer: error: {self.format_message()}", err=True)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def _load_config(config_file: str | None, isolated: bool, **overrides: Any) -> Config:
    from analyzer.config import ConfigError, find_config, load_config

    try:
        if isolated:
            config = load_config(None)
        elif config_file:
            config = load_config(Path(config_file))
        else:
            config = load_config(find_config(Path.cwd()))
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    return config.with_overrides(**overrides)


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"cannot write {output}: {exc.strerror or exc}") from None


def _analyze(paths: tuple[str, ...], config: Config):  # noqa: ANN202
    from analyzer.api import analyze
    from analyzer.config import ConfigError
    from analyzer.discovery import DiscoveryError
    from analyzer.engine.registry import RuleLoadError
    from analyzer.inventory.loader import InventoryPathError

    try:
        return analyze(paths or (".",), config)
    except InventoryPathError as exc:
        raise UsageProblem(_inventory_origin(exc, config)) from None
    except (ConfigError, DiscoveryError, RuleLoadError) as exc:
        raise UsageProblem(str(exc)) from None


def _inventory_origin(error: Exception, config: Config) -> str:
    """Name the missing inventory path where the user gave it: the option or the file."""
    path = getattr(error, "path", None)
    if "inventory" in config.from_command_line and path in config.inventory:
        return f"--inventory {error}"
    if config.source:
        return f"{config.source}: inventory path {error}"
    return str(error)


_common_options = [
    click.option(
        "--inventory",
        "-i",
        "inventory_paths",
        multiple=True,
        type=click.Path(),
        help="Inventory file or folder (ARM, Bicep, Terraform, exports; repeatable).",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="Configuration file to use instead of the closest one.",
    ),
    click.option("--isolated", is_flag=True, help="Ignore configuration files."),
    click.option(
        "--rules-dir",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Directory of custom rules (repeatable).",
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        help="Worker processes (default: CPUs available).",
    ),
    click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False),
        help="Write the report to FILE instead of standard output.",
    ),
]


def common_options(function: Any) -> Any:
    for option in reversed(_common_options):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="runbook-analyzer")
def main() -> None:
    """Static analysis of Azure Automation runbooks and DSC configurations.

    Finds every asset lookup and child-runbook call in PowerShell, PowerShell Workflow,
    DSC and Python runbooks, builds the dependency graph and reports problems.
    """


_FORMAT_ENV = "RUNBOOK_ANALYZER_FORMAT"


def _report_format(given: str | None) -> str:
    """``--format``, else ``RUNBOOK_ANALYZER_FORMAT``, else text (the option wins)."""
    from analyzer.reporters import FORMATS

    if given is not None:
        return given
    value = os.environ.get(_FORMAT_ENV, "").strip()
    if not value:
        return "text"
    if value.lower() not in FORMATS:
        raise UsageProblem(
            f"{_FORMAT_ENV}={value!r} is not a report format; use one of {', '.join(FORMATS)}"
        )
    return value.lower()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(
        ["text", "concise", "json", "sarif", "github", "azure", "gitlab", "junit"],
        case_sensitive=False,
    ),
    help=f"Report format (default: text, or ${_FORMAT_ENV}).",
)
@click.option(
    "--select",
    multiple=True,
    help="Rules to run: codes, prefixes or names, comma-separated (default: all).",
)
@click.option(
    "--ignore", multiple=True, help="Rules to skip: codes, prefixes or names, comma-separated."
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    help="Lowest severity that makes the exit code 1 (default: warning).",
)
@click.option(
    "--min-severity",
    "--severity",
    "min_severity",
    type=click.Choice(["error", "warning", "info"]),
    help="Show only findings at or above this severity (default: info, i.e. all); "
    "the summary and exit code count only what is shown.",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when there are findings (2 still means an error).",
)
@click.option("--no-source", is_flag=True, help="Do not show source lines under text findings.")
@click.option(
    "--statistics", is_flag=True, help="Print counts per rule (most frequent first) instead."
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Hide the findings recorded in this baseline file; report entries that no longer match.",
)
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Write the current findings to the --baseline file (replacing it) and exit.",
)
@click.option(
    "--prune-baseline",
    is_flag=True,
    help="Remove the entries of the --baseline file that no longer match, add nothing, and exit.",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Report only findings in files changed since git REF (the whole tree is still read).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; write nothing.")
@click.option(
    "--add-ignores",
    is_flag=True,
    help="Write an inline suppression for every current finding and exit.",
)
@common_options
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    min_severity: str | None,
    exit_zero: bool,
    no_source: bool,
    statistics: bool,
    baseline_file: str | None,
    write_baseline: bool,
    prune_baseline: bool,
    changed_since: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    add_ignores: bool,
    inventory_paths: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
    rules_dir: tuple[str, ...],
    jobs: int | None,
    output: str | None,
) -> NoReturn:
    """Check runbooks under PATHS (default: the current directory)."""
    report_format = _report_format(output_format and output_format.lower())
    _exclusive(
        ("--fix", fix),
        ("--diff", diff),
        ("--add-ignores", add_ignores),
        ("--write-baseline", write_baseline),
        ("--prune-baseline", prune_baseline),
    )
    if unsafe_fixes and not (fix or diff):
        raise UsageProblem("--unsafe-fixes goes with --fix or --diff")
    config = _load_config(
        config_file,
        isolated,
        select=_split(select),
        ignore=_split(ignore),
        fail_on=fail_on,
        min_severity=min_severity,
        rules_dir=tuple(str(Path(d).resolve()) for d in rules_dir),
        jobs=jobs,
        inventory=inventory_paths,
        baseline=baseline_file,
    )
    baseline_file = config.baseline
    if (write_baseline or prune_baseline) and not baseline_file:
        raise UsageProblem(
            "--write-baseline and --prune-baseline need --baseline FILE "
            "(or `baseline` in the configuration)"
        )
    targets = paths or (".",)
    changed = _changed_files(changed_since)  # a bad REF fails before the analysis
    result = _analyze(targets, config)
    if write_baseline or prune_baseline:
        _update_baseline(result, config, baseline_file, prune=prune_baseline)
    from analyzer.engine import filters

    baseline = _load_baseline(baseline_file)

    def report_view(result: AnalysisResult) -> filters.Filtered:
        """What this run shows: --add-ignores and fixes act on exactly that."""
        stages = filters.for_report(config, result, baseline=baseline, changed=changed)
        return filters.run(result.diagnostics, stages)

    filtered = report_view(result)
    if add_ignores:
        _add_ignores(result, filtered.shown)
    if diff:
        _show_diff(result, filtered.shown, unsafe_fixes, output)
    fixed = 0
    if fix:
        fixed = _apply_fixes(result, filtered.shown, unsafe_fixes)
        if fixed:
            result = _analyze(targets, config)
            filtered = report_view(result)
    diagnostics = filtered.shown
    status = _exit_status(diagnostics, config, exit_zero)
    hidden = [*result.hidden, *filtered.hidden_counts()]
    if fixed:
        hidden = [("fixed", fixed), *hidden]
    if statistics:
        from analyzer.reporters.statistics import render_statistics

        text = render_statistics(diagnostics, report_format)
    else:
        from analyzer.reporters import renderer

        render = renderer(report_format)
        text = render(
            result, diagnostics, show_source=not no_source, hidden=hidden, exit_code=status
        )
    _write(text, output)
    if report_format != "text" or statistics:
        _note_hidden(hidden)
    sys.exit(status)


def _note_hidden(hidden: list[tuple[str, int]]) -> None:
    """Machine formats have no summary line; say on stderr what they leave out, so that
    "12 findings hidden by the baseline" stays visible in a CI log."""
    from analyzer.reporters.common import plural

    parts = [f"{plural(count, 'finding')} {what}" for what, count in hidden if count]
    if parts:
        click.echo(f"runbook-analyzer: not shown: {', '.join(parts)}", err=True)


def _exclusive(*flags: tuple[str, bool]) -> None:
    given = [name for name, on in flags if on]
    if len(given) > 1:
        raise UsageProblem(f"{' and '.join(given)} cannot be used together")


def _exit_status(diagnostics: list, config: Config, exit_zero: bool) -> int:
    from analyzer.model.diagnostic import SEVERITY_RANK

    if any(d.code == "RB906" for d in diagnostics):
        return EXIT_ERROR
    if exit_zero or config.fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[config.fail_on]
    failing = any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK


def _load_baseline(baseline_file: str | None):  # noqa: ANN202
    if baseline_file is None:
        return None
    from analyzer.engine.baseline import Baseline, BaselineError

    try:
        return Baseline.load(Path(baseline_file))
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None


def _update_baseline(result, config: Config, baseline_file: str | None, prune: bool) -> NoReturn:  # noqa: ANN001
    from analyzer.engine.baseline import BaselineError, prune_baseline, write_baseline
    from analyzer.reporters.common import plural

    assert baseline_file is not None
    path = Path(baseline_file)
    try:
        if prune:
            kept, removed = prune_baseline(path, result)
            click.echo(
                f"pruned {baseline_file}: removed {plural(removed, 'finding')} that no longer "
                f"match, kept {kept} {'entry' if kept == 1 else 'entries'}",
                err=True,
            )
        else:
            written = write_baseline(path, result)
            click.echo(f"wrote {plural(written, 'finding')} to {baseline_file}", err=True)
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    sys.exit(EXIT_OK)


def _changed_files(ref: str | None):  # noqa: ANN202
    if ref is None:
        return None
    from analyzer.engine.changes import ChangesError, changed_files

    try:
        changed = changed_files(ref, Path.cwd())
    except ChangesError as exc:
        raise UsageProblem(f"--changed-since {ref}: {exc}") from None
    if changed.note:
        click.echo(f"runbook-analyzer: --changed-since {ref}: {changed.note}", err=True)
    return changed


def _add_ignores(result: AnalysisResult, shown: list[Diagnostic]) -> NoReturn:
    from analyzer.engine.add_ignores import add_ignores

    outcome = add_ignores(result, shown)
    for problem in outcome.problems:
        click.echo(f"runbook-analyzer: {problem}", err=True)
    click.echo(outcome.summary(), err=True)
    sys.exit(EXIT_ERROR if outcome.failed else EXIT_OK)


def _show_diff(
    result: AnalysisResult, shown: list[Diagnostic], unsafe: bool, output: str | None
) -> NoReturn:
    from analyzer.engine.fixes import plan_fixes

    plan = plan_fixes(result, shown, unsafe=unsafe)
    _write(plan.diff(), output)
    for problem in plan.problems:
        click.echo(f"runbook-analyzer: {problem}", err=True)
    click.echo(plan.summary(), err=True)
    sys.exit(EXIT_FINDINGS if plan.changes else EXIT_OK)


def _apply_fixes(result: AnalysisResult, shown: list[Diagnostic], unsafe: bool) -> int:
    from analyzer.engine.fixes import plan_fixes

    plan = plan_fixes(result, shown, unsafe=unsafe)
    written = plan.write()
    for problem in [*plan.problems, *written.problems]:
        click.echo(f"runbook-analyzer: {problem}", err=True)
    return written.fixed


def _graph_formats() -> tuple[str, ...]:
    from analyzer.reporters.dependency import FORMATS

    return FORMATS


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(_graph_formats()),
    help="Graph format (default: json; text with --diff).",
)
@click.option(
    "--impact",
    metavar="KIND:NAME",
    help="Only what depends on this asset or runbook, transitively through child calls "
    "(KIND: runbook, connection, variable, credential or certificate).",
)
@click.option(
    "--uses", "uses_runbook", metavar="RUNBOOK", help="Only what RUNBOOK needs, transitively."
)
@click.option("--unused", is_flag=True, help="Only the declared assets no runbook uses.")
@click.option("--cycles", is_flag=True, help="Only the runbooks that call each other in cycles.")
@click.option(
    "--diff",
    "diff_file",
    metavar="OLD.json",
    type=click.Path(dir_okay=False),
    help="Compare with a report saved by `graph --format json` (formats text, markdown, json).",
)
@common_options
def graph(
    paths: tuple[str, ...],
    output_format: str | None,
    impact: str | None,
    uses_runbook: str | None,
    unused: bool,
    cycles: bool,
    diff_file: str | None,
    inventory_paths: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
    rules_dir: tuple[str, ...],
    jobs: int | None,
    output: str | None,
) -> None:
    """Print the dependency report: runbooks, assets, references, calls and the graph.

    A query (--impact, --uses, --unused, --cycles) cuts the report down to its answer, in
    any format; --diff compares it with a saved one.
    """
    from analyzer.reporters.dependency import dependency_report

    _exclusive(
        ("--impact", impact is not None),
        ("--uses", uses_runbook is not None),
        ("--unused", unused),
        ("--cycles", cycles),
        ("--diff", diff_file is not None),
    )
    output_format = output_format or ("text" if diff_file else "json")
    old = _graph_diff_base(diff_file, output_format) if diff_file else None
    render = None if diff_file else _graph_renderer(output_format)
    config = _load_config(
        config_file,
        isolated,
        jobs=jobs,
        inventory=inventory_paths,
        rules_dir=tuple(str(Path(d).resolve()) for d in rules_dir),
    )
    with_findings = render is not None and output_format in ("html", "markdown")
    workspace, findings = _graph_workspace(paths or (".",), config, with_findings)
    report = dependency_report(workspace)
    if old is not None:
        from analyzer.reporters.dependency import diff

        _write(diff.render(diff.diff_reports(old, report), output_format), output)
        return
    node_ids = _graph_query(workspace.graph, impact, uses_runbook, unused, cycles)
    if findings is not None:
        report["findings"] = findings
    if node_ids is not None:
        from analyzer.graph.queries import subgraph

        report = subgraph(report, node_ids)
    assert render is not None
    _write(render(report), output)


def _graph_renderer(output_format: str):  # noqa: ANN202
    """The format's render function; a format whose module is not installed is a usage
    error naming those that are."""
    import importlib.util

    from analyzer.reporters.dependency import FORMATS, renderer

    module = f"analyzer.reporters.dependency.{output_format}_report"
    try:
        return renderer(output_format)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
    available = [
        name
        for name in FORMATS
        if importlib.util.find_spec(f"analyzer.reporters.dependency.{name}_report") is not None
    ]
    raise UsageProblem(
        f"graph format {output_format!r} is not available in this installation; "
        f"use one of {', '.join(available)}"
    )


def _graph_diff_base(diff_file: str, output_format: str) -> dict[str, Any]:
    from analyzer.reporters.dependency.diff import DIFF_FORMATS, ReportError, load_report

    if output_format not in DIFF_FORMATS:
        raise UsageProblem(
            f"--diff prints {', '.join(DIFF_FORMATS)}, not {output_format!r}; "
            "choose one with --format"
        )
    try:
        return load_report(diff_file)
    except ReportError as exc:
        raise UsageProblem(f"--diff {exc}") from None


def _graph_workspace(paths: tuple[str, ...], config: Config, with_findings: bool):  # noqa: ANN202
    """The workspace (each file parsed once) and, when the format shows them, the shown
    findings as ``json_report.diagnostic_dict`` dicts (else None)."""
    from analyzer.api import build_workspace, check_files, resolve_rules
    from analyzer.config import ConfigError
    from analyzer.discovery import DiscoveryError
    from analyzer.engine.registry import RuleLoadError
    from analyzer.inventory.loader import InventoryPathError

    try:
        rules = resolve_rules(config) if with_findings else []
        workspace = build_workspace(paths, config)
        if not with_findings:
            return workspace, None
        result = check_files(workspace.files, rules, config, workspace.inventory)
    except InventoryPathError as exc:
        raise UsageProblem(_inventory_origin(exc, config)) from None
    except (ConfigError, DiscoveryError, RuleLoadError) as exc:
        raise UsageProblem(str(exc)) from None
    from analyzer.reporters.json_report import diagnostic_dict

    return result.workspace, [diagnostic_dict(d) for d in result.diagnostics]


def _graph_query(  # noqa: ANN202
    graph: Any, impact: str | None, uses_runbook: str | None, unused: bool, cycles: bool
):
    """The node ids a query keeps, or None without a query."""
    from analyzer.graph import queries

    if impact is not None:
        kind, sep, name = impact.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in queries.QUERY_KINDS or not name.strip():
            raise UsageProblem(
                f"--impact {impact!r}: write KIND:NAME with KIND one of "
                f"{', '.join(queries.QUERY_KINDS)} (e.g. connection:AzureRunAsConnection)"
            )
        node = _graph_node(graph, kind, name.strip(), "--impact")
        return [node, *queries.impact(graph, node)]
    if uses_runbook is not None:
        node = _graph_node(graph, "runbook", uses_runbook.strip(), "--uses")
        return [node, *queries.uses(graph, node)]
    if unused:
        return queries.unused(graph)
    if cycles:
        return sorted({node for cycle in queries.cycles(graph) for node in cycle})
    return None


def _graph_node(graph: Any, kind: str, name: str, option: str) -> str:
    """The node a query names; an unknown name is a usage error offering the closest."""
    from analyzer.graph import queries
    from analyzer.rules._helpers import closest, quoted_list

    node = queries.find_node(graph, kind, name)
    if node is not None:
        return node
    message = f'{option}: no {kind} "{name}" in the dependency graph'
    others = [k for k in queries.QUERY_KINDS if k != kind and queries.find_node(graph, k, name)]
    near = closest(name, queries.names_of_kind(graph, kind))
    if others:
        message += f"; there is a {others[0]} of that name ({others[0]}:{name})"
    elif near:
        message += f"; did you mean {quoted_list(near)}?"
    else:
        message += f"; `runbook-analyzer graph --format text` lists the {kind}s"
    raise UsageProblem(message)


@main.command(name="rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--rules-dir",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also list custom rules from DIR.",
)
def list_rules(output_format: str, rules_dir: tuple[str, ...]) -> None:
    """List every rule: code, name, default severity and summary."""
    from analyzer.engine.registry import RuleLoadError, load_rules

    try:
        rules = load_rules(tuple(rules_dir))
    except RuleLoadError as exc:
        raise UsageProblem(str(exc)) from None
    if output_format == "json":
        import json

        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "scope": r.scope,
                "languages": list(r.languages),
                "tags": list(r.tags),
                "since": r.since,
                "fix": r.fix,
                "summary": r.summary(),
            }
            for r in rules
        ]
        click.echo(json.dumps(data, indent=2))
        return
    if output_format == "markdown":
        from analyzer.engine.docs import rules_table

        click.echo(rules_table(rules), nl=False)
        return
    width = max(len(r.name) for r in rules)
    for rule in rules:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary()}")


@main.command()
@click.argument("rule")
@click.option(
    "--rules-dir",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also search custom rules from DIR.",
)
def explain(rule: str, rules_dir: tuple[str, ...]) -> None:
    """Show the documentation of RULE (a code such as RB101, or a rule name)."""
    from analyzer.engine.docs import for_users
    from analyzer.engine.registry import RuleLoadError, load_rules

    try:
        rules = load_rules(tuple(rules_dir))
    except RuleLoadError as exc:
        raise UsageProblem(str(exc)) from None
    wanted = rule.strip()
    for candidate in rules:
        if candidate.code == wanted.upper() or candidate.name == wanted.lower():
            header = f"{candidate.code} {candidate.name} (default severity: {candidate.severity})"
            click.echo(f"{header}\n{'=' * len(header)}\n\n{for_users(candidate)}")
            return
    raise UsageProblem(f"unknown rule {rule!r}; `runbook-analyzer rules` lists codes and names")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE.")
def dump(file: str, output_format: str, output: str | None) -> None:
    """Print a decoded .graphrunbook export: parameters, activities, bindings, code, links."""
    from analyzer.frontends.graphical_model import GraphRunbookError, load_model
    from analyzer.reporters.dump import dump_json, dump_text

    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise UsageProblem(f"{file}: cannot read: {exc.strerror or exc}") from None
    try:
        model = load_model(data)
    except GraphRunbookError as exc:
        raise UsageProblem(f"{file}: {exc}") from None
    _write(dump_json(model) if output_format == "json" else dump_text(model), output)


@main.command(name="inventory")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "inventory"]),
    default="text",
    show_default=True,
    help="text/json: what was understood; inventory: our canonical inventory file.",
)
@click.option("--account", help="Account name to write into an inventory file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE.")
def inventory_command(
    paths: tuple[str, ...], output_format: str, account: str | None, output: str | None
) -> None:
    """Show the assets declared in inventory files (ARM, Bicep, Terraform, exports, …)."""
    import json

    from analyzer.inventory.loader import InventoryPathError, load_inventory
    from analyzer.reporters.inventory_report import inventory_json, inventory_text

    try:
        inventory = load_inventory(list(paths))
    except InventoryPathError as exc:
        raise UsageProblem(str(exc)) from None
    if output_format == "inventory":
        from analyzer.inventory.canonical import to_canonical

        text = json.dumps(to_canonical(inventory, account), indent=2, ensure_ascii=False) + "\n"
    elif output_format == "json":
        text = inventory_json(inventory)
    else:
        text = inventory_text(inventory)
    _write(text, output)


def run() -> None:
    """Entry point that turns unexpected exceptions into exit code 2 with a clear message."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("runbook-analyzer: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - last resort
        click.echo(
            f"runbook-analyzer: internal error: {type(exc).__name__}: {exc}\n"
            "please report this with the command line and the files involved",
            err=True,
        )
        sys.exit(EXIT_ERROR)
