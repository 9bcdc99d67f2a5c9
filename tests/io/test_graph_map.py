"""--map: the SVG map of the modules (circles sized by flow, lines by flow between modules)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

from tests.support import run_minent
from minent.graph.infomap import infomap
from minent.graph.infomap.flow import result_flow
from minent.graph.infomap.tree import module_tree
from minent.io.graph_map import module_map_svg

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(G, **kw):
    r = infomap(G, seed=1)
    return r, ET.fromstring(module_map_svg(r, module_tree(r, result_flow(r)), **kw).encode())


def circles(root):
    return [(float(c.get("cx")), float(c.get("cy")), float(c.get("r"))) for c in root.iter(f"{SVG}circle")]


def test_circles_sized_by_flow_and_lines_by_module_links():
    G = nx.relaxed_caveman_graph(8, 10, 0.08, seed=3)
    G.add_edges_from((i, j) for i in range(10) for j in range(i + 1, 10))    # one denser cave
    r, root = svg_of(G)
    cs = circles(root)
    assert len(cs) == r.num_modules
    flows = np.array([m.flow for m in module_tree(r, result_flow(r)) if len(m.path) == 1])
    radii = np.array([c[2] for c in cs])
    # area ~ flow (radii printed to 0.1 px)
    np.testing.assert_allclose(radii ** 2 / radii[0] ** 2, flows / flows[0], rtol=0.02)
    for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(cs, 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (r1 + r2) ** 2 - 1e-6   # no overlaps
    pairs = {frozenset((int(r.module[u]), int(r.module[v]))) for u, v in G.edges()
             if r.module[u] != r.module[v]}
    assert len(list(root.iter(f"{SVG}line"))) == len(pairs)
    # labelled by the module's nodes with most flow
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    top_node = max(range(G.number_of_nodes()), key=lambda i: (r.module[i] == 1, r.flow[i]))
    assert r.graph.names[top_node] in texts
    assert f"{r.num_modules} modules" in texts


def test_max_modules_and_determinism():
    G = nx.relaxed_caveman_graph(12, 6, 0.05, seed=1)
    r = infomap(G, seed=1)
    modules = module_tree(r, result_flow(r))
    a = module_map_svg(r, modules, max_modules=5)
    assert a == module_map_svg(r, modules, max_modules=5)
    root = ET.fromstring(a.encode())
    assert len(circles(root)) == 5
    assert f"{r.num_modules - 5} smaller modules" in a


def test_one_module_and_escaping():
    G = nx.complete_graph(["<a&b>", "c", "d", "e"])
    r, root = svg_of(G)
    assert r.num_modules == 1 and len(circles(root)) == 1
    assert any("<a&b>" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_cli_map_option(tmp_path):
    edges = "".join(f"{u} {v}\n" for u, v in nx.relaxed_caveman_graph(5, 6, 0.1, seed=2).edges())
    out = tmp_path / "m.svg"
    r = run_minent("infomap", "-", "--map", out, "-q", input=edges)
    assert r.returncode == 0 and r.stdout          # the module table still goes to stdout
    assert ET.parse(out).getroot().tag == f"{SVG}svg"
    bad = run_minent("infomap", "-", "--map", tmp_path / "nowhere" / "m.svg", input=edges)
    assert bad.returncode == 2 and "does not exist" in bad.stderr.decode()


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_graphs(n):
    G = nx.Graph([(0, 1)]) if n == 1 else nx.Graph([(0, 1), (2, 3)])
    r, root = svg_of(G)
    assert len(circles(root)) == r.num_modules
