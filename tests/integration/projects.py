"""Pulumi projects (folders with ``Pulumi.yaml``) of this repository, copied for a test to run as
directory programs: the stack config files that ``pulumi stack init`` and ``pulumi config set`` write
then go to the copy, never into the repository."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from .conftest import REPO

EXAMPLES = REPO / "examples"


def program_dir(project: Path) -> Path:
    """The folder of the program that ``project``'s Pulumi.yaml runs (its ``main``, else the project)."""
    settings = yaml.safe_load((project / "Pulumi.yaml").read_text())
    return (project / str(settings.get("main") or ".")).resolve()


def copy_project(project: Path, into: Path) -> Path:
    """Copy ``project``'s Pulumi.yaml and its program folder into ``into`` (same relative layout) and
    return ``into``. Each ``.venv`` there (the project's and the program folder's, as Pulumi resolves
    the ``virtualenv`` option against each) links to the environment running the tests, which has this
    package installed. Stack config files (``Pulumi.<stack>.yaml``) and caches are not copied.

    Raises:
        AssertionError: the tests do not run in a virtual environment.
    """
    assert sys.prefix != sys.base_prefix, "run the tests from a virtual environment (make test uses .venv)"
    into.mkdir(parents=True)
    shutil.copy2(project / "Pulumi.yaml", into / "Pulumi.yaml")
    program = into / program_dir(project).relative_to(project.resolve())
    ignore = shutil.ignore_patterns(".venv", "__pycache__", "Pulumi.*.yaml")
    shutil.copytree(program_dir(project), program, ignore=ignore, dirs_exist_ok=True)
    for folder in {into, program}:
        (folder / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    return into
