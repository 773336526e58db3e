"""Every example, run as users run it: a directory program (``pulumi up`` where its ``Pulumi.yaml`` is,
the Python language host running the program) against the emulator server, on a copy of its project:
``up``, then ``preview --expect-no-changes``, then ``destroy`` leaves nothing in the emulator. The
examples are found by listing ``examples/``: a new one is covered without editing this file, and one
that no project runs fails :func:`test_every_example_is_a_project`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import local_stack

from .conftest import REPO
from .projects import EXAMPLES, copy_project, program_dir

#: Examples of several projects whose stacks depend on each other, each run by a test of its own.
MULTI_PROJECT = {"composition": "test_composition.py"}


def example_projects() -> dict[str, Path]:
    """Example name -> the project that runs it: its own folder's Pulumi.yaml, or the repository root's
    when that points at the example (the quickstart)."""
    projects = {folder.name: folder for folder in EXAMPLES.iterdir() if (folder / "Pulumi.yaml").is_file()}
    root_program = program_dir(REPO)
    if root_program.parent == EXAMPLES.resolve():
        projects.setdefault(root_program.name, REPO)
    return dict(sorted(projects.items()))


PROJECTS = example_projects()


def test_every_example_is_a_project() -> None:
    """Each folder of examples/ is run below as a directory program, or by the test of a multi-project
    example (whose folders hold Pulumi.yaml files); the parametrized test must not run zero cases."""
    folders = {folder.name for folder in EXAMPLES.iterdir() if folder.is_dir() and not folder.name.startswith(".")}
    assert {"quickstart", "isv"} <= set(PROJECTS)
    assert folders - set(PROJECTS) - set(MULTI_PROJECT) == set(), "an example without a Pulumi.yaml"
    for name, test in MULTI_PROJECT.items():
        assert list((EXAMPLES / name).glob("*/Pulumi.yaml")), name
        assert (Path(__file__).parent / test).is_file(), test


@pytest.mark.parametrize("name", list(PROJECTS))
def test_every_example_runs_as_a_directory_program_and_destroy_leaves_nothing(
    name: str, tmp_path: Path, emulator: EmulatorProcess, pulumi_bin: Path
) -> None:
    project = copy_project(PROJECTS[name], tmp_path / "project")
    stack = local_stack("dev", root=tmp_path, work_dir=project, emulator_url=emulator.url, pulumi_bin=pulumi_bin)
    up = stack.up()
    assert up.summary.result == "succeeded"
    assert up.summary.resource_changes and up.summary.resource_changes["create"] >= 3
    assert emulator.admin("GET", "resources").json()  # the example created objects
    stack.preview(expect_no_changes=True)
    # destroy deletes in dependency order: a Conversation Configuration before the Intelligence
    # Configuration it attaches, that before the operators its rules run (else the emulator says 409)
    destroy = stack.destroy()
    assert destroy.summary.result == "succeeded"
    assert emulator.admin("GET", "resources").json() == {}
