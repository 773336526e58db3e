"""The fleet file (YAML): which tenants exist, the program that sets each one up, and where the
credentials come from. Validated with pydantic; every error names its line and key.

Example::

    project: acme-intelligence          # the Pulumi project name (the program's Pulumi.yaml name)
    program: ./tenant-program           # a directory program, or "module:function" (inline program)
    backend: file:///srv/fleet/state    # optional; default file://<this file's folder>/.fleet/state
    parent:                             # the ISV's parent account: creates subaccounts and API keys
      account_sid_env: TWILIO_PARENT_ACCOUNT_SID
      auth_token_env: TWILIO_PARENT_AUTH_TOKEN
    defaults:
      config: {webhookUrl: "https://..."}   # every tenant's stack config; a tenant's own wins
    tenants:
      - name: acme                      # the stack name
        account_sid: AC...              # optional: without it a subaccount and an API key are created
        auth_token_env: ACME_TWILIO_AUTH_TOKEN   # or credentials_file: PATH; never a literal secret
        config: {tenant: Acme, supportNumber: "+18005550100"}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

#: Most tenants one fleet file may hold (a bound on every number a user sets).
MAX_TENANTS = 10_000
#: Keys that would hold a literal secret: refused wherever they appear, with the way to do it instead.
SECRET_KEYS = {"auth_token", "authToken", "api_secret", "apiSecret", "password", "token", "secret"}
SECRET_CONFIG_KEYS = {"twilio:authToken", "twilio:apiSecret", "twilio:apiKey", "twilio:accountSid"}

AccountSid = Annotated[str, Field(pattern=r"^AC[0-9a-fA-F]{32}$", description="an Account SID: AC + 32 hex digits")]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$", description="an environment variable")]
StackName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
ProjectName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
ConfigValue = str | int | float | bool
INLINE_PROGRAM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$")


class FleetFileError(ValueError):
    """The fleet file cannot be read or breaks a rule. ``problems`` holds one line per problem:
    ``fleet.yaml:12: tenants[3].account_sid: String should match pattern ...``."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s) in the fleet file:\n" + "\n".join(problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_literal_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in data:
                if key in SECRET_KEYS:
                    raise ValueError(
                        f"{key}: a literal secret is not allowed in the fleet file; name an environment variable "
                        "(auth_token_env) or a file (credentials_file) instead"
                    )
        return data


class CredentialSource(_Model):
    """Where an auth token comes from: ``auth_token_env`` (an environment variable) or
    ``credentials_file`` (a file whose first line is the token; relative to the fleet file)."""

    auth_token_env: EnvName | None = None
    credentials_file: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CredentialSource:
        if self.auth_token_env is not None and self.credentials_file is not None:
            raise ValueError("give auth_token_env or credentials_file, not both")
        return self


class ParentAccount(CredentialSource):
    """The ISV's parent account, which creates subaccounts and their API keys.

    ``account_sid_env`` names the variable holding its Account SID (or give ``account_sid``: a SID is
    not a secret); the auth token comes from ``auth_token_env`` or ``credentials_file``.
    """

    account_sid: AccountSid | None = None
    account_sid_env: EnvName | None = None

    @model_validator(mode="after")
    def _complete(self) -> ParentAccount:
        if (self.account_sid is None) == (self.account_sid_env is None):
            raise ValueError("give exactly one of account_sid and account_sid_env")
        if self.auth_token_env is None and self.credentials_file is None:
            raise ValueError("give auth_token_env or credentials_file for the parent's auth token")
        return self


def _check_config(config: dict[str, ConfigValue]) -> dict[str, ConfigValue]:
    for key in config:
        if key in SECRET_CONFIG_KEYS:
            raise ValueError(
                f"{key}: credentials never go into the fleet file's config; give the tenant's account_sid with "
                "auth_token_env or credentials_file (or neither, for a created subaccount)"
            )
        if not re.match(r"^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$", key):
            raise ValueError(f"{key!r} is not a stack config key (name or namespace:name)")
    return config


class Defaults(_Model):
    """Settings every tenant gets: ``config`` (stack config; a tenant's own keys win)."""

    config: dict[str, ConfigValue] = Field(default_factory=dict, max_length=200)

    _config = field_validator("config")(_check_config)


class Tenant(CredentialSource):
    """One tenant: one stack named ``name``.

    Without ``account_sid`` the runner creates a subaccount (and an API key) with the parent's
    credentials; with it, the auth token comes from ``auth_token_env`` or ``credentials_file``.
    """

    name: StackName
    account_sid: AccountSid | None = None
    config: dict[str, ConfigValue] = Field(default_factory=dict, max_length=200)

    _config = field_validator("config")(_check_config)

    @model_validator(mode="after")
    def _credentials(self) -> Tenant:
        has_token = self.auth_token_env is not None or self.credentials_file is not None
        if self.account_sid is not None and not has_token:
            raise ValueError("account_sid needs auth_token_env or credentials_file (its auth token)")
        if self.account_sid is None and has_token:
            raise ValueError(
                "auth_token_env/credentials_file without account_sid: give the tenant's account_sid, "
                "or leave all three out to have a subaccount created"
            )
        return self


class FleetFile(_Model):
    """The whole fleet file. See the module docstring for the keys."""

    project: ProjectName
    program: str = Field(min_length=1, max_length=1000)
    backend: str | None = Field(default=None, pattern=r"^[a-z0-9+]+://", max_length=1000)
    parent: ParentAccount | None = None
    defaults: Defaults = Field(default_factory=Defaults)
    tenants: list[Tenant] = Field(max_length=MAX_TENANTS)

    @model_validator(mode="after")
    def _fleet_rules(self) -> FleetFile:
        seen: set[str] = set()
        for tenant in self.tenants:
            if tenant.name in seen:
                raise ValueError(f"tenant {tenant.name!r} is listed twice (each tenant is one stack)")
            seen.add(tenant.name)
        if self.parent is None:
            created = [t.name for t in self.tenants if t.account_sid is None]
            if created:
                raise ValueError(
                    f"tenants {created[:5]} have no account_sid, so subaccounts are created for them: "
                    "add a parent: section (the parent account's credentials)"
                )
        return self

    @property
    def inline(self) -> bool:
        """Whether ``program`` names a function (``module:function``) rather than a directory."""
        return bool(INLINE_PROGRAM.match(self.program))

    def tenant_config(self, tenant: Tenant) -> dict[str, str]:
        """The stack config of ``tenant`` from the file: defaults, then the tenant's own (as strings)."""
        merged = {**self.defaults.config, **tenant.config}
        return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in merged.items()}


