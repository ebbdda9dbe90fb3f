"""Configuration from ``.runbook-analyzer.toml`` or ``[tool.runbook-analyzer]`` in
``pyproject.toml``.

The closest file to the working directory wins (searching upwards), as with ruff; there is
no merging. Unknown keys, wrong types and unknown rule codes are errors that name the file
and the key: a typo in a CI gate's configuration must never silently disable a check.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.engine.filters import selector_matches

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")
CONFIG_FILE = ".runbook-analyzer.toml"


class ConfigError(Exception):
    """Invalid configuration (exit code 2)."""


@dataclass(frozen=True)
class AccountConfig:
    """One Automation account: which runbooks deploy to it and where its inventory is.

    Runbooks whose path matches one of ``runbooks`` (globs) are checked against this
    account's assets; declarations read from ``inventory`` belong to it unless they name
    an account themselves.
    """

    name: str
    runbooks: tuple[str, ...] = ()
    inventory: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    fail_on: str = "warning"
    #: Lowest severity shown (``--min-severity``/``--severity``); None shows everything.
    min_severity: str | None = None
    rules_dir: tuple[str, ...] = ()
    #: Rule code or name → severity that replaces the rule's default.
    severity: dict[str, str] = field(default_factory=dict)
    #: Glob → rule selectors ignored in matching files.
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    jobs: int | None = None
    #: Inventory files or folders of the default account (``--inventory``).
    inventory: tuple[str, ...] = ()
    accounts: tuple[AccountConfig, ...] = ()
    #: Account of runbooks no ``accounts`` entry claims (None: any account).
    default_account: str | None = None
    #: Baseline file (``--baseline``), resolved against the configuration file's folder.
    baseline: str | None = None
    source: str | None = None
    #: Settings that came from the command line, so errors can say where to look.
    from_command_line: frozenset[str] = frozenset()

    def with_overrides(self, **overrides: Any) -> Config:
        """CLI options replace configured values (``None`` means "not given")."""
        given = {k: v for k, v in overrides.items() if v is not None and v != ()}
        return replace(self, **given, from_command_line=frozenset(given))


_KEYS: dict[str, str] = {
    "select": "list",
    "ignore": "list",
    "exclude": "list",
    "extend-exclude": "list",
    "fail-on": "str",
    "min-severity": "str",
    "rules-dir": "list",
    "severity": "table",
    "per-file-ignores": "table",
    "jobs": "int",
    "inventory": "list",
    "accounts": "array-of-tables",
    "default-account": "str",
    "baseline": "str",
}
_ACCOUNT_KEYS = {"name": "str", "runbooks": "list", "inventory": "list"}


def find_config(start: Path) -> Path | None:
    """The closest ``.runbook-analyzer.toml`` or ``pyproject.toml`` with our table."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "runbook-analyzer" in data.get("tool", {}):
                return pyproject
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("runbook-analyzer", {})
        where = "[tool.runbook-analyzer]"
    else:
        table = data
        where = "the top level"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    values: dict[str, Any] = {}
    base = path.parent
    for key, value in table.items():
        expected = _KEYS.get(key)
        if expected is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key {key!r} in {where}; known keys: {known}")
        values[key] = _check_type(path, key, value, expected)
    fail_on = values.get("fail-on", "warning")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"{path}: fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    min_severity = values.get("min-severity")
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ConfigError(
            f"{path}: min-severity must be one of {', '.join(SEVERITIES)}, not {min_severity!r}"
        )
    severity = values.get("severity", {})
    for rule, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(
                f"{path}: severity.{rule} must be one of {', '.join(SEVERITIES)}, not {level!r}"
            )
    per_file: dict[str, tuple[str, ...]] = {}
    for pattern, codes in values.get("per-file-ignores", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{path}: per-file-ignores.{pattern!r} must be a list of rule codes")
        per_file[pattern] = tuple(codes)
    jobs = values.get("jobs")
    if jobs is not None and jobs < 1:
        raise ConfigError(f"{path}: jobs must be at least 1")
    accounts = tuple(_account(path, base, i, t) for i, t in enumerate(values.get("accounts", [])))
    names = [a.name.casefold() for a in accounts]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: accounts: an account name is listed twice")
    default_account = values.get("default-account")
    if default_account is not None and default_account.casefold() not in names:
        raise ConfigError(f"{path}: default-account {default_account!r} is not one of the accounts")
    return Config(
        select=tuple(values.get("select", ())),
        ignore=tuple(values.get("ignore", ())),
        exclude=tuple(values.get("exclude", ())),
        extend_exclude=tuple(values.get("extend-exclude", ())),
        fail_on=fail_on,
        min_severity=min_severity,
        rules_dir=tuple(str((base / d).resolve()) for d in values.get("rules-dir", ())),
        severity=dict(severity),
        per_file_ignores=per_file,
        jobs=jobs,
        inventory=tuple(str(base / p) for p in values.get("inventory", ())),
        accounts=accounts,
        default_account=default_account,
        baseline=str(base / values["baseline"]) if "baseline" in values else None,
        source=str(path),
    )


def _account(path: Path, base: Path, index: int, table: dict[str, Any]) -> AccountConfig:
    where = f"accounts[{index}]"
    for key, value in table.items():
        expected = _ACCOUNT_KEYS.get(key)
        if expected is None:
            raise ConfigError(
                f"{path}: unknown key {key!r} in {where}; known keys: "
                f"{', '.join(sorted(_ACCOUNT_KEYS))}"
            )
        _check_type(path, f"{where}.{key}", value, expected)
    if "name" not in table:
        raise ConfigError(f"{path}: {where} needs a name (the Automation account's name)")
    return AccountConfig(
        name=table["name"],
        runbooks=tuple(table.get("runbooks", ())),
        inventory=tuple(str(base / p) for p in table.get("inventory", ())),
    )


def _check_type(path: Path, key: str, value: Any, expected: str) -> Any:
    ok = {
        "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "str": isinstance(value, str),
        "table": isinstance(value, dict),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "array-of-tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
    }[expected]
    if not ok:
        kinds = {
            "list": "a list of strings",
            "str": "a string",
            "table": "a table",
            "int": "an integer",
            "array-of-tables": "an array of tables ([[...accounts]])",
        }
        raise ConfigError(f"{path}: {key} must be {kinds[expected]}")
    return value


def validate_rule_keys(config: Config, known_codes: set[str], known_names: set[str]) -> None:
    """Rule codes named in the configuration must exist (checked once rules are loaded)."""
    where = config.source or "configuration"

    def known(selector: str) -> bool:
        return any(selector_matches(code, "", selector) for code in known_codes) or (
            selector.strip().lower() in known_names
        )

    for section, selectors in (
        ("select", config.select),
        ("ignore", config.ignore),
        ("severity", tuple(config.severity)),
        *(("per-file-ignores", codes) for codes in config.per_file_ignores.values()),
    ):
        for selector in selectors:
            if known(selector):
                continue
            if section in config.from_command_line:
                raise ConfigError(
                    f"--{section}: unknown rule selector {selector!r}; "
                    "`runbook-analyzer rules` lists codes and names"
                )
            raise ConfigError(
                f"{where}: unknown rule {selector!r} in {section}; "
                "`runbook-analyzer rules` lists codes and names"
            )
