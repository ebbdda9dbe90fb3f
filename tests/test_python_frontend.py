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


# ------------------------------------------------------- wrapper functions
def refs_of(source: str) -> list[tuple[int, str | None, str | None, str | None, frozenset[str]]]:
    """(line, literal, expression, origin, tags) of every reference, in list order."""
    facts = extract("runbook.py", textwrap.dedent(source))
    return [
        (r.span.line, r.name.literal, r.name.expression, r.name.origin, r.tags)
        for r in facts.refs
        if r.name is not None
    ]


INNER = frozenset({"resolved-at-calls"})
AT_CALL = frozenset({"through-function"})


def test_a_wrapper_lookup_is_one_lookup_per_call() -> None:
    source = """
        import automationassets

        def setting(name, default=None):
            try:
                return automationassets.get_automation_variable(name)
            except Exception:
                return default

        region = setting("Region")
        size = setting(name="VmSize", default="Standard_B2s")
    """
    facts = extract("runbook.py", textwrap.dedent(source))
    inner, first, second = facts.refs
    assert (inner.span.line, inner.name.expression, inner.name.origin, inner.tags) == (
        6,
        "name",
        "function-parameter",
        INNER,
    )
    assert [(r.span.line, r.name.literal, r.tags) for r in (first, second)] == [
        (10, "Region", AT_CALL),
        (11, "VmSize", AT_CALL),
    ]
    assert (first.callee, first.kind, first.operation) == (inner.callee, "variable", "get")
    # the finding's caret goes under the name the call passes; the lookup spans the call
    assert (first.name.span.line, first.name.span.column) == (10, 19)
    assert (first.span.column, first.span.end_column) == (10, 27)


def test_a_call_without_the_argument_looks_up_the_literal_default() -> None:
    source = """
        import automationassets

        def connect(connection_name="OpsConnection"):
            return automationassets.get_automation_connection(connection_name)

        conn = connect()
    """
    facts = extract("runbook.py", textwrap.dedent(source))
    assert [(r.span.line, r.name.literal, r.tags) for r in facts.refs] == [
        (5, None, INNER),
        (7, "OpsConnection", AT_CALL),
    ]
    at_call = facts.refs[1].name.span
    assert (at_call.line, at_call.column, at_call.end_column) == (7, 8, 15)  # ``connect``


def test_a_dynamic_argument_is_a_dynamic_lookup_at_the_call() -> None:
    source = """
        import automationassets
        PREFIX = "Ops"

        def setting(name):
            return automationassets.get_automation_variable(name)

        for key in setting("ReportVariables").split(","):
            setting(key)
        setting(PREFIX + "-Region")
    """
    facts = extract("runbook.py", textwrap.dedent(source))
    at_calls = [
        (r.span.line, r.name.literal, r.name.expression, r.name.resolved) for r in facts.refs
    ]
    assert at_calls == [
        (6, None, "name", None),
        (8, "ReportVariables", None, None),
        (9, None, "key", None),
        (10, None, 'PREFIX + "-Region"', "Ops-Region"),
    ]


@pytest.mark.parametrize(
    ("calls", "why"),
    [
        ("setting(*sys.argv[1:])", "a *args call"),
        ("setting(**options)", "a **kwargs call"),
        ('setting("A")\nsetting()', "no argument and no default"),
        ('setting("A", "B", "C")', "more arguments than parameters"),
        ('setting(nmae="A")', "a keyword the function does not take"),
        ('setting("A")\nnames = list(map(setting, ["B", "C"]))', "passed as a value"),
        ('setting("A")\nsetting = functools.lru_cache()(setting)', "bound again"),
    ],
)
def test_a_call_the_binding_cannot_decide_leaves_the_lookup_as_it_is(calls: str, why: str) -> None:
    source = (
        "import functools, sys\nimport automationassets\n\n"
        "def setting(name, required=True):\n"
        "    return automationassets.get_automation_variable(name)\n\n" + calls + "\n"
    )
    # calls exist, so "no call in this file passes it" would be wrong: no origin
    assert refs_of(source) == [(5, None, "name", None, PLAIN)], why


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('automationassets.get_automation_variable(f"{name}-Region")', "an f-string"),
        ("automationassets.get_automation_variable(name.strip())", "a call on it"),
        ("name = name.upper()\n    automationassets.get_automation_variable(name)", "re-bound"),
        (
            "return [automationassets.get_automation_variable(name) for name in NAMES]",
            "a comprehension's own name",
        ),
        ("f = lambda name: automationassets.get_automation_variable(name)", "a lambda's own"),
    ],
)
def test_only_the_bare_parameter_is_decided_by_the_callers(body: str, why: str) -> None:
    source = f"import automationassets\n\ndef setting(name):\n    {body}\n\nsetting('Ops')\n"
    [(_line, literal, _expression, origin, tags)] = refs_of(source)
    assert (literal, origin, tags) == (None, None, PLAIN), why


