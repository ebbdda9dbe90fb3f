"""Focused Python extraction cases (the labelled corpus covers realistic files): which
calls reach ``automationassets``, when RB104's premise holds, and which attributes
provably hold a constant."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.frontends.python import extract


def lookups(source: str) -> list[tuple[str, frozenset[str]]]:
    """(callee, tags) of every asset reference."""
    facts = extract("runbook.py", textwrap.dedent(source))
    return [(r.callee, r.tags) for r in facts.refs]


def resolved(source: str) -> list[str | None]:
    """The resolved constant of every reference's name, in source order."""
    facts = extract("runbook.py", textwrap.dedent(source))
    return [r.name.resolved if r.name else None for r in facts.refs]


PLAIN: frozenset[str] = frozenset()
UNIMPORTED = frozenset({"unimported"})
BYPASSED = frozenset({"unimported", "module-imported"})


# ------------------------------------------------------------------ imports
@pytest.mark.parametrize(
    ("imports", "callee"),
    [
        ("from src import automationassets", "automationassets.get_automation_variable"),
        ("from system import automationassets as aa", "aa.get_automation_variable"),
        ("from . import automationassets", "automationassets.get_automation_variable"),
        ("from ..vendor import automationassets", "automationassets.get_automation_variable"),
        ("import lib.automationassets as aa", "aa.get_automation_variable"),
        ("import src.automationassets", "src.automationassets.get_automation_variable"),
        ("import a.b.automationassets", "a.b.automationassets.get_automation_variable"),
        ("from lib.automationassets import get_automation_variable", "get_automation_variable"),
        ("from .automationassets import get_automation_variable as gav", "gav"),
        ("from system.automationassets import *", "get_automation_variable"),
    ],
)
def test_the_module_inside_a_package_is_the_module(imports: str, callee: str) -> None:
    assert lookups(f'{imports}\nx = {callee}("Region")\n') == [(callee, PLAIN)]


@pytest.mark.parametrize(
    "source",
    [
        # someone else's module bound to the name
        'from src import assets as automationassets\nautomationassets.get_automation_variable("R")',
        'import local_emulator as automationassets\nautomationassets.get_automation_variable("R")',
        # a module merely named alike
        'import automation_assets\nautomation_assets.get_automation_variable("R")',
        "from lib import automationassets_client\n"
        'automationassets_client.get_automation_variable("R")',
        'import automationassets.extras\nautomationassets.get_automation_variable("R")',
        # the file's own binding of the name: a stub class, a parameter, a helper's import
        'class automationassets:\n    pass\nautomationassets.get_automation_variable("R")',
        'def run(automationassets):\n    return automationassets.get_automation_variable("R")',
        'from helpers import get_automation_variable\nget_automation_variable("R")',
        'get_automation_variable = lambda name: name\nget_automation_variable("R")',
        # a star import of another module may supply the name
        'from helpers import *\nget_automation_variable("R")',
        # the object is not the module
        'import src.automationassets\nsrc.get_automation_variable("R")',
    ],
)
def test_names_bound_by_the_file_are_not_lookups(source: str) -> None:
    assert lookups(source) == []


def test_try_import_with_a_local_stub_is_the_module() -> None:
    source = """
        try:
            import automationassets
        except ImportError:
            class automationassets(object):
                @staticmethod
                def get_automation_variable(name):
                    return name
        automationassets.get_automation_variable("Region")
    """
    assert lookups(source) == [("automationassets.get_automation_variable", PLAIN)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('get_automation_variable("R")', [("get_automation_variable", UNIMPORTED)]),
        (
            'automationassets.get_automation_variable("R")',
            [("automationassets.get_automation_variable", UNIMPORTED)],
        ),
        (
            'from system import automationassets\nget_automation_variable("R")',
            [("get_automation_variable", BYPASSED)],
        ),
        (
            'import src.automationassets\nautomationassets.get_automation_variable("R")',
            [("automationassets.get_automation_variable", BYPASSED)],
        ),
        (
            "from automationassets import get_automation_credential\n"
            'set_automation_variable("R", 1)',
            [("set_automation_variable", BYPASSED)],
        ),
    ],
)
def test_unimported_calls_say_whether_the_module_is_imported(
    source: str, expected: list[tuple[str, frozenset[str]]]
) -> None:
    assert lookups(source) == expected


# --------------------------------------------------------------- attributes
INSTANCE = """
    import automationassets

    class Job(object):
        def __init__(self):
            self.__KEY = "Region"

        def run(self):
            return automationassets.get_automation_variable(self.__KEY)
"""


def test_private_instance_attribute_assigned_once_resolves() -> None:
    assert resolved(INSTANCE) == ["Region"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ('        self.__KEY = "Other"\n', "assigned again in __init__"),
        ('    def reset(self):\n        self.__KEY = "Other"\n', "assigned in another method"),
        ("    def grow(self):\n        self.__KEY += 's'\n", "augmented"),
        ("    def load(self, name):\n        self.__KEY = name\n", "from a parameter"),
        ("    def swap(self):\n        self.__KEY, self.x = 'a', 'b'\n", "tuple target"),
        ("    def drop(self):\n        del self.__KEY\n", "deleted"),
        ("    def patch(self):\n        setattr(self, 'x', 1)\n", "setattr anywhere"),
        ("    def patch(self):\n        self.__dict__['x'] = 1\n", "__dict__ written"),
    ],
)
def test_any_other_write_defeats_the_attribute(change: str, why: str) -> None:
    source = textwrap.dedent(INSTANCE)
    if change.startswith("        "):
        source = source.replace('self.__KEY = "Region"\n', 'self.__KEY = "Region"\n' + change)
    else:
        source += "\n" + change
    assert resolved(source) == [None], why


