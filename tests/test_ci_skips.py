"""The hook of ``tests/conftest.py`` that fails skipped tests under CI, run on a small suite of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SUITE = """
import pytest

@pytest.fixture
def missing_tool():
    pytest.skip("the tool is missing")

def test_skipped_in_the_body():
    pytest.skip("no document")

def test_skipped_by_a_fixture(missing_tool):
    pass

@pytest.mark.skipif(True, reason="a marker")
def test_skipped_by_a_marker():
    pass

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_expected_to_fail():
    assert False

def test_passing():
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """The small suite, run with ``runpytest_subprocess``: an in-process run shares CPython's AST state
    with threads earlier tests left behind (CPython gh-106905: "AST constructor recursion depth
    mismatch" on 3.11), and needs none of the installed plugins."""
    pytester.makeconftest("from tests.conftest import pytest_runtest_makereport  # noqa: F401")
    pytester.makepyfile(test_suite=SUITE)
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return pytester


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_under_ci_every_skip_is_a_failure_naming_its_reason(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    result = suite.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, errors=2, passed=1, xfailed=1)  # errors: skipped at set-up
    result.stdout.fnmatch_lines(["*skipped under CI, where every test must run: *no document*"])
    result.stdout.fnmatch_lines(["*skipped under CI, where every test must run: *the tool is missing*"])
    result.stdout.fnmatch_lines(["*skipped under CI, where every test must run: *a marker*"])


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_outside_ci_skips_stay_skips(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    suite.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(skipped=3, passed=1, xfailed=1)
