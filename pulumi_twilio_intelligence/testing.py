"""Run Pulumi programs against the emulator with the real Pulumi engine (Automation API).

For your own stacks' tests, and for this project's demo and integration tests::

    with EmulatorProcess() as emulator:
        stack = local_stack("dev", project_name="my-app", program=my_program,
                            root=tmp_path, emulator_url=emulator.url)
        stack.up()

Everything stays on this machine: a file backend under ``root``, an empty secrets passphrase, no
update checks and no plugin downloads. The Pulumi CLI is taken from ``pulumi_root`` (a directory
with ``bin/pulumi``), else ``PULUMI_ROOT``, else ``pulumi`` on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from .config import BASE_URL_SETTINGS, SOURCES
from .emulator.accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN

#: The stack config keys of the base URLs (Intelligence, Conversations, Memory, Knowledge).
BASE_URL_KEYS = tuple(SOURCES[name][0] for name in BASE_URL_SETTINGS)


def find_pulumi_root(pulumi_root: str | os.PathLike[str] | None = None) -> Path | None:
    """The directory whose ``bin/`` holds the Pulumi CLI, or ``None`` for ``pulumi`` on PATH."""
    if pulumi_root:
        return Path(pulumi_root)
    if os.environ.get("PULUMI_ROOT"):
        return Path(os.environ["PULUMI_ROOT"])
    found = shutil.which("pulumi")
    return Path(found).resolve().parent.parent if found else None


def has_language_host(pulumi_root: Path | None) -> bool:
    """Whether directory programs can run (the Python language host sits beside ``pulumi``)."""
    if pulumi_root is not None and (pulumi_root / "bin" / "pulumi-language-python").exists():
        return True
    return shutil.which("pulumi-language-python") is not None


def engine_env(
    root: Path,
    *,
    emulator_url: str | None = None,
    python: str = sys.executable,
    pulumi_root: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment variables for an offline Pulumi engine whose state lives under ``root``.

    The provider process runs ``python`` (it must have this package installed); with
    ``emulator_url`` every Twilio base URL (Intelligence, Conversations, Memory, Knowledge) points at
    the emulator.
    """
    (root / "state").mkdir(parents=True, exist_ok=True)
    (root / "pulumi-home").mkdir(parents=True, exist_ok=True)
    path = [str(Path(python).parent)]
    if pulumi_root is not None:
        path.append(str(pulumi_root / "bin"))
    env = {
        "PULUMI_BACKEND_URL": f"file://{(root / 'state').resolve()}",
        "PULUMI_CONFIG_PASSPHRASE": "",
        "PULUMI_HOME": str((root / "pulumi-home").resolve()),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_PYTHON_CMD": python,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PATH": os.pathsep.join([*path, os.environ.get("PATH", "")]),
    }
    if emulator_url:
        for name in BASE_URL_SETTINGS:
            env[SOURCES[name][1]] = emulator_url
    env.update(extra or {})
    return env


def load_program(path: str | os.PathLike[str], name: str = "program") -> Callable[[], None]:
    """The function ``name`` of a Pulumi program file (e.g. ``examples/quickstart/__main__.py``)."""
    spec = importlib.util.spec_from_file_location(f"_pulumi_program_{abs(hash(str(path)))}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load a program from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    program: Callable[[], None] = getattr(module, name)
    return program


def local_stack(
    stack_name: str,
    *,
    project_name: str,
    root: Path,
    program: Callable[[], None] | None = None,
    work_dir: Path | None = None,
    emulator_url: str | None = None,
    pulumi_root: str | os.PathLike[str] | None = None,
    credentials: tuple[str, str] | None = (DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN),
    env: Mapping[str, str] | None = None,
) -> auto.Stack:
    """Create or select a stack on a local file backend under ``root``.

    Give ``program`` for an inline program (needs only the CLI), or ``work_dir`` for a directory
    with ``Pulumi.yaml`` (needs the Python language host). ``credentials`` (Account SID, auth token)
    go into stack config as ``twilio:accountSid`` and the secret ``twilio:authToken``.

    With ``emulator_url``, the engine's processes get the ``TWILIO_*_BASE_URL`` variables; an inline
    program runs in this process, so for it the URL also goes into the stack config
    (``twilio:intelligenceBaseUrl``, ``twilio:conversationsBaseUrl``, ``twilio:memoryBaseUrl``,
    ``twilio:knowledgeBaseUrl``), which its lookups (``get_operator``...) and the provider read
    first. This process's ``os.environ`` is never changed.
    """
    cli_root = find_pulumi_root(pulumi_root)
    variables = engine_env(root, emulator_url=emulator_url, pulumi_root=cli_root, extra=env)
    command = auto.PulumiCommand(root=str(cli_root)) if cli_root else None
    options: dict[str, Any] = {
        "env_vars": variables,
        "pulumi_home": variables["PULUMI_HOME"],
        "pulumi_command": command,
    }
    if program is not None:
        workspace = root / "workspace"
        workspace.mkdir(parents=True, exist_ok=True)
        options["work_dir"] = str(workspace)
        options["project_settings"] = auto.ProjectSettings(name=project_name, runtime="python")
        stack = auto.create_or_select_stack(
            stack_name=stack_name,
            project_name=project_name,
            program=program,
            opts=auto.LocalWorkspaceOptions(**options),
        )
    else:
        if work_dir is None:
            raise ValueError("give program= or work_dir=")
        options["work_dir"] = str(work_dir)
        stack = auto.create_or_select_stack(
            stack_name=stack_name, work_dir=str(work_dir), opts=auto.LocalWorkspaceOptions(**options)
        )
    wanted: dict[str, auto.ConfigValue] = {}
    if credentials is not None:
        wanted["twilio:accountSid"] = auto.ConfigValue(credentials[0])
    if program is not None and emulator_url:
        # an inline program runs in this process: its lookups read the stack config, not the engine's env
        for key in BASE_URL_KEYS:
            wanted[key] = auto.ConfigValue(emulator_url)
    current = stack.get_all_config()
    changed = {k: v for k, v in wanted.items() if current.get(k, auto.ConfigValue("")).value != v.value}
    if changed:
        stack.set_all_config(changed)
    if credentials is not None and "twilio:authToken" not in current:
        stack.set_config("twilio:authToken", auto.ConfigValue(credentials[1], secret=True))
    return stack
