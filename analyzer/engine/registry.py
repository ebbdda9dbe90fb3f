"""Loading rules: the built-ins and a user's ``--rules-dir`` go through the same loader.

A rule directory is a folder of Python files; every :class:`Rule` subclass with a
``code`` defined in them is a rule. Built-ins are simply the directory of the
``analyzer.rules`` package, so a custom rule is a first-class citizen.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from analyzer.engine.filters import selector_matches
from analyzer.engine.rule import Rule

_CODE = re.compile(r"^[A-Z]{1,4}\d{3}$")


class RuleLoadError(Exception):
    """A rule directory or rule file is unusable (exit code 2)."""


def _module_name(directory: Path, file: Path, package: str | None) -> str:
    if package:
        return f"{package}.{file.stem}"
    tag = abs(hash(str(directory.resolve()))) % 10**8
    return f"runbook_analyzer_custom_{tag}.{file.stem}"


def load_rule_directory(directory: Path, package: str | None = None) -> list[type[Rule]]:
    """Import every ``*.py`` in ``directory`` and collect the rule classes it defines."""
    if not directory.is_dir():
        raise RuleLoadError(f"{directory}: rule directory does not exist")
    found: list[type[Rule]] = []
    for file in sorted(directory.glob("*.py")):
        if file.name.startswith("_"):
            continue
        name = _module_name(directory, file, package)
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, file)
            if spec is None or spec.loader is None:
                raise RuleLoadError(f"{file}: cannot be imported as a rule module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[name]
                raise RuleLoadError(f"{file}: failed to import: {exc}") from exc
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                if not _CODE.match(value.code):
                    raise RuleLoadError(
                        f"{file}: rule {value.__name__} has code {value.code!r}; "
                        "codes are 1-4 capital letters and three digits, e.g. RB101 or ACME001"
                    )
                found.append(value)
    return found


def builtin_rule_directory() -> Path:
    import analyzer.rules

    return Path(analyzer.rules.__file__).parent


def load_rules(extra_directories: tuple[str, ...] = ()) -> list[type[Rule]]:
    """All rule classes: built-ins first, then custom directories; codes must be unique."""
    rules = load_rule_directory(builtin_rule_directory(), "analyzer.rules")
    for directory in extra_directories:
        rules.extend(load_rule_directory(Path(directory)))
    seen: dict[str, type[Rule]] = {}
    names: dict[str, type[Rule]] = {}
    for rule in rules:
        if rule.code in seen and seen[rule.code] is not rule:
            raise RuleLoadError(
                f"rule code {rule.code} is defined twice ({seen[rule.code].__module__} and "
                f"{rule.__module__})"
            )
        if rule.name in names and names[rule.name] is not rule:
            raise RuleLoadError(f"rule name {rule.name} is defined twice")
        seen[rule.code] = rule
        names[rule.name] = rule
    return sorted(seen.values(), key=lambda r: r.code)


def select_rules(
    rules: list[type[Rule]],
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
) -> list[type[Rule]]:
    """Apply ``--select``/``--ignore``: codes, code prefixes (``RB1``) or rule names."""

    def matches(rule: type[Rule], selector: str) -> bool:
        return selector_matches(rule.code, rule.name, selector)

    for selector in (*select, *ignore):
        if not any(matches(rule, selector) for rule in rules):
            raise RuleLoadError(
                f"unknown rule selector {selector!r}; "
                "`runbook-analyzer rules` lists codes and names"
            )
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]
