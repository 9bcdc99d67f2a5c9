"""The layers keep their arrows (../shared/ARCHITECTURE.md, README "How it is built"):

    cli → algorithms → kernels,   cli → io,   algorithms → io

kernels import nothing of minent but other kernels; io imports only io, errors and kernels (a
numba parser); nothing below the CLI imports the CLI, prints, or imports rich; numba code is
compiled only in kernels.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "minent"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


MODULES = dict(_modules())


def imports(tree: ast.AST) -> set[str]:
    """Every module imported anywhere in *tree* (top level or inside functions)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__", "errors"):
        return parts[1] if len(parts) > 1 else "package"
    return parts[1] if parts[1] in ("cli", "io", "kernels") else "algorithms"


ALLOWED = {  # layer -> layers of minent it may import
    "kernels": {"kernels"},
    "io": {"io", "errors", "kernels", "package"},
    "algorithms": {"algorithms", "io", "kernels", "errors", "package"},
    "errors": set(),
}


@pytest.mark.parametrize("module", [m for m in MODULES if layer(m) in ALLOWED])
def test_arrows(module):
    own = layer(module)
    bad = sorted(i for i in imports(MODULES[module])
                 if i.split(".")[0] == "minent" and layer(i) not in ALLOWED[own])
    assert not bad, f"{module} ({own}) imports {bad}"


@pytest.mark.parametrize("module", [m for m in MODULES if layer(m) not in ("cli", "__main__")])
def test_library_never_prints(module):
    tree = MODULES[module]
    calls = [n.lineno for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert not calls, f"{module} calls print() at lines {calls}"
    assert not {i for i in imports(tree) if i.split(".")[0] in ("rich", "typer")}, f"{module} imports rich/typer"
    if layer(module) != "kernels":
        jitted = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                  for d in n.decorator_list if "jit" in ast.unparse(d)]
        assert not jitted, f"{module} compiles {jitted} outside kernels/"


def test_layers_are_found():
    layers = {layer(m) for m in MODULES}
    assert {"cli", "io", "kernels", "algorithms", "errors"} <= layers
    assert layer("minent.kernels.dag") == "kernels" and layer("minent.estimators.hsic") == "algorithms"
