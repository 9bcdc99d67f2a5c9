"""networkx interop: infomap() on networkx graphs, scipy matrices and edge arrays; results as
networkx communities and node attributes; word_graph as an nx.DiGraph."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from minent.errors import DataError, UsageError
from minent.graph.infomap import infomap
from minent.io.graph import Graph
from minent.io.graph_nx import as_graph, from_edge_array, from_networkx, from_scipy, to_networkx
from minent.graph.wordgraph import word_graph


def graph_of(n, links, directed=False):
    src = np.array([s for s, _, _ in links], np.int64)
    dst = np.array([t for _, t, _ in links], np.int64)
    w = np.array([w for _, _, w in links], float)
    return Graph([str(i) for i in range(n)], np.arange(n), src, dst, w, directed)


def slow_modularity(G, communities, weight=None):
    """Newman's Q = sum over node pairs in the same community of (A_ij - k_i k_j / 2m) / 2m,
    straight from the definition (undirected graphs, self-loops not used here)."""
    nodes = list(G.nodes())
    A = {(u, v): (d.get(weight, 1) if weight else 1) for u, v, d in G.edges(data=True)}
    A.update({(v, u): a for (u, v), a in list(A.items())})
    k = {u: sum(A.get((u, v), 0) for v in nodes) for u in nodes}
    two_m = sum(k.values())
    label = {u: c for c, members in enumerate(communities) for u in members}
    q = 0.0
    for u, v in itertools.product(nodes, nodes):
        if label[u] == label[v]:
            q += A.get((u, v), 0) - k[u] * k[v] / two_m
    return q / two_m


def test_karate_from_networkx_equals_own_graph_and_modularity_agrees():
    G = nx.karate_club_graph()
    own = infomap(graph_of(34, [(u, v, 1.0) for u, v in G.edges()]), seed=3)
    r = infomap(G, weight=None, seed=3)
    assert r.codelength == pytest.approx(own.codelength, abs=1e-12)
    assert r.module.tolist() == own.module.tolist()
    comms = r.communities()
    assert nx.community.is_partition(G, comms)
    assert all(isinstance(u, int) for c in comms for u in c)   # the networkx nodes, not strings
    assert sum(map(len, comms)) == 34 and len(comms) == r.num_modules
    q = nx.community.modularity(G, comms, weight=None)
    assert q == pytest.approx(slow_modularity(G, comms), abs=1e-12)
    assert q > 0.35
    # module 1 first (largest flow)
    assert comms[0] == {u for u in G if r.module[u] == 1}


def test_weight_attribute_is_selectable():
    G = nx.karate_club_graph()   # has a 'weight' attribute (interaction counts)
    for u, v, d in G.edges(data=True):
        d["w2"] = 1.0
    weighted = infomap(G, seed=1)
    unweighted = infomap(G, weight=None, seed=1)
    by_other = infomap(G, weight="w2", seed=1)
    assert by_other.codelength == pytest.approx(unweighted.codelength, abs=1e-12)
    assert weighted.codelength != pytest.approx(unweighted.codelength, abs=1e-6)
    expected = infomap(graph_of(34, [(u, v, float(d["weight"])) for u, v, d in G.edges(data=True)]), seed=1)
    assert weighted.codelength == pytest.approx(expected.codelength, abs=1e-12)
    # a missing attribute weighs 1, as in networkx
    H = nx.Graph([(0, 1, {"weight": 3.0}), (1, 2, {})])
    assert from_networkx(H).weight.tolist() == [3.0, 1.0]


def test_directed_graph_and_string_nodes():
    rng = np.random.default_rng(5)
    D = nx.DiGraph()
    names = [f"词{i}" for i in range(40)]
    for _ in range(150):
        s, t = rng.integers(40, size=2)
        if s != t:
            D.add_edge(names[s], names[t], weight=float(rng.choice([1.0, 2.0])))
    r = infomap(D, seed=2)
    assert r.settings["directed"] is True
    g = from_networkx(D)
    own = infomap(Graph(g.names, g.ids, g.src, g.dst, g.weight, True), seed=2)
    assert r.codelength == pytest.approx(own.codelength, abs=1e-12)
    assert set().union(*r.communities()) == set(D.nodes())
    # directed=False reads the arcs as undirected links
    assert infomap(D, directed=False, seed=2).settings["directed"] is False


@pytest.mark.parametrize("directed", [False, True])
def test_planted_partition_recovered(directed):
    G = nx.planted_partition_graph(5, 30, 0.5, 0.01, seed=4, directed=directed)
    r = infomap(G, seed=1)
    planted = {frozenset(b) for b in G.graph["partition"]}
    assert {frozenset(c) for c in r.communities()} == planted


def test_scipy_matrix_and_edge_array():
    G = nx.karate_club_graph()
    base = infomap(G, weight=None, seed=7)
    A = nx.to_scipy_sparse_array(G, weight=None, format="csr")
    for matrix in (A, A.tocoo(), A.toarray()):
        r = infomap(matrix, seed=7)
        assert r.settings["directed"] is False
        assert r.codelength == pytest.approx(base.codelength, abs=1e-12)
        assert r.communities() == base.communities()
    edges = np.array(list(G.edges()))
    assert infomap(edges, seed=7).communities() == base.communities()
    weighted = np.column_stack([edges, np.full(len(edges), 2.0)])
    assert infomap(weighted, seed=7).codelength == pytest.approx(base.codelength, abs=1e-12)
    # a non-symmetric matrix is a directed graph unless told otherwise
    D = nx.to_scipy_sparse_array(nx.gn_graph(30, seed=1), format="csr")
    assert from_scipy(D).directed is True
    with pytest.raises(UsageError, match="not symmetric"):
        from_scipy(D, directed=False)
    # an isolated row keeps its node
    B = sp.csr_array((np.ones(2), ([0, 1], [1, 0])), shape=(3, 3))
    assert from_scipy(B).n_nodes == 3


def test_edge_array_labels_and_errors():
    g = from_edge_array(np.array([[10, 3], [3, 7]]))
    assert g.nodes == [3, 7, 10] and g.ids.tolist() == [3, 7, 10]
    g = from_edge_array(np.array([["a", "b"], ["b", "c"]]))
    assert g.nodes == ["a", "b", "c"]
    with pytest.raises(DataError, match="positive finite"):
        from_edge_array(np.array([[0, 1], [1, 2]]), weights=[1.0, 0.0])
    with pytest.raises(UsageError, match="shape"):
        from_edge_array(np.array([1, 2, 3]))
    with pytest.raises(DataError, match=r"edge 'a' -> 'b': weight must be a positive"):
        from_networkx(nx.Graph([("a", "b", {"weight": -1})]))
    with pytest.raises(DataError, match="not a number"):
        from_networkx(nx.Graph([("a", "b", {"weight": "heavy"})]))


def test_set_node_attributes_and_round_trip():
    G = nx.karate_club_graph()
    r = infomap(G, weight=None, seed=1)
    r.set_node_attributes(G)
    assert {G.nodes[u]["module"] for u in G} == set(range(1, r.num_modules + 1))
    assert sum(G.nodes[u]["flow"] for u in G) == pytest.approx(1.0)
    assert all(G.nodes[u]["path"].startswith(f"{G.nodes[u]['module']}:") for u in G)
    with pytest.raises(UsageError, match="no node"):
        r.set_node_attributes(nx.path_graph(3))
    H = to_networkx(as_graph(G, weight=None))
    assert nx.utils.graphs_equal(nx.Graph(G.edges()), nx.Graph(H.edges()))


def test_multigraph_edges_add_up_and_isolated_nodes_are_kept():
    M = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    M.add_node(9)
    g = from_networkx(M)
    assert g.n_nodes == 4 and g.n_edges == 3
    r = infomap(M, seed=1)
    assert set().union(*r.communities()) == {0, 1, 2, 9}


def test_hierarchical_communities_by_level():
    G = nx.relaxed_caveman_graph(6, 8, 0.05, seed=2)
    r = infomap(G, hierarchical=True, seed=1)
    top = r.communities()
    deep = r.communities(level=5)
    assert nx.community.is_partition(G, top) and nx.community.is_partition(G, deep)
    assert len(deep) >= len(top)


def test_word_graph_as_networkx(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)] + ["孤"]
    vecs = np.vstack([rng.normal(size=(30, 8)), np.zeros((1, 8))])
    path = tmp_path / "v.vec"
    path.write_text(f"{len(words)} 8\n" + "".join(
        w + " " + " ".join(f"{x:.5f}" for x in v) + "\n" for w, v in zip(words, vecs)))
    G = word_graph(path, k=3, min_sim=0.2, as_networkx=True)
    assert isinstance(G, nx.DiGraph) and list(G.nodes()) == words   # the zero vector too
    rows = list(word_graph(path, k=3, min_sim=0.2))
    assert sorted((u, v, d["weight"]) for u, v, d in G.edges(data=True)) == sorted(rows)
    r = infomap(G, seed=1)
    assert set().union(*r.communities()) == set(words)


def test_networkx_is_imported_only_where_used():
    """networkx loads lazily: not for `minent --help`, not for InfoMap on minent's own graphs."""
    import subprocess
    import sys

    code = ("import sys; from minent.cli import app; import minent.io.graph_nx, minent.io.graph_formats, "
            "minent.io.graph_map; from minent.io.graph import parse_edge_list; from minent.graph.infomap import infomap; "
            "r = infomap(parse_edge_list(b'1 2\\n2 3\\n3 1\\n')); print('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_evaluate_takes_what_infomap_takes():
    """evaluate() accepts a networkx graph (weight attribute selectable), a scipy matrix and an
    edge array, with the partition as {node: label} over the original nodes or as a list of
    node sets (what communities() gives); the codelength is the one infomap() found."""
    from minent.graph.infomap import evaluate

    G = nx.les_miserables_graph()   # string nodes, "weight" attributes
    r = infomap(G, seed=1)
    comms = r.communities()
    as_sets = evaluate(G, comms)
    as_dict = evaluate(G, {node: j for j, group in enumerate(comms) for node in group})
    assert as_sets.codelength == pytest.approx(r.codelength, abs=1e-12)
    assert as_dict.codelength == pytest.approx(r.codelength, abs=1e-12)
    own = evaluate(from_networkx(G), {node: j for j, group in enumerate(comms) for node in group})
    assert own.codelength == pytest.approx(r.codelength, abs=1e-12)
    unweighted = infomap(G, weight=None, seed=1)
    assert evaluate(G, unweighted.communities(), weight=None).codelength == pytest.approx(
        unweighted.codelength, abs=1e-12)
    assert evaluate(G, comms, weight=None).codelength != pytest.approx(r.codelength, abs=1e-6)
    # integer nodes: matrix rows and edge-array ids
    K = nx.karate_club_graph()
    A = nx.to_scipy_sparse_array(K, weight=None)
    rk = infomap(A, seed=1)
    assert evaluate(A, rk.communities()).codelength == pytest.approx(rk.codelength, abs=1e-12)
    edges = np.array(list(K.edges()))
    re = infomap(edges, seed=1)
    assert evaluate(edges, re.communities()).codelength == pytest.approx(re.codelength, abs=1e-12)
    with pytest.raises(DataError, match="has no module"):
        evaluate(G, comms[1:])
