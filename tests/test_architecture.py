"""The package keeps its shape (docs/architecture.md): domains import only the domains below them,
no module takes part in an import circle, no private name crosses a module boundary, numba code
lives only in kernels, and only the CLI talks to the terminal.

    errors <- text <- io <- parallel <- words <- segmentation
                            graph, estimators <- parallel (and below)
    cli imports everything; nothing imports cli

Imports are read from the source (``ast``), at module level and inside functions alike: an import
hidden in a function is still an arrow between modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "minent"


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


MODULES = _modules()
PACKAGES = {name for name in MODULES if (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if module not in PACKAGES:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> set[tuple[str, tuple[str, ...]]]:
    """``(module imported, names taken from it)`` for every import statement of *module*."""
    out = set()
    for node in ast.walk(MODULES[module]):
        if isinstance(node, ast.Import):
            out |= {(a.name, ()) for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            out.add((_absolute(module, node), tuple(a.name for a in node.names)))
    return out


def minent_edges(module: str) -> set[str]:
    """The modules of minent that *module* imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    out = set()
    for target, names in imports(module):
        if target.split(".")[0] != "minent":
            continue
        subs = {f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES}
        out |= subs
        if not subs or set(names) - {s.rsplit(".", 1)[1] for s in subs}:
            out.add(target)
    out.discard(module)
    return out


def domain(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


#: domain -> the domains of minent it may import ("package": the lazy top level, for __version__)
ALLOWED = {
    "errors": set(),
    "cache": set(),  # where compiled things go (numba's kernels, dictionaries): stdlib only
    "text": {"errors", "cache"},  # (the character class table is kept in the user cache directory)
    "io": {"errors", "text", "package"},
    "parallel": {"errors", "text", "io"},
    "words": {"errors", "text", "io", "parallel", "cache"},
    "segmentation": {"errors", "text", "io", "parallel", "words", "cache"},  # (a loaded model's LM tables)
    "graph": {"errors", "text", "io", "parallel"},
    "estimators": {"errors", "text", "io", "parallel"},
    "cli": set(MODULES and {domain(m) for m in MODULES}),
    "__main__": {"cli"},
    "package": {"cache"},  # import minent points numba's cache at the user cache directory
}


def test_every_domain_is_known():
    assert {domain(m) for m in MODULES} <= set(ALLOWED)
    assert {"text", "io", "parallel", "words", "segmentation", "graph", "estimators", "cli"} <= {domain(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_domains_import_only_downwards(module):
    own = domain(module)
    bad = sorted(t for t in minent_edges(module) if domain(t) != own and domain(t) not in ALLOWED[own])
    assert not bad, f"{module} ({own}) imports {bad}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the strongly connected components of *graph*."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    components.append(sorted(component))
    return components


def test_strongly_connected_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert sorted(_strongly_connected(graph)) == [["a", "b", "c"], ["d"], ["e"]]


def test_no_import_circles():
    graph = {m: minent_edges(m) for m in MODULES}
    circles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert not circles, f"modules importing each other in a circle: {circles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_a_module(module):
    private = sorted(f"{target}.{n}" for target, names in imports(module) if target.split(".")[0] == "minent"
                     for n in names if n.startswith("_") and not n.startswith("__"))
    assert not private, f"{module} imports private names {private}: make them public in the lower module"


def _jitted(tree: ast.AST) -> list[str]:
    return [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
            for d in n.decorator_list if "jit" in ast.unparse(d) or "vectorize" in ast.unparse(d)]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_numba_only_in_kernels(module):
    is_kernel = ".kernels" in module
    if not is_kernel:
        assert not _jitted(MODULES[module]), f"{module} compiles {_jitted(MODULES[module])} outside a .kernels module"
        return
    foreign = sorted(t for t, _ in imports(module)
                     if t.split(".")[0] not in ("numpy", "numba", "llvmlite", "math", "__future__")
                     and not (t.startswith("minent.") and ".kernels" in t))
    assert not foreign, f"kernel module {module} imports {foreign} (kernels take arrays, not minent objects)"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if ".kernels" in m))
def test_no_kernel_uses_blas(module):
    """The commands load numba without its BLAS probe (minent.cli.common.start_numba: a fifth of
    a warm start-up), so a kernel must not need BLAS: no matrix product, no np.linalg."""
    tree = MODULES[module]
    blas = sorted({n.lineno for n in ast.walk(tree)
                   if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult)
                   or isinstance(n, ast.Attribute) and n.attr in ("dot", "vdot", "inner", "matmul", "linalg")})
    assert not blas, f"{module} uses BLAS (a matrix product or np.linalg) at lines {blas}"


@pytest.mark.parametrize("module", [m for m in MODULES if domain(m) not in ("cli", "__main__")])
def test_library_never_prints(module):
    tree = MODULES[module]
    calls = [n.lineno for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert not calls, f"{module} calls print() at lines {calls}"
    assert not {t for t, _ in imports(module) if t.split(".")[0] in ("rich", "typer")}, f"{module} imports rich/typer"


def test_nothing_imports_the_cli():
    bad = sorted(m for m in MODULES if domain(m) not in ("cli", "__main__")
                 and any(domain(t) == "cli" for t in minent_edges(m)))
    assert not bad, f"{bad} import minent.cli"


def test_the_rules_see_function_level_imports():
    # the search of the segmentation package imports its models inside functions too
    assert "minent.words.tokenizers.fast" in minent_edges("minent.words.tokenize")
    assert "minent.words.kernels.dag" in minent_edges("minent.words.tokenizers.fast")  # inside methods


@pytest.mark.parametrize("code", [
    "import minent",
    "import minent.cli; from minent.cli import app",
])
def test_start_up_loads_no_numba(code):
    probe = f"{code}; import sys; print(sorted(m for m in ('numba', 'jieba', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_loads_no_numba():
    # -X importtime logs every module the process imports, to stderr
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "minent", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "Usage" in res.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert "typer" in imported  # the probe sees imports
    assert not {"numba", "jieba", "scipy"} & imported
