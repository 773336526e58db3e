"""The architecture stays visible: layers import downwards only, and no module imports itself back."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pulumi_twilio_intelligence"

#: What each layer may import from this package (besides itself).
ALLOWED = {
    "models": set(),
    "errors": set(),
    "_version": set(),
    "config": {"errors"},
    "client": {"models", "errors", "config", "_version"},
    # the emulator stands alone: a peer of Twilio, not of the provider (it never reaches the client or config)
    "emulator": {"models", "errors"},
    "resources": {"models", "client", "config", "errors"},
    "components": {"resources", "models", "config", "errors"},
    # the fleet runner drives stacks of the components (Automation API) and the 2010 Accounts API (client)
    "fleet": {"components", "client", "config", "errors", "models", "_version"},
    # the in-process helpers wire the package's client to the emulator
    "testing": {"emulator", "client", "config"},
}


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The top-level package modules ``path`` imports (relative or absolute), by layer name."""
    module_parts = path.relative_to(PACKAGE).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module_parts[: len(module_parts) - node.level])
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target] if target else [[alias.name] for alias in node.names]
            elif node.module and node.module.startswith("pulumi_twilio_intelligence."):
                names = [node.module.split(".")[1:]]
            else:
                continue
            found.update(n[0] for n in names if n)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("pulumi_twilio_intelligence."))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_import_downwards_only(path: Path) -> None:
    layer = _layer(path)
    wrong = {name for name in _imports(path) if name not in ALLOWED[layer] and name != layer}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(wrong)}"


def test_the_layer_table_covers_every_module() -> None:
    assert {_layer(p) for p in MODULES} <= set(ALLOWED)


def test_backends_are_per_account() -> None:
    """One backend object per account and API (moto's BackendDict): no backend method takes an ``account``."""
    from pulumi_twilio_intelligence.emulator import AccountBackend, Emulator

    account = "AC" + "1" * 32
    emulator = Emulator()
    try:
        assert len(emulator.backends) >= 2
        for backends in emulator.backends:
            backend = backends[account]
            assert isinstance(backend, AccountBackend) and backend.account == account
            assert backends[account] is backend
            for name, method in inspect.getmembers(type(backend), inspect.isfunction):
                if name != "__init__":
                    assert "account" not in inspect.signature(method).parameters, f"{type(backend).__name__}.{name}"
    finally:
        emulator.store.close()


def test_the_in_process_helpers_live_in_the_testing_layer() -> None:
    """The emulator serves HTTP; wiring the package's clients to it is the testing layer's job."""
    import pulumi_twilio_intelligence.emulator as emulator
    import pulumi_twilio_intelligence.testing as testing

    assert not {"mock_twilio", "InProcessEmulator"} & set(dir(emulator))
    assert {"mock_twilio", "InProcessEmulator"} <= set(testing.__all__)
    assert [name for name in testing.__all__ if not hasattr(testing, name)] == []
