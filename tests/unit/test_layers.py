"""The architecture stays visible: layers import downwards only, and no module imports itself back."""

from __future__ import annotations

import ast
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
    "emulator": {"models", "client", "config", "errors"},
    "resources": {"models", "client", "config", "errors"},
    "components": {"resources", "models", "config", "errors"},
    "fleet": {"components", "client", "config", "errors", "models", "_version"},
    "testing": {"emulator", "config"},
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