def _line_of(document: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest node of ``loc`` found in the YAML ``document``."""
    line: int | None = None
    node = document
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    if line is None and isinstance(document, CommentedMap):
        line = document.lc.line + 1
    return line


def _key_path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def parse_fleet_file(text: str, path: Path) -> FleetFile:
    """Parse and validate fleet file ``text`` (``path`` names it in errors).

    Raises:
        FleetFileError: YAML syntax errors and every rule broken, each naming its line and key.
    """
    try:
        document = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else "?"
        raise FleetFileError(path, [f"{path.name}:{line}: not valid YAML: {exc.problem or exc}"]) from None
    if not isinstance(document, CommentedMap):
        raise FleetFileError(
            path, [f"{path.name}:1: the fleet file must be a mapping (project, program, tenants, ...)"]
        )
    try:
        return FleetFile.model_validate(_plain(document))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, int | str))
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key (a typo?)"
            named = message.partition(":")[0]
            if message != named and _line_of(document, (*loc, named)) != _line_of(document, loc):
                loc, message = (*loc, named), message.partition(":")[2].strip()
            problems.append(f"{path.name}:{_line_of(document, loc)}: {_key_path(loc)}: {message}")
        raise FleetFileError(path, problems) from None


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def load_fleet_file(path: str | Path) -> FleetFile:
    """Read and validate the fleet file at ``path``.

    Raises:
        FleetFileError: it cannot be read, is not YAML, or breaks a rule (each problem with its line and key).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FleetFileError(path, [f"{path}: cannot read the fleet file: {exc}"]) from None
    return parse_fleet_file(text, path)
