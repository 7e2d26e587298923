"""Rules the test suite keeps so that a broken graphgrad fails it instead of being skipped."""
import ast
from pathlib import Path

TESTS = Path(__file__).parent


def own_modules_skipped_if_missing(source):
    """The graphgrad modules ``source`` imports through ``pytest.importorskip`` (a test of them would skip,
    not fail, when they break)."""
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    skips = [call for call in calls
             if getattr(call.func, "attr", getattr(call.func, "id", None)) == "importorskip" and call.args
             and isinstance(call.args[0], ast.Constant)]
    return [call.args[0].value for call in skips if str(call.args[0].value).split(".")[0] == "graphgrad"]


def test_the_check_finds_importorskip_of_graphgrad_only():
    source = ('import pytest\nfrom pytest import importorskip\nnn = pytest.importorskip("graphgrad.nn")\n'
              'def f():\n    importorskip("graphgrad")\n    pytest.importorskip("mkdocs")\n')
    assert own_modules_skipped_if_missing(source) == ["graphgrad.nn", "graphgrad"]


def test_no_test_imports_graphgrad_through_importorskip():
    found = {str(path.relative_to(TESTS)): modules for path in sorted(TESTS.rglob("*.py"))
             if (modules := own_modules_skipped_if_missing(path.read_text(encoding="utf-8")))}
    assert found == {}
