"""One tenant's run: its stack through the Automation API, its credentials, its log file.

:func:`run_tenant` is what both executors run for a tenant (in a thread of the runner, or in a Celery
worker). It never raises for the tenant's own failures: it returns a failed :class:`TenantResult`.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from .file import FleetFile, Tenant, load_fleet_file, parse_fleet_file
from .locks import FileLock
from .results import Operation, TenantResult, first_line_with_fix
from .subaccounts import Subaccounts, friendly_name

#: Stack config keys the runner writes (besides the file's own config).
SUBACCOUNT_KEY = "fleet:subaccountSid"
ACCOUNT_SID = "twilio:accountSid"
AUTH_TOKEN = "twilio:authToken"
API_KEY = "twilio:apiKey"
API_SECRET = "twilio:apiSecret"

#: progress(tenant, step): a short text such as "creating tenant-escalation", called from the run's thread.
Progress = Callable[[str, str], None]


class FleetCredentialError(RuntimeError):
    """A credential named in the fleet file is missing (the message names the variable or file, never a value)."""


@dataclass
class FleetContext:
    """A loaded fleet file and where its things live.

    Attributes:
        fleet: the validated fleet file.
        path: the fleet file (its folder anchors relative paths).
        env: the environment the credentials and engine settings come from (default ``os.environ``).
    """

    fleet: FleetFile
    path: Path
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def load(cls, path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> FleetContext:
        """Load and validate the fleet file at ``path`` (raises ``FleetFileError``)."""
        resolved = Path(path).resolve()
        return cls(load_fleet_file(resolved), resolved, dict(os.environ if env is None else env))

    @classmethod
    def from_text(cls, text: str, path: str, env: Mapping[str, str] | None = None) -> FleetContext:
        """The fleet file sent to a worker as text (``path`` is where it lives on the shared file system)."""
        return cls(parse_fleet_file(text, Path(path)), Path(path), dict(os.environ if env is None else env))

    @property
    def base(self) -> Path:
        """The fleet file's folder."""
        return self.path.parent

    @property
    def state_dir(self) -> Path:
        """``.fleet/`` beside the fleet file: default backend, logs, locks, inline workspaces."""
        return self.base / ".fleet"

    @property
    def backend_url(self) -> str:
        """The state backend: the file's ``backend``, else ``file://<folder>/.fleet/state``."""
        if self.fleet.backend:
            return self.fleet.backend
        return f"file://{self.state_dir / 'state'}"

    def log_path(self, tenant: str) -> Path:
        """The tenant's log file: ``.fleet/logs/<tenant>.log`` (engine output, appended per run)."""
        return self.state_dir / "logs" / f"{tenant}.log"

    def lock(self, tenant: str) -> AbstractContextManager[Any]:
        """The local executor's lock of ``tenant`` (``.fleet/locks/<tenant>.lock``)."""
        return FileLock(self.state_dir / "locks" / f"{tenant}.lock")

    def tenant(self, name: str) -> Tenant:
        """The tenant named ``name`` (``KeyError`` if the file has none)."""
        for tenant in self.fleet.tenants:
            if tenant.name == name:
                return tenant
        raise KeyError(name)

    def secret(self, env_name: str | None, file: Path | None, what: str) -> str:
        """A credential from the variable ``env_name`` or the first line of ``file``.

        Raises:
            FleetCredentialError: the variable is unset or empty, or the file cannot be read.
        """
        if env_name is not None:
            value = self.env.get(env_name, "")
            if not value:
                raise FleetCredentialError(f"{what}: environment variable {env_name} is not set")
            return value
        if file is None:
            raise FleetCredentialError(f"{what}: no auth_token_env or credentials_file")
        full = file if file.is_absolute() else self.base / file
        try:
            lines = full.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise FleetCredentialError(f"{what}: cannot read credentials_file {full}: {exc.strerror}") from None
        if not lines or not lines[0].strip():
            raise FleetCredentialError(f"{what}: credentials_file {full} is empty")
        return lines[0].strip()

    def parent_credentials(self) -> tuple[str, str]:
        """The parent account's (Account SID, auth token)."""
        parent = self.fleet.parent
        if parent is None:
            raise FleetCredentialError("parent: the fleet file has no parent account")
        sid = parent.account_sid or self.env.get(parent.account_sid_env or "", "")
        if not sid:
            raise FleetCredentialError(f"parent: environment variable {parent.account_sid_env} is not set")
        return sid, self.secret(parent.auth_token_env, parent.credentials_file, "parent")

    def account_key(self, tenant: Tenant) -> str:
        """Which account's concurrency a tenant shares: its parent's for a created subaccount (Twilio may
        count subaccounts against their parent), else its own Account SID."""
        if tenant.account_sid:
            return tenant.account_sid
        parent = self.fleet.parent
        return (parent.account_sid or f"${parent.account_sid_env}") if parent else "?"

    def engine_env(self) -> dict[str, str]:
        """Variables for the engine: the backend, and no update checks."""
        return {"PULUMI_BACKEND_URL": self.backend_url, "PULUMI_SKIP_UPDATE_CHECK": "true"}

    def _program(self) -> Callable[[], None]:
        module, _, function = self.fleet.program.partition(":")
        program: Callable[[], None] = getattr(importlib.import_module(module), function)
        return program

    def program_dir(self) -> Path:
        """The directory program's folder (relative to the fleet file)."""
        folder = Path(self.fleet.program)
        return folder if folder.is_absolute() else (self.base / folder).resolve()

    def workspace_options(self, tenant: str) -> auto.LocalWorkspaceOptions:
        """Options of the tenant's workspace: the program's folder (its ``Pulumi.<tenant>.yaml`` holds
        the stack config), or ``.fleet/workspaces/<tenant>/`` for an inline program."""
        if self.backend_url.startswith("file://"):
            Path(self.backend_url.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        env = self.engine_env()
        if self.fleet.inline:
            work_dir = self.state_dir / "workspaces" / tenant
            work_dir.mkdir(parents=True, exist_ok=True)
            return auto.LocalWorkspaceOptions(
                work_dir=str(work_dir),
                env_vars=env,
                project_settings=auto.ProjectSettings(name=self.fleet.project, runtime="python"),
            )
        return auto.LocalWorkspaceOptions(work_dir=str(self.program_dir()), env_vars=env)

    def stack(self, tenant: str, *, create: bool) -> auto.Stack | None:
        """The tenant's stack (created when ``create``), or ``None`` when it does not exist."""
        options = self.workspace_options(tenant)
        try:
            if self.fleet.inline:
                select = auto.create_or_select_stack if create else auto.select_stack
                return select(stack_name=tenant, project_name=self.fleet.project, program=self._program(), opts=options)
            select_dir = auto.create_or_select_stack if create else auto.select_stack
            return select_dir(stack_name=tenant, work_dir=str(options.work_dir), opts=options)
        except auto.StackNotFoundError:
            return None

    def workspace(self) -> auto.LocalWorkspace:
        """A workspace of the project (to list its stacks)."""
        options = self.workspace_options("_list")
        if self.fleet.inline:
            return auto.LocalWorkspace(
                work_dir=options.work_dir, env_vars=options.env_vars, project_settings=options.project_settings
            )
        return auto.LocalWorkspace(work_dir=options.work_dir, env_vars=options.env_vars)


_log_lock = threading.Lock()


@contextmanager
def _log(ctx: FleetContext, tenant: str, operation: str) -> Iterator[Callable[[str], None]]:
    path = ctx.log_path(tenant)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {operation} (pid {os.getpid()})\n")

        def write(line: str) -> None:
            handle.write(line if line.endswith("\n") else line + "\n")
            handle.flush()

        yield write


def _changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    """Resource changes by kind (``OpType`` values or strings), without ``same``."""
    counts = {str(getattr(kind, "value", kind)): count for kind, count in (summary or {}).items()}
    return {kind: count for kind, count in counts.items() if kind != "same" and count}


def _set_config(
    stack: auto.Stack, current: Mapping[str, auto.ConfigValue], wanted: Mapping[str, auto.ConfigValue]
) -> None:
    """Set the keys of ``wanted`` whose value differs from ``current`` (secrets compared in plain
    text, never printed); one ``pulumi config set-all`` at most."""
    changed = {k: v for k, v in wanted.items() if k not in current or current[k].value != v.value}
    if changed:
        stack.set_all_config(changed)


def _credentials(
    ctx: FleetContext, tenant: Tenant, stack: auto.Stack, current: Mapping[str, auto.ConfigValue], *, create: bool
) -> tuple[dict[str, auto.ConfigValue], str | None]:
    """The tenant's credentials for its stack config (secrets encrypted), and a note. A subaccount and
    its key are created and recorded here at once (with ``create`` false, for ``preview``, nothing is
    created); an existing account's token is returned for the caller's one config write."""
    if tenant.account_sid:
        token = ctx.secret(tenant.auth_token_env, tenant.credentials_file, f"tenants[{tenant.name}]")
        return {
            ACCOUNT_SID: auto.ConfigValue(tenant.account_sid),
            AUTH_TOKEN: auto.ConfigValue(token, secret=True),
        }, None
    if all(key in current for key in (SUBACCOUNT_KEY, API_KEY, API_SECRET)):
        return {}, None
    parent_sid, parent_token = ctx.parent_credentials()
    subaccounts = Subaccounts(parent_sid, parent_token)
    name = friendly_name(ctx.fleet.project, tenant.name)
    try:
        if not create:
            found = subaccounts.find(name)
            return {}, "the subaccount exists, its API key is made at up" if found else "a subaccount is created at up"
        note = None
        sid = current[SUBACCOUNT_KEY].value if SUBACCOUNT_KEY in current else None
        if sid is None:
            sid = subaccounts.ensure_account(name)
            # recorded at once: a crash from here on finds it in the stack config, before by its name
            stack.set_all_config({SUBACCOUNT_KEY: auto.ConfigValue(sid), ACCOUNT_SID: auto.ConfigValue(sid)})
            note = f"subaccount {sid}"
        key = subaccounts.new_key(sid, name)
        stack.set_all_config(
            {API_KEY: auto.ConfigValue(key.api_key), API_SECRET: auto.ConfigValue(key.api_secret, secret=True)}
        )
        return {}, note
    finally:
        subaccounts.close()


def _clear_interrupted(stack: auto.Stack, write: Callable[[str], None]) -> bool:
    """Clear what a run that died left in the stack (we hold the tenant's lock, so no live run does):
    the engine's lock (``stack.cancel()``, i.e. ``pulumi cancel``) and pending operations
    (``pulumi refresh --clear-pending-creates``). Returns whether anything was pending."""
    try:
        deployment = stack.export_stack().deployment or {}
    except auto.CommandError:
        return False
    pending = deployment.get("pending_operations") or []
    if not pending:
        return False
    write(f"fleet: {len(pending)} pending operation(s) from an interrupted run: pulumi cancel, then refresh")
    try:
        stack.cancel()
    except auto.CommandError as exc:  # no engine lock to clear
        write(f"fleet: pulumi cancel: {str(exc).splitlines()[0] if str(exc) else exc}")
    stack.refresh(clear_pending_creates=True, on_output=write, color="never")
    return True


def _run(stack: auto.Stack, operation: Operation, write: Callable[[str], None], on_event: Any) -> dict[str, int]:
    """Run the engine; an engine lock left by a run that died (we hold the tenant's lock) is cleared
    with ``pulumi cancel`` and the operation runs once more."""
    try:
        return _run_once(stack, operation, write, on_event)
    except auto.CommandError as exc:
        if "locked" not in str(exc):
            raise
        write("fleet: the stack is locked by a run that died: pulumi cancel, then once more")
        stack.cancel()
        return _run_once(stack, operation, write, on_event)


def _run_once(stack: auto.Stack, operation: Operation, write: Callable[[str], None], on_event: Any) -> dict[str, int]:
    common: dict[str, Any] = {"on_output": write, "on_event": on_event, "color": "never"}
    if operation == "preview":
        return _changes(stack.preview(**common).change_summary)
    if operation == "up":
        return _changes(stack.up(**common).summary.resource_changes)
    if operation == "refresh":
        return _changes(stack.refresh(**common).summary.resource_changes)
    return _changes(stack.destroy(**common).summary.resource_changes)


def _event_step(event: auto.EngineEvent) -> str | None:
    pre = event.resource_pre_event
    if pre is not None and pre.metadata.op not in (auto.OpType.SAME, auto.OpType.READ):
        name = pre.metadata.urn.rsplit("::", 1)[-1]
        return f"{pre.metadata.op.value} {name}"
    return None


def run_tenant(
    ctx: FleetContext,
    name: str,
    operation: Operation,
    *,
    progress: Progress | None = None,
    lock: AbstractContextManager[Any] | None = None,
) -> TenantResult:
    """Run ``operation`` on tenant ``name``'s stack and report how it went.

    ``preview``, ``up`` and ``refresh`` create the stack when missing, put the file's config and the
    tenant's credentials into it (for a tenant without ``account_sid``, at ``up``: its subaccount and
    API key, made with the parent's credentials), clear what an interrupted run left, then run the
    engine. ``destroy`` destroys the stack's resources (the stack stays); ``prune`` also removes the
    stack; ``status`` reads its last update. Engine output goes to the tenant's log file.

    ``lock`` (default: the tenant's file lock) is held for the whole run.
    """
    started = time.monotonic()
    report = progress or (lambda tenant, step: None)
    changes: dict[str, int] = {}
    with _log(ctx, name, operation) as write:
        try:
            with lock if lock is not None else ctx.lock(name):
                report(name, "running")
                detail = _run_locked(ctx, name, operation, write, report, changes)
            return TenantResult(
                tenant=name,
                operation=operation,
                result="succeeded",
                changes=changes,
                seconds=time.monotonic() - started,
                detail=detail,
            )
        except Exception as exc:  # one tenant's failure never stops the others
            text = str(exc) or type(exc).__name__
            write("fleet: failed:\n" + "".join(traceback.format_exception_only(type(exc), exc)))
            return TenantResult(
                tenant=name,
                operation=operation,
                result="failed",
                changes=changes,
                seconds=time.monotonic() - started,
                error=first_line_with_fix(text),
            )


def _run_locked(
    ctx: FleetContext,
    name: str,
    operation: Operation,
    write: Callable[[str], None],
    report: Progress,
    changes: dict[str, int],
) -> str | None:
    if operation in ("status", "destroy", "prune"):
        stack = ctx.stack(name, create=False)
        if stack is None:
            return "no stack"
        if operation == "status":
            info = stack.info(show_secrets=False)
            if info is None:
                return "stack exists, never updated"
            changes.update(_changes(info.resource_changes))
            return f"last {info.kind} {info.result} at {info.end_time or info.start_time}"
        _clear_interrupted(stack, write)
        changes.update(_run(stack, "destroy", write, lambda e: _on_event(e, name, report)))
        if operation == "prune":
            stack.workspace.remove_stack(name)
            return "stack removed"
        return None
    tenant = ctx.tenant(name)
    stack = ctx.stack(name, create=True)
    assert stack is not None
    current = stack.get_all_config()
    wanted = {k: auto.ConfigValue(v) for k, v in ctx.fleet.tenant_config(tenant).items()}
    credentials, note = _credentials(ctx, tenant, stack, current, create=operation != "preview")
    _set_config(stack, current, {**wanted, **credentials})
    if operation == "preview" and note is not None:
        changes["create-subaccount"] = 1
        return note
    _clear_interrupted(stack, write)
    changes.update(_run(stack, operation, write, lambda e: _on_event(e, name, report)))
    return note


def _on_event(event: auto.EngineEvent, name: str, report: Progress) -> None:
    step = _event_step(event)
    if step is not None:
        report(name, step)


def context_for_worker(fleet_text: str, fleet_path: str) -> FleetContext:
    """The context a Celery worker builds from the task's fleet file text (see :mod:`.celery`)."""
    return FleetContext.from_text(fleet_text, fleet_path)


__all__ = [
    "FleetContext",
    "FleetCredentialError",
    "Progress",
    "context_for_worker",
    "load_fleet_file",
    "run_tenant",
]
