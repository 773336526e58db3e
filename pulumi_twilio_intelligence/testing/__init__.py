"""Test helpers: the emulator in-process, and Pulumi programs run against it with the real engine.

**In-process** (no socket, no process): ``with mock_twilio() as twilio: ...`` routes every
``TwilioClient`` of this process (the provider's too) to a fresh :class:`InProcessEmulator`; the
pytest plugin (:mod:`.pytest_plugin`, registered by the package) gives it as the ``twilio_emulator``
fixture.

**With the Pulumi engine** (Automation API), for your own stacks' tests, and for this project's demo
and integration tests::

    with EmulatorProcess() as emulator:
        stack = local_stack("dev", project_name="my-app", program=my_program,
                            root=tmp_path, emulator_url=emulator.url)
        stack.up()

Everything stays on this machine: a file backend under ``root``, an empty secrets passphrase, no
update checks and no plugin downloads. The Pulumi CLI is taken from ``pulumi_bin`` (the folder that
holds ``pulumi``, or an installation root whose ``bin/`` holds it), else ``$PULUMI_ROOT`` (either
form too), else the ``pulumi`` on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from semver import VersionInfo

from ..config import BASE_URL_SETTINGS, SOURCES
from ..emulator.accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from .inprocess import InProcessEmulator, mock_twilio

__all__ = [
    "BASE_URL_KEYS",
    "InProcessEmulator",
    "engine_env",
    "find_pulumi_bin",
    "load_program",
    "local_stack",
    "mock_twilio",
]

#: The stack config keys of the base URLs (Intelligence, Conversations, Memory, Knowledge).
BASE_URL_KEYS = tuple(SOURCES[name][0] for name in BASE_URL_SETTINGS)


def find_pulumi_bin(pulumi_bin: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder that holds the Pulumi CLI (``pulumi``), whatever its name; ``None`` if there is none.

    Taken from ``pulumi_bin``, else ``$PULUMI_ROOT``; each may name the folder holding ``pulumi`` or an
    installation root whose ``bin/`` holds it. Else the ``pulumi`` on ``PATH``. Symlinks are resolved:
    the plugins and the language host sit beside the real executable.

    Raises:
        FileNotFoundError: the folder given (or ``$PULUMI_ROOT``) holds neither ``pulumi`` nor ``bin/pulumi``.
    """
    given = pulumi_bin or os.environ.get("PULUMI_ROOT")
    if given:
        folder = Path(given).expanduser()
        for candidate in (folder / "pulumi", folder / "bin" / "pulumi"):
            if candidate.is_file():
                return candidate.resolve().parent
        source = "pulumi_bin" if pulumi_bin else "PULUMI_ROOT"
        raise FileNotFoundError(f"{source}={given}: neither {folder}/pulumi nor {folder}/bin/pulumi exists")
    found = shutil.which("pulumi")
    return Path(found).resolve().parent if found else None


class _PulumiInFolder(auto.PulumiCommand):
    """The Automation API's ``PulumiCommand`` for the ``pulumi`` in ``bin_dir``, whatever the folder is
    called (``PulumiCommand(root=...)`` only runs ``root/bin/pulumi``). As there, every command runs with
    ``bin_dir`` first on ``PATH``, so the plugins and the language host beside the CLI are used.

    Raises:
        subprocess.CalledProcessError: ``pulumi version`` failed.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.command = str(bin_dir / "pulumi")
        printed = subprocess.run(
            [self.command, "version"],
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        try:
            self.version = VersionInfo.parse(printed.removeprefix("v"))
        except ValueError:  # a development build: the Automation API then assumes every feature
            self.version = None


def engine_env(
    root: Path,
    *,
    emulator_url: str | None = None,
    python: str = sys.executable,
    pulumi_bin: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment variables for an offline Pulumi engine whose state lives under ``root``.

    The provider process runs ``python`` (it must have this package installed); ``pulumi_bin`` (the
    folder holding ``pulumi``, see :func:`find_pulumi_bin`) goes first on ``PATH``; with
    ``emulator_url`` every Twilio base URL (Intelligence, Conversations, Memory, Knowledge) points at
    the emulator.
    """
    (root / "state").mkdir(parents=True, exist_ok=True)
    (root / "pulumi-home").mkdir(parents=True, exist_ok=True)
    path = [str(Path(python).parent)]
    if pulumi_bin is not None:
        path.insert(0, str(pulumi_bin))
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
    project_name: str | None = None,
    root: Path,
    program: Callable[[], None] | None = None,
    work_dir: Path | None = None,
    emulator_url: str | None = None,
    pulumi_bin: str | os.PathLike[str] | None = None,
    credentials: tuple[str, str] | None = (DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN),
    env: Mapping[str, str] | None = None,
) -> auto.Stack:
    """Create or select a stack on a local file backend under ``root``.

    Give ``program`` (and ``project_name``) for an inline program, or ``work_dir`` for a directory
    program (a folder with ``Pulumi.yaml``, run by the Python language host as ``pulumi up`` there
    would; its stack config file ``Pulumi.<stack_name>.yaml`` is written there). ``pulumi_bin``: see
    :func:`find_pulumi_bin`. ``credentials`` (Account SID, auth token) go into stack config as
    ``twilio:accountSid`` and the secret ``twilio:authToken``.

    With ``emulator_url``, the engine's processes get the ``TWILIO_*_BASE_URL`` variables; an inline
    program runs in this process, so for it the URL also goes into the stack config
    (``twilio:intelligenceBaseUrl``, ``twilio:conversationsBaseUrl``, ``twilio:memoryBaseUrl``,
    ``twilio:knowledgeBaseUrl``), which its lookups (``get_operator``...) and the provider read
    first. This process's ``os.environ`` is never changed.

    Raises:
        ValueError: neither ``program`` nor ``work_dir`` given, or ``program`` without ``project_name``.
    """
    cli = find_pulumi_bin(pulumi_bin)
    variables = engine_env(root, emulator_url=emulator_url, pulumi_bin=cli, extra=env)
    command = _PulumiInFolder(cli) if cli else None
    options: dict[str, Any] = {
        "env_vars": variables,
        "pulumi_home": variables["PULUMI_HOME"],
        "pulumi_command": command,
    }
    if program is not None:
        if not project_name:
            raise ValueError("an inline program needs project_name=")
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
    if credentials is not None and "twilio:authToken" not in current:
        changed["twilio:authToken"] = auto.ConfigValue(credentials[1], secret=True)
    if changed:
        stack.set_all_config(changed)  # one CLI call for all of them
    return stack