def test_a_wrapper_no_call_passes_is_decided_by_its_callers() -> None:
    """Calls inside the function itself (recursion) are not the callers."""
    source = """
        import automationassets

        def get_service_principal(connection_name, retries=3):
            try:
                return automationassets.get_automation_connection(connection_name)
            except Exception:
                if retries:
                    return get_service_principal(connection_name, retries - 1)
                raise
    """
    assert refs_of(source) == [(6, None, "connection_name", "function-parameter", PLAIN)]


def test_methods_through_their_receiver_class_or_instance() -> None:
    source = """
        import automationassets as aa

        class Runbook(object):
            def __init__(self):
                self.region = self.setting("Region")

            def setting(self, name):
                return aa.get_automation_variable(name)

            @classmethod
            def credential(cls, name):
                return aa.get_automation_credential(name)

            @staticmethod
            def connection(name):
                return aa.get_automation_connection(name)

            def __secret(self, name):
                return aa.get_automation_credential(name)

            def run(self):
                user = cls_user = self.credential("SqlAdmin")
                conn = self.connection("SqlOps") or Runbook.connection("SqlOpsDr")
                return self.__secret("SmtpRelay"), user, cls_user, conn

        runbook = Runbook()
        runbook.setting("Subscription")
        Runbook.credential("Reader")
        Runbook().setting("Tier")
    """
    found = [(line, literal) for line, literal, _e, _o, tags in refs_of(source) if tags == AT_CALL]
    assert sorted(found) == [
        (6, "Region"),
        (23, "SqlAdmin"),
        (24, "SqlOps"),
        (24, "SqlOpsDr"),
        (25, "SmtpRelay"),
        (28, "Subscription"),
        (29, "Reader"),
        (30, "Tier"),
    ]
    assert [t for _l, _n, _e, _o, t in refs_of(source)][:4] == [INNER] * 4


@pytest.mark.parametrize(
    ("call", "why"),
    [
        ('store.setting("X")', "an object not provably of the class"),
        ('super(Job, job).setting("X")', "through super()"),
        ('handler = job.setting\nhandler("X")', "the bound method as a value"),
        ('job.setting = print\njob.setting("X")', "assigned on the instance"),
    ],
)
def test_a_method_call_through_an_unknown_object_leaves_the_lookup(call: str, why: str) -> None:
    source = (
        "import automationassets\n\nclass Job:\n    def setting(self, name):\n"
        "        return automationassets.get_automation_variable(name)\n\n"
        'job = Job()\njob.setting("Region")\n' + call + "\n"
    )
    assert refs_of(source) == [(5, None, "name", None, PLAIN)], why


def test_a_method_of_another_class_with_the_same_name_is_not_a_call() -> None:
    source = """
        import automationassets

        class Job:
            def setting(self, name):
                return automationassets.get_automation_variable(name)

        class Cache:
            def setting(self, name):
                return name

        Job().setting("Region")
        Cache().setting("not an asset")
    """
    assert [(line, literal) for line, literal, *_ in refs_of(source)] == [(6, None), (12, "Region")]


def test_a_wrapper_of_a_wrapper_is_resolved_at_the_outer_calls() -> None:
    source = """
        import automationassets

        def setting(name):
            return automationassets.get_automation_variable(name)

        def secret_setting(name):
            return setting(name)

        def unused(key):
            return setting(key)

        secret_setting("SmtpPassword")
    """
    assert refs_of(source) == [
        (5, None, "name", "function-parameter", INNER),
        (8, None, "name", "function-parameter", INNER | AT_CALL),
        (11, None, "key", "function-parameter", AT_CALL),  # RB101 info: nobody calls unused
        (13, "SmtpPassword", None, None, AT_CALL),
    ]


def test_mutual_recursion_adds_one_lookup_per_outside_call() -> None:
    source = """
        import automationassets

        def read(name, fallback=True):
            value = automationassets.get_automation_variable(name)
            return value if value or not fallback else read_default(name)

        def read_default(name):
            return read(name, fallback=False)

        read("Region")
    """
    at_calls = [
        (line, literal)
        for line, literal, _e, _o, tags in refs_of(source)
        if "through-function" in tags
    ]
    assert at_calls == [(9, None), (11, "Region")]
    assert all(
        "resolved-at-calls" in tags for line, _l, _e, _o, tags in refs_of(source) if line != 11
    )


def test_a_splatted_call_passes_no_known_connection() -> None:
    """The connection parameter rule binds calls as Python does: ``*args`` may pass
    anything, so fields read from the parameter are no fields of the lookup."""
    source = """
        import automationassets

        def tenant(conn):
            return conn["TenantId"]

        c = automationassets.get_automation_connection("Ops")
        tenant(c)
        tenant(*others)
    """
    assert extract("runbook.py", textwrap.dedent(source)).field_uses == []
    assert extract("runbook.py", textwrap.dedent(source).replace("tenant(*others)", "")).field_uses


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
