"""minent infomap on mapequation Infomap's own example networks, with the `infomap` package
as the oracle (../shared/data/infomap_examples; skipped cleanly when absent).

Every graph file is read (state networks are read by minent.graph.infomap.memory and
tested with it; multilayer files, which minent does not read yet, are refused with one
line naming the file and line); two-level and hierarchical codelengths are
at most the reference's (10 trials each, the same seed); the reference's own partition has
the same codelength under minent's flow; where the optimum is unique (equal codelengths on a
network without zero-flow nodes, whose placement costs nothing) the number of top modules
agrees.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from tests.support import SHARED_DATA

EXAMPLES = SHARED_DATA / "infomap_examples"
FILES = sorted(p.name for p in EXAMPLES.glob("*.net")) if EXAMPLES.is_dir() else []
#: multilayer formats: refused until minent reads them; state networks have their own reader
UNSUPPORTED = ("*multilayer", "*multiplex", "*intra", "*inter")
STATES = ("*states",)
TRIALS, SEED = 10, 123


def _has(name: str, sections) -> bool:
    text = (EXAMPLES / name).read_text(encoding="utf-8").lower()
    return any(f"\n{s}" in text for s in sections)


READABLE = [f for f in FILES if not _has(f, UNSUPPORTED + STATES)]
REFUSED = [f for f in FILES if _has(f, UNSUPPORTED)]


def _reference(name: str, directed: bool, two_level: bool):
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap_pkg.Infomap(two_level=two_level, num_trials=TRIALS, seed=SEED, silent=True,
                                 directed=directed)
        im.read_file(str(EXAMPLES / name))
        res = im.run()
        leaves = {node.node_id: tuple(node.path) for node in im.tree if node.is_leaf}
        return res.codelength, res.num_top_modules, leaves, dict(im.names)


def test_examples_are_present_or_skipped():
    if not FILES:
        pytest.skip("../shared/data/infomap_examples is not present next to this clone")
    assert READABLE and REFUSED


@pytest.mark.parametrize("name", READABLE)
def test_every_example_reads_like_the_reference(name):
    from minent.io.graph import read_graph

    g = read_graph(EXAMPLES / name)
    _, _, leaves, names = _reference(name, False, True)
    assert sorted(g.ids.tolist()) == sorted(leaves)
    by_id = dict(zip(g.ids.tolist(), g.names))
    for node_id, ref_name in names.items():
        assert by_id[node_id] == ref_name


@pytest.mark.parametrize("name", REFUSED)
def test_multilayer_examples_fail_with_one_line(name):
    path = EXAMPLES / name
    r = subprocess.run([sys.executable, "-m", "minent", "infomap", str(path)], capture_output=True)
    assert r.returncode == 1 and r.stdout == b""
    err = r.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and f"{path}:" in err and "not supported" in err


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("name", READABLE)
def test_two_level_codelength_not_worse_than_reference(name, directed):
    from minent.graph.infomap import evaluate, infomap
    from minent.io.graph import read_graph

    g = read_graph(EXAMPLES / name, directed=directed)
    ref_length, ref_modules, leaves, _ = _reference(name, directed, True)
    r = infomap(g, trials=TRIALS, seed=SEED)
    assert r.codelength <= ref_length + 1e-9
    # the same flow: the reference's partition costs what the reference says
    partition = {str(i): str(leaves[i][0]) for i in g.ids.tolist()}
    assert evaluate(g, partition).codelength == pytest.approx(ref_length, abs=1e-9)
    if abs(r.codelength - ref_length) < 1e-9 and (r.flow > 0).all():
        assert r.num_modules == ref_modules


#: hierarchical cases where minent's tree is still longer than the reference's (deeper
#: directed trees, and bipartite networks whose feature nodes have no flow)
HIERARCHY_SHORTFALLS = set()


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("name", READABLE)
def test_hierarchical_codelength_not_worse_than_reference(name, directed):
    from tests.graph.infomap_oracle import multilevel_codelength
    from minent.graph.infomap import infomap
    from minent.io.graph import read_graph

    if (name, directed) in HIERARCHY_SHORTFALLS:
        pytest.xfail("known shortfall of the hierarchical search")
    g = read_graph(EXAMPLES / name, directed=directed)
    ref_length, ref_modules, _, _ = _reference(name, directed, False)
    r = infomap(g, trials=TRIALS, seed=SEED, hierarchical=True)
    assert r.codelength <= ref_length + 1e-9
    if g.bipartite_start is None:
        links = list(zip(g.src.tolist(), g.dst.tolist(), g.weight.tolist()))
        assert r.codelength == pytest.approx(
            multilevel_codelength(r.paths, g.n_nodes, links, directed), abs=1e-9)
    if abs(r.codelength - ref_length) < 1e-9 and (r.flow > 0).all():
        assert r.num_modules == ref_modules


def test_ninetriangles_unbalanced_tree():
    """The canonical hierarchical example: two super-modules of three triangles and three
    triangles directly under the root, 3.371875 bits (a balanced tree costs 3.385831)."""
    from minent.graph.infomap import infomap
    from minent.io.graph import read_graph

    if "ninetriangles.net" not in FILES:
        pytest.skip("../shared/data/infomap_examples is not present next to this clone")
    r = infomap(read_graph(EXAMPLES / "ninetriangles.net"), seed=1, hierarchical=True)
    assert round(r.codelength, 6) == 3.371875 and r.num_modules == 5
    depths = sorted(len(p) for p in r.paths)
    assert depths == [2] * 9 + [3] * 18


def test_tree_output_keeps_quoted_names_and_ids_as_the_reference(tmp_path):
    """.tree bodies equal the reference's for a name with inner quotes and for ids from 0."""
    infomap_pkg = pytest.importorskip("infomap")
    for name in ("quoted_name.net", "twotriangles.net"):
        if name not in FILES:
            pytest.skip("../shared/data/infomap_examples is not present next to this clone")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = infomap_pkg.Infomap(two_level=True, seed=SEED, silent=True)
            im.read_file(str(EXAMPLES / name))
            im.run()
            im.write_tree(str(tmp_path / "ref.tree"))
        ref_body = [ln for ln in (tmp_path / "ref.tree").read_text().splitlines() if not ln.startswith("#")]
        r = subprocess.run([sys.executable, "-m", "minent", "infomap", str(EXAMPLES / name), "-f", "tree", "-q"],
                           capture_output=True)
        body = [ln for ln in r.stdout.decode().splitlines() if not ln.startswith("#")]
        assert body == ref_body
