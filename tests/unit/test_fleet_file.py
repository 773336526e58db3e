"""The fleet file: validated with pydantic, every error naming its line and key, never a literal secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_twilio_intelligence.fleet import FleetContext, FleetFileError, load_fleet_file, parse_fleet_file
from pulumi_twilio_intelligence.fleet.stacks import FleetCredentialError

SID = "AC" + "1" * 32
GOOD = f"""\
project: acme-intelligence
program: ./tenant-program
parent:
  account_sid_env: TWILIO_PARENT_ACCOUNT_SID
  auth_token_env: TWILIO_PARENT_AUTH_TOKEN
defaults:
  config: {{webhookUrl: "https://example.com/hook", supportNumber: "+18005550100"}}
tenants:
  - name: acme
    account_sid: {SID}
    auth_token_env: ACME_TWILIO_AUTH_TOKEN
    config: {{tenant: Acme, supportNumber: "+18005550199", retries: 3, beta: true}}
  - name: globex
    config: {{tenant: Globex}}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FleetFileError) as caught:
        parse_fleet_file(text, Path("fleet.yaml"))
    return caught.value.problems


def test_a_valid_file_loads_with_defaults_merged_under_each_tenants_config(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(GOOD)
    fleet = load_fleet_file(path)
    assert [t.name for t in fleet.tenants] == ["acme", "globex"]
    assert not fleet.inline
    acme, globex = fleet.tenants
    assert fleet.tenant_config(acme) == {
        "webhookUrl": "https://example.com/hook",
        "supportNumber": "+18005550199",
        "tenant": "Acme",
        "retries": "3",
        "beta": "true",
    }
    assert fleet.tenant_config(globex)["supportNumber"] == "+18005550100"
    context = FleetContext.load(path, env={})
    assert context.backend_url == f"file://{tmp_path / '.fleet' / 'state'}"
    assert context.program_dir() == tmp_path / "tenant-program"


def test_every_problem_names_its_line_and_key() -> None:
    text = GOOD.replace(f"account_sid: {SID}", "account_sid: AC123").replace(
        "  - name: globex\n", "  - name: globex\n    colour: red\n"
    )
    found = problems(text)
    assert "fleet.yaml:10: tenants[0].account_sid: String should match pattern '^AC[0-9a-fA-F]{32}$'" in found
    assert "fleet.yaml:14: tenants[1].colour: unknown key (a typo?)" in found
    assert len(found) == 2


@pytest.mark.parametrize(
    ("snippet", "line", "key"),
    [
        ("    auth_token: hunter2\n", 14, "tenants[1].auth_token"),
        ("    config: {'twilio:authToken': hunter2}\n", 14, "tenants[1].config"),
    ],
)
def test_a_literal_secret_is_refused_with_the_way_to_do_it(snippet: str, line: int, key: str) -> None:
    text = GOOD.replace("  - name: globex\n    config: {tenant: Globex}\n", "  - name: globex\n" + snippet)
    (found,) = problems(text)
    assert found.startswith(f"fleet.yaml:{line}: {key}")
    assert "auth_token_env" in found
    assert "hunter2" not in found


def test_credential_rules_and_fleet_rules() -> None:
    no_token = GOOD.replace("    auth_token_env: ACME_TWILIO_AUTH_TOKEN\n", "")
    assert problems(no_token) == [
        "fleet.yaml:9: tenants[0]: account_sid needs auth_token_env or credentials_file (its auth token)"
    ]
    no_parent = "\n".join(line for line in GOOD.splitlines() if "parent" not in line.lower())
    (found,) = problems(no_parent)
    assert "add a parent: section" in found and "globex" in found
    twice = GOOD + "  - name: acme\n    config: {tenant: Again}\n"
    (found,) = problems(twice)
    assert "'acme' is listed twice" in found


def test_yaml_syntax_errors_and_non_mappings_name_their_line() -> None:
    assert problems("project: a\ntenants: [\n")[0].startswith("fleet.yaml:3: not valid YAML")
    assert problems("- a\n- b\n") == ["fleet.yaml:1: the fleet file must be a mapping (project, program, tenants, ...)"]


def test_an_inline_program_is_module_colon_function() -> None:
    fleet = parse_fleet_file(GOOD.replace("./tenant-program", "my_isv.program:main"), Path("fleet.yaml"))
    assert fleet.inline


def test_credentials_come_from_the_named_variable_or_file_and_errors_never_show_them(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(GOOD.replace("auth_token_env: ACME_TWILIO_AUTH_TOKEN", "credentials_file: secrets/acme"))
    context = FleetContext.load(path, env={"TWILIO_PARENT_ACCOUNT_SID": SID, "TWILIO_PARENT_AUTH_TOKEN": "p-token"})
    assert context.parent_credentials() == (SID, "p-token")
    acme = context.tenant("acme")
    with pytest.raises(FleetCredentialError, match="cannot read credentials_file"):
        context.secret(acme.auth_token_env, acme.credentials_file, "tenants[acme]")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "acme").write_text("acme-token\n")
    assert context.secret(acme.auth_token_env, acme.credentials_file, "tenants[acme]") == "acme-token"
    unset = FleetContext.load(path, env={"TWILIO_PARENT_ACCOUNT_SID": SID})
    with pytest.raises(FleetCredentialError, match="TWILIO_PARENT_AUTH_TOKEN is not set"):
        unset.parent_credentials()