def test_mangling_keeps_each_class_apart() -> None:
    source = """
        import automationassets

        class Base(object):
            def __init__(self):
                self.__KEY = "BaseRegion"

            def base(self):
                return automationassets.get_automation_variable(self.__KEY)

        class Child(Base):
            def __init__(self):
                Base.__init__(self)
                self.__KEY = "ChildRegion"

            def child(self):
                return automationassets.get_automation_variable(self.__KEY)
    """
    # Child has a base class: its public attributes could come from anywhere, but a
    # private one is its own.
    assert resolved(source) == ["BaseRegion", "ChildRegion"]


@pytest.mark.parametrize(
    "source",
    [
        # a public attribute of a class with a base class elsewhere
        """
        import automationassets
        from jobs import BaseJob
        class Job(BaseJob):
            def __init__(self):
                self.key = "Region"
            def run(self):
                return automationassets.get_automation_variable(self.key)
        """,
        # class body of a dataclass: a field with a default, not a constant
        """
        import automationassets
        from dataclasses import dataclass
        @dataclass
        class Settings:
            variable: str = "Region"
        automationassets.get_automation_variable(Settings.variable)
        """,
        # an Enum member is not its value
        """
        import automationassets
        from enum import Enum
        class Names(Enum):
            REGION = "Region"
        automationassets.get_automation_variable(Names.REGION)
        """,
        # a static method's first parameter is not the instance
        """
        import automationassets
        class Job(object):
            KEY = "Region"
            @staticmethod
            def run(self):
                return automationassets.get_automation_variable(self.KEY)
        """,
        # an unknown decorator may change what the first parameter is
        """
        import automationassets
        class Job(object):
            KEY = "Region"
            @retry(3)
            def run(self):
                return automationassets.get_automation_variable(self.KEY)
        """,
        # the receiver rebound
        """
        import automationassets
        class Job(object):
            KEY = "Region"
            def run(self, other):
                self = other
                return automationassets.get_automation_variable(self.KEY)
        """,
        # a method of the same name
        """
        import automationassets
        class Job(object):
            KEY = "Region"
            def KEY(self):
                return "x"
            def run(self):
                return automationassets.get_automation_variable(self.KEY)
        """,
        # an instance attribute is not on the class
        """
        import automationassets
        class Job(object):
            def __init__(self):
                self.key = "Region"
        automationassets.get_automation_variable(Job.key)
        """,
        # another object's attribute of the same name
        """
        import automationassets
        class Job(object):
            KEY = "Region"
            def run(self):
                return automationassets.get_automation_variable(self.KEY)
        job = Job()
        job.KEY = "Other"
        """,
        # the class name bound twice
        """
        import automationassets
        class Job(object):
            KEY = "Region"
        class Job(object):
            KEY = "Other"
        automationassets.get_automation_variable(Job.KEY)
        """,
        # not a class of this file
        """
        import automationassets
        from settings import Job
        automationassets.get_automation_variable(Job.KEY)
        """,
    ],
)
def test_unprovable_attributes_stay_unresolved(source: str) -> None:
    assert resolved(source) == [None]


def test_class_attributes_through_self_cls_and_the_class() -> None:
    source = """
        import automationassets
        class Job(object):
            KEY = "Region"

            def run(self):
                return automationassets.get_automation_variable(self.KEY)

            @classmethod
            def make(cls):
                return automationassets.get_automation_variable(cls.KEY)

            @property
            def region(self):
                return automationassets.get_automation_variable(self.KEY)

        automationassets.get_automation_variable(Job.KEY)
    """
    assert resolved(source) == ["Region"] * 4


def test_attribute_target_does_not_bind_a_local_name() -> None:
    """``obj.NAME = ...`` writes an attribute; the module constant NAME still holds."""
    source = """
        import automationassets
        NAME = "Region"

        def configure(obj):
            obj.NAME = 1
            return automationassets.get_automation_variable(NAME)
    """
    assert resolved(source) == ["Region"]


# -------------------------------------------------------------------- RB104
def _rb104(tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> list:
    (tmp_path / "runbook.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return analyze(["runbook.py"], Config(select=("RB104",), jobs=1)).diagnostics


def test_rb104_once_per_file_with_every_call_related(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
        get_automation_variable("A")
        get_automation_variable("B")
        set_automation_variable("C", 1)
        get_automation_credential("D")
        get_automation_connection("E")
        get_automation_certificate("F")
    """
    [finding] = _rb104(tmp_path, source, monkeypatch)
    assert finding.span.line == 2
    assert finding.message.startswith("automationassets is never imported; 6 calls raise")
    assert "get_automation_variable" in finding.message
    assert len(finding.message) <= 160
    assert [r.span.line for r in finding.related] == [3, 4, 5, 6, 7]
    assert finding.related[-1].message == "get_automation_certificate is called here too"


def test_rb104_module_imported_under_another_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = """
        import src.automationassets
        automationassets.get_automation_variable("A")
    """
    [finding] = _rb104(tmp_path, source, monkeypatch)
    assert "imported under another name" in finding.message
    assert finding.related == ()


def test_rb104_silent_on_package_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = """
        from system import automationassets
        import lib.automationassets as aa
        import src.automationassets
        automationassets.get_automation_variable("A")
        aa.get_automation_credential("B")
        src.automationassets.set_automation_variable("C", 1)
    """
    assert _rb104(tmp_path, source, monkeypatch) == []
