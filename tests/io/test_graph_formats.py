"""Graph formats: GraphML/GEXF/GML in, ftree/JSON/GEXF/GraphML out, against the `infomap`
package's writers on the same partition and round trips through networkx."""

from __future__ import annotations

import json
import math
import warnings

import networkx as nx
import numpy as np
import pytest

from tests.support import run_minent
from minent.graph.infomap import infomap
from minent.graph.infomap.flow import result_flow
from minent.io.graph import parse_edge_list
from minent.graph.infomap.tree import module_tree
from minent.io.graph_formats import ftree_lines, infomap_json


def nested_graph(seed: int) -> str:
    """3 groups of 4 groups of 8 nodes (a hierarchy), real-valued weights (no flow ties)."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(96):
        for b in range(a + 1, 96):
            p = 0.7 if a // 8 == b // 8 else (0.08 if a // 32 == b // 32 else 0.005)
            if rng.random() < p:
                rows.append(f"{a + 1} {b + 1} {rng.uniform(0.5, 5):.6f}\n")
    return "".join(rows)


def _body(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def _same_lines(mine: list[str], ref: list[str]) -> None:
    """Equal line by line; numbers equal to the 6 digits printed, except that the reference's
    rounding noise (-6.9e-18 for a zero exit flow) is taken as the zero it is."""
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        ta, tb = a.split(), b.split()
        assert len(ta) == len(tb), (a, b)
        for x, y in zip(ta, tb):
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                assert x == y, (a, b)
                continue
            assert x == y or math.isclose(fx, fy, rel_tol=1e-5, abs_tol=1e-15), (a, b)


def _reference(tmp_path, graph, tree, directed, writer):
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap_pkg.Infomap(silent=True, no_infomap=True, directed=directed,
                                 cluster_data=str(tree))
        im.read_file(str(graph))
        im.run()
        out = tmp_path / f"ref.{writer}"
        getattr(im, f"write_{writer}")(str(out))
    return out.read_text()


CASES = [(d, h) for d in (False, True) for h in (False, True)]


@pytest.mark.parametrize("directed,hierarchical", CASES)
def test_ftree_body_equals_the_reference(tmp_path, directed, hierarchical):
    graph = tmp_path / "g.txt"
    graph.write_text(nested_graph(5))
    opts = ["--seed", "1", "-q"] + (["--directed"] if directed else []) + (["--hierarchical"] if hierarchical else [])
    tree = tmp_path / "mine.tree"
    assert run_minent("infomap", graph, "-f", "tree", "-o", tree, *opts).returncode == 0
    r = run_minent("infomap", graph, "-f", "ftree", *opts)
    assert r.returncode == 0, r.stderr
    ref = _reference(tmp_path, graph, tree, directed, "flow_tree")
    mine = r.stdout.decode()
    if hierarchical:   # the case exercises links between sub-modules
        assert max(line.split()[0].count(":") for line in _body(mine) if line[0].isdigit() and ":" in line) >= 2
    _same_lines(_body(mine), _body(ref))
    assert "*Links root" in mine


@pytest.mark.parametrize("directed,hierarchical", CASES)
def test_json_matches_the_reference(tmp_path, directed, hierarchical):
    graph = tmp_path / "g.txt"
    graph.write_text(nested_graph(6))
    opts = ["--seed", "2", "-q"] + (["--directed"] if directed else []) + (["--hierarchical"] if hierarchical else [])
    tree = tmp_path / "mine.tree"
    run_minent("infomap", graph, "-f", "tree", "-o", tree, *opts)
    mine = json.loads(run_minent("infomap", graph, "-f", "json", *opts).stdout)
    ref = json.loads(_reference(tmp_path, graph, tree, directed, "json"))
    close = lambda a, b: abs(a - b) <= 5e-6 * abs(a) + 1e-12  # noqa: E731 (the reference rounds to 6 digits)
    for key in ("numLevels", "numTopModules", "numModules", "directed", "flowModel", "higherOrder"):
        assert mine[key] == ref[key], key
    assert close(mine["codelength"], ref["codelength"])
    assert len(mine["modules"]) == len(ref["modules"])
    for a, b in zip(mine["modules"], ref["modules"]):
        assert (a["path"], a["numEdges"], a["numChildren"]) == (b["path"], b["numEdges"], b["numChildren"])
        for key in ("enterFlow", "exitFlow", "codelength"):
            assert close(a[key], b[key]), (a["path"], key, a[key], b[key])
    assert len(mine["nodes"]) == len(ref["nodes"])
    for a, b in zip(mine["nodes"], ref["nodes"]):
        assert (a["path"], a["modules"], a["name"], a["id"]) == (b["path"], b["modules"], b["name"], b["id"])
        assert close(a["flow"], b["flow"]) and close(a["mec"], b["mec"])


def test_undirected_module_links_from_the_definition():
    """Two-level, undirected: the root's row (a, b) is the weight between modules a and b over
    the total weight (both directions of a link combined)."""
    text = nested_graph(8)
    g = parse_edge_list(text.encode())
    r = infomap(g, seed=3)
    total = float(g.weight.sum())   # no self-links here
    expected: dict = {}
    for s, t, w in zip(g.src.tolist(), g.dst.tolist(), g.weight.tolist()):
        a, b = int(r.module[s]), int(r.module[t])
        if a != b:
            key = (min(a, b), max(a, b))
            expected[key] = expected.get(key, 0.0) + w / total
    root = module_tree(r, result_flow(r))[0]
    assert root.links.keys() == expected.keys()
    for key, f in expected.items():
        assert root.links[key] == pytest.approx(f, rel=1e-12)
    lines = list(ftree_lines(r, module_tree(r, result_flow(r))))
    assert lines[lines.index("*Links undirected") + 3].startswith(f"*Links root 0 0 {len(expected)} {r.num_modules}")


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gexf_graphml_round_trip(tmp_path, fmt):
    graph = tmp_path / "g.txt"
    graph.write_text(nested_graph(9))
    tsv = run_minent("infomap", graph, "--seed", "4", "-q").stdout.decode()
    expected = {row.split("\t")[0]: (int(row.split("\t")[1]), float(row.split("\t")[2]))
                for row in tsv.splitlines()}
    out = tmp_path / f"g.{fmt}"
    r = run_minent("infomap", graph, "--seed", "4", "-f", fmt, "-o", out)
    assert r.returncode == 0, r.stderr
    G = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert set(G.nodes()) == set(expected)
    for u, data in G.nodes(data=True):
        assert (int(data["module"]), float(data["flow"])) == pytest.approx(expected[u])
        assert data["path"].split(":")[0] == str(expected[u][0])
    src = parse_edge_list(graph.read_bytes())
    assert G.number_of_edges() == src.n_edges
    assert sum(d["weight"] for _, _, d in G.edges(data=True)) == pytest.approx(float(src.weight.sum()))
    # read back by extension: same graph, same partition, same codelength
    again = run_minent("infomap", out, "--seed", "4")
    assert again.returncode == 0, again.stderr
    back = {row.split("\t")[0]: int(row.split("\t")[1]) for row in again.stdout.decode().splitlines()}
    assert back == {u: m for u, (m, _) in expected.items()}
    cl = lambda err: err.decode().split("codelength ")[1].split(" ")[0]  # noqa: E731
    assert cl(again.stderr) == cl(r.stderr)


def test_gml_and_input_format_flag(tmp_path):
    G = nx.karate_club_graph()
    path = tmp_path / "k.gml"
    nx.write_gml(G, path)
    edges = "".join(f"{u} {v} {d['weight']}\n" for u, v, d in G.edges(data=True))
    a = run_minent("infomap", path, "--seed", "1")
    b = run_minent("infomap", "-", "--seed", "1", input=edges)
    assert a.returncode == 0 and a.stdout == b.stdout
    unweighted = run_minent("infomap", path, "--seed", "1", "--weight-attr", "")
    assert unweighted.stdout != a.stdout
    # no extension: the flag decides; stdin too
    plain = tmp_path / "karate"
    nx.write_graphml(G, plain)
    c = run_minent("infomap", "-", "--input-format", "graphml", "--seed", "1", input=plain.read_bytes())
    assert c.returncode == 0 and c.stdout == a.stdout


def test_directed_file_is_directed(tmp_path):
    D = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    path = tmp_path / "d.graphml"
    nx.write_graphml(D, path)
    r = run_minent("infomap", path, "-q", "-f", "json")
    assert json.loads(r.stdout)["directed"] is True


BAD = [
    ("bad.graphml", '<?xml version="1.0"?>\n<graphml>\n<graph edgedefault="undirected">\n<node id="a">\n</graph>\n',
     r"bad\.graphml:5: not valid GraphML"),
    ("bad.gexf", '<?xml version="1.0"?>\n<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
     '<graph defaultedgetype="undirected">\n<nodes><node id="a"/><node id="b"/></nodes>\n'
     '<edges><edge source="a" target="b" weight="x"/></edges>\n</graph></gexf>\n', r"bad\.gexf:5: not valid GEXF"),
    ("bad.gml", 'graph [\n node [ id 1 label "a" ]\n node [ id 2 label "b" ]\n edge [ source 1 target 3 ]\n]\n',
     r"bad\.gml:4: not valid GML"),
    ("cut.gml", 'graph [\n node [ id 1 label "a"\n', r"cut\.gml:3: not valid GML"),
    ("neg.graphml", '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
     '<key id="d0" for="edge" attr.name="weight" attr.type="double"/>\n<graph edgedefault="undirected">\n'
     '<node id="a"/><node id="b"/>\n<edge source="a" target="b"><data key="d0">-2</data></edge>\n</graph></graphml>\n',
     r"neg\.graphml:6: edge 'a' -> 'b': weight must be a positive finite number"),
    ("empty.gexf", "", r"empty\.gexf:1: not valid GEXF"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_one_line_errors(tmp_path, name, text, message):
    import re

    path = tmp_path / name
    path.write_text(text)
    r = run_minent("infomap", path, "-o", tmp_path / "out.tsv")
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and re.search(message, err), err
    assert not (tmp_path / "out.tsv").exists()


def test_json_codelength_keys():
    r = infomap(parse_edge_list(nested_graph(3).encode()), seed=1)
    doc = infomap_json(r, module_tree(r, result_flow(r)))
    assert math.isclose(doc["codelength"], r.codelength)
    assert doc["numModules"] == [r.num_modules, 0] and doc["modules"][0]["path"] == [0]
    assert json.loads(json.dumps(doc)) == doc
