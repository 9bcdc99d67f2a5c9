"""--preferred-number-of-modules: the search minimises L + |modules - K| bits (the reference's
BiasedMapEquation), reports the plain L, never falls back to one module."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest

from tests.support import run_minent
from minent.errors import UsageError
from minent.graph.infomap import infomap
from minent.graph.infomap.flow import codelength, compute_flow
from minent.io.graph_nx import from_networkx


def graphs():
    lfr = nx.LFR_benchmark_graph(250, 3, 1.5, 0.3, average_degree=10, max_degree=40, min_community=20, seed=10)
    out = {"karate": nx.karate_club_graph(), "caveman": nx.relaxed_caveman_graph(10, 8, 0.15, seed=1),
           "lfr": lfr, "geometric": nx.random_geometric_graph(300, 0.15, seed=2)}
    for name, G in out.items():
        G = nx.convert_node_labels_to_integers(nx.Graph(G))
        G.remove_edges_from(list(nx.selfloop_edges(G)))
        out[name] = G
    return out


def reference(G, K, trials=3, directed=False):
    infomap_pkg = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap_pkg.Infomap(two_level=True, seed=1, silent=True, num_trials=trials, directed=directed,
                                 preferred_number_of_modules=K)
        for u, v in G.edges():
            im.add_link(u, v)
        im.run()
        return im.num_top_modules, im.codelength


@pytest.mark.parametrize("name", ["karate", "caveman", "lfr", "geometric"])
def test_module_count_and_codelength_against_the_reference(name):
    G = graphs()[name]
    for K in (2, 5, 12):
        r = infomap(G, weight=None, seed=1, trials=3, preferred_number_of_modules=K)
        ref_k, ref_len = reference(G, K)
        assert r.num_modules == K == ref_k
        assert r.codelength <= ref_len * 1.01, (K, r.codelength, ref_len)
        # the reported codelength is the plain map equation of the partition
        flow = compute_flow(from_networkx(G, weight=None))
        assert r.codelength == pytest.approx(codelength(flow, r.module - 1)[0], abs=1e-12)
        assert r.settings["preferred_number_of_modules"] == K


def test_disconnected_parts_can_merge():
    """Six separate cliques, K = 3: the count penalty pays for merging modules without a link
    between them, reachable only by the random moves of weakly linked (aggregated) nodes."""
    G = nx.disjoint_union_all([nx.complete_graph(5) for _ in range(6)])
    assert infomap(G, seed=1).num_modules == 6
    r = infomap(G, seed=1, preferred_number_of_modules=3)
    assert r.num_modules == 3
    cliques = [set(range(5 * i, 5 * i + 5)) for i in range(6)]
    for c in r.communities():
        assert all(q <= c or not (q & c) for q in cliques)   # whole cliques only


def test_no_fall_back_to_one_module():
    G = nx.planted_partition_graph(4, 60, 0.3, 0.1, seed=3)   # below detectability
    assert infomap(G, seed=1).num_modules == 1
    r = infomap(G, seed=1, preferred_number_of_modules=4)
    assert r.num_modules == 4 and r.codelength > r.one_level_codelength
    # the cheapest 4 modules split off single nodes: no structure is invented (as the reference)
    assert sorted(map(len, r.communities())) == [1, 1, 1, 237]


def test_directed_word_like_graph_reaches_the_count():
    rng = np.random.default_rng(4)
    D = nx.DiGraph()
    for comp in range(12):                       # 12 weakly connected parts
        nodes = [f"{comp}-{i}" for i in range(15)]
        for u in nodes:
            for v in rng.choice(nodes, 3, replace=False):
                if u != v:
                    D.add_edge(u, v)
    r = infomap(D, seed=2, preferred_number_of_modules=4)
    assert r.num_modules == 4


def test_usage():
    G = nx.karate_club_graph()
    with pytest.raises(UsageError, match="preferred_number_of_modules"):
        infomap(G, preferred_number_of_modules=-2)
    edges = "".join(f"{u} {v}\n" for u, v in G.edges())
    r = run_minent("infomap", "-", "--preferred-number-of-modules", "2", input=edges)
    assert r.returncode == 0
    assert {line.split("\t")[1] for line in r.stdout.decode().splitlines()} == {"1", "2"}
    assert "preferred_number_of_modules=2" in r.stderr.decode()
    assert run_minent("infomap", "-", "--preferred-number-of-modules", "0", input=edges).returncode == 2
